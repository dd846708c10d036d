"""The form a customer fills in after scanning a unit's nameplate QR code: who they are, how to
reach them, what is wrong. The unit itself (model, serial, warranty) comes from the archive, so
the customer types none of it. Checked like any task form (engine/domain/forms.py)."""

from __future__ import annotations

from engine.domain.forms import EMAIL_PATTERN as EMAIL
from engine.domain.forms import PHONE_PATTERN as PHONE
from engine.domain.forms import form_field

REQUIRED: dict[str, str | None] = {"required": None}

REQUEST_FORM = {
    "fields": [
        form_field("customer", "string", "客户单位", None, {**REQUIRED, "maxlength": "200"}, {}, []),
        form_field("contact_person", "string", "联系人", None, {**REQUIRED, "maxlength": "100"}, {}, []),
        form_field("contact_phone", "string", "联系电话", None, {**REQUIRED, "pattern": PHONE}, {}, []),
        form_field(
            "contact_email", "string", "电子邮箱（发送受理通知和查询链接）", None,
            {"maxlength": "254", "pattern": EMAIL}, {}, [],
        ),
        form_field("address", "string", "地址", None, {"maxlength": "300"}, {}, []),
        form_field(
            "fault_description", "string", "故障现象/咨询内容", None, {**REQUIRED, "maxlength": "2000"},
            {"multiline": "true"}, [],
        ),
    ]
}  # fmt: skip
