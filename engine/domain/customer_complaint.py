"""The form a customer fills in to complain about their case from its tracking page: what went
wrong and what they want. Who they are, how to reach them and which unit it concerns come from
the case they are following, so the customer types none of it. Checked like any task form."""

from __future__ import annotations

from engine.domain.forms import form_field

COMPLAINT_FORM = {
    "fields": [
        form_field(
            "complaint_text", "string", "投诉内容及客户诉求", None, {"required": None, "maxlength": "2000"},
            {"multiline": "true"}, [],
        ),
    ]
}  # fmt: skip
# What the complaint's registration takes over from the case complained about.
CARRIED_OVER = ("customer", "contact_phone", "contact_email", "serial_number")
# The complaint's field for the unit's model (the service request calls it product_model).
MODEL_FIELD, CASE_MODEL_FIELD = "part_no", "product_model"
