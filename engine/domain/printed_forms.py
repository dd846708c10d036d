"""The policy's paper forms, printed from the case record as numbered documents.

Each form is one HTML template (``engine/domain/form_templates/<key>.html``) that names the
case-data fields it prints with their printed labels; the rest is the same for every form: the
title, the document number, the case, the values as last recorded and formatted as on the case
page, the customer's drawn signature. A form is offered for a case once one of its ``needs``
fields is recorded (a service report once the engineer has diagnosed). Templates run in
Jinja's sandbox with autoescaping; they can reach only what ``FormContext`` hands them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader
from jinja2 import TemplateSyntaxError
from jinja2 import nodes
from jinja2 import select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from markupsafe import escape

TEMPLATES = Path(__file__).with_name("form_templates")
BLANK = "\u3000" * 6  # an empty line to fill in by hand, as on the paper form


@dataclass(frozen=True)
class PrintedForm:
    key: str
    title: str  # as printed: the policy's name of the form
    title_en: str
    prefix: str  # of the document number, e.g. BG-2026-0001
    clause: str
    needs: tuple[str, ...]  # offered once the case has recorded one of these fields


FORMS = {
    form.key: form
    for form in (
        PrintedForm(
            "service_report", "售后服务报告单", "Service report", "BG", "S0、S2 服务人员规范 7", ("diagnosis",)
        ),
        PrintedForm(
            "feedback_form",
            "用户意见处理反馈表",
            "Customer feedback form",
            "FK",
            "S2 7.2.5–7.2.6",
            ("feedback_signed_by", "customer_signature"),
        ),
        PrintedForm("quote", "报价单", "Quotation", "BJ", "S0 六、十；S2 7.2.4", ("quote_amount", "fee_amount")),
        PrintedForm("invoice", "收费结算单", "Invoice", "FP", "S0 二.2、十三；S2 2.5", ("invoice_no",)),
        PrintedForm("repair_order", "委托维修单", "Entrusted repair order", "WT", "S3 2.2", ("received_qty",)),
        PrintedForm(
            "repair_record", "产品修理原始记录卡", "Repair record card", "XL", "S3 2.2；S0 十二", ("repair_hours",)
        ),
        PrintedForm(
            "exchange_notice",
            "产品质量退换通知单",
            "Quality exchange/return notice",
            "TH",
            "S3 2.3",
            ("notice_items", "refund_amount"),
        ),
        PrintedForm(
            "complaint_sheet",
            "投诉处理单",
            "Complaint handling sheet",
            "TS",
            "S4 3；S0 二十二–二十八",
            ("complaint_text",),
        ),
        PrintedForm(
            "maintenance_notice", "保养到期通知书", "Maintenance due notice", "BY", "S0 二十", ("contract_no",)
        ),
        PrintedForm("expense_claim", "差旅费报销单", "Trip expense claim", "BX", "S2 7.2.7、8.4", ("expense_lines",)),
        PrintedForm("parts_slip", "备件借用单", "Spare parts slip", "JY", "S2 11.3–11.5", ("parts_issued",)),
    )
}


@dataclass(frozen=True)
class FormOffer:
    """A form a case can print, with its number once printed."""

    key: str
    title: str
    title_en: str
    number: str | None


def offers(recorded: Iterable[str], numbers: Mapping[str, str]) -> list[FormOffer]:
    return [FormOffer(f.key, f.title, f.title_en, numbers.get(f.key)) for f in offered(recorded)]


def offered(recorded: Iterable[str]) -> list[PrintedForm]:
    """The forms a case with these recorded fields can print, in the registry's order."""
    present = set(recorded)
    return [form for form in FORMS.values() if present.intersection(form.needs)]


@dataclass(frozen=True)
class Fact:
    """A recorded value as the form prints it."""

    value: Any
    kind: str  # the form field's type (text, boolean, date, datetime, rows, signature, choice…)
    columns: tuple[tuple[str, str], ...] = ()


class FormContext:
    """What a form template sees: the document's heading and the case's values by field id."""

    def __init__(
        self,
        form: PrintedForm,
        number: str,
        case_number: str,
        printed_on: date,
        facts: Mapping[str, Fact],
        images: Mapping[int, tuple[str, bytes]],
        zone: ZoneInfo,
    ) -> None:
        self.form, self.number, self.case_number, self.printed_on = form, number, case_number, printed_on
        self.facts, self.images, self.zone = facts, images, zone

    def shown(self, field: str) -> Markup:
        """The field's value as printed: yes/no in words, local times, rows as a table, a
        signature as its image; a blank line for what the case has not recorded."""
        fact = self.facts.get(field)
        if fact is None or fact.value in (None, "", []):
            return Markup(BLANK)
        value = fact.value
        if fact.kind == "signature" and isinstance(value, Mapping):
            stored = self.images.get(int(value.get("attachment_id") or 0))
            if stored is None:
                return Markup(BLANK)
            kind, content = stored
            data = base64.b64encode(content).decode("ascii")
            return Markup(f'<img class="signature" alt="signature" src="data:{escape(kind)};base64,{data}">')
        if fact.kind == "rows" and isinstance(value, list):
            head = "".join(f"<th>{escape(label)}</th>" for _id, label in fact.columns)
            body = "".join(
                "<tr>"
                + "".join(f"<td>{escape(_text(row.get(cid), self.zone))}</td>" for cid, _l in fact.columns)
                + "</tr>"
                for row in value
                if isinstance(row, Mapping)
            )
            return Markup(f'<table class="rows"><tr>{head}</tr>{body}</table>')
        if fact.kind == "decimal":
            try:
                return escape(f"{Decimal(str(value)):,.2f}")  # money as on a paper form: 18,000.00
            except ArithmeticError:
                pass
        return escape(_text(value, self.zone))

    def table(self, fields: Iterable[tuple[str, str]]) -> Markup:
        """A two-column table: each (field id, printed label) with its value."""
        cells = "".join(
            f'<tr><th>{escape(label)}</th><td data-field="{escape(field)}">{self.shown(field)}</td></tr>'
            for field, label in fields
        )
        return Markup(f'<table class="fields">{cells}</table>')


def _text(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


# Fictional values of every field the shipped forms print: previews and docs/forms/.
SAMPLE = {
    "customer": "华东示例重工有限公司", "contact_person": "张工", "contact_phone": "021-1234 5678",
    "address": "上海市示例路 1 号", "product_model": "AWP-12 高空作业平台", "serial_number": "AW2026-0101",
    "fault_description": "液压系统漏油", "engineer": "王工", "arrived_at": "2026-03-03T02:00:00+00:00",
    "diagnosis": "密封圈老化", "whole_unit_checked": True, "repaired": True, "parts_slip": "JJ-0031",
    "parts_returned": "旧密封圈 2 只", "completed_at": "2026-03-03T05:30:00+00:00",
    "left_at": "2026-03-03T06:00:00+00:00",
    "receipt_no": "QS-0101", "feedback_note": "处理及时", "feedback_signed_by": "李经理",
    "rating_attitude": "满意", "rating_skill": "满意", "rating_arrival": "满意", "rating_promises": "满意",
    "quote_lines": [
        {"kind": "工时费", "item": "工程师", "qty": "1.3", "unit_price": "200.00", "amount": "260.00"},
        {"kind": "差旅费", "item": "120 km", "qty": "1", "unit_price": "600.00", "amount": "600.00"},
    ],
    "invoice_lines": [
        {"kind": "工时费", "item": "工程师", "qty": "1.3", "unit_price": "200.00", "amount": "260.00"},
        {"kind": "差旅费", "item": "120 km", "qty": "1", "unit_price": "600.00", "amount": "600.00"},
        {"kind": "配件", "item": "MS-8", "qty": "2", "unit_price": "12.00", "amount": "24.00"},
    ],
    "invoice_amount": "884.00", "invoice_no": "FP-0001", "amount_collected": "884.00", "collected_on": "2026-03-20",
    "quote_amount": "860.00", "quote_note": "更换密封圈",
    "quote_accepted": True, "customer_note": "同意", "received_qty": 2, "matches_list": True,
    "participants": "质量、技术、检验、生产", "root_cause": "油泵磨损", "repairable": True, "paid_repair": False,
    "repair_order_no": "WX-01", "repair_hours": "3.5", "repair_parts": "油泵", "passed": True,
    "inspection_note": "试压合格", "shipping_no": "SF-001", "notice_no": "TH-2026-007",
    "notice_items": "AWP-12 整机 1 台",
    "amount": "18000", "stock_out_no": "CK-100", "recovered": True, "stock_in_no": "RK-100",
    "order_no": "SO-2026-0310", "part_no": "KG-5", "quantity": 20, "defective_qty": 3,
    "complaint_text": "三台开关柜合闸失败，要求更换", "analysis": "装配扭矩不足", "company_fault": True,
    "corrective_action": "复紧全部在库产品", "preventive_action": "增加扭矩检验", "result": "已更换三台",
    "effective": True, "external_cost": "4500.00", "contract_no": "WB-2026-09", "contract_end": "2027-06-30",
    "trip_report_text": "更换密封圈，试车正常", "expenses": "860.00", "approved_expenses": "760.00",
    "rejected_expenses": "100.00", "reimbursed_amount": "760.00", "reimbursement_voucher": "BX-0001",
    "reimbursed_on": "2026-03-12",
    "expense_lines": [
        {"kind": "交通费", "item": "高铁往返", "amount": "480.00"},
        {"kind": "住宿费", "item": "2 晚", "amount": "300.00"},
        {"kind": "出差补助", "item": "2 天", "amount": "80.00"},
    ],
    "expense_audit": [
        {"kind": "交通费", "item": "高铁往返", "claimed": "480.00", "approved": "480.00", "reason": ""},
        {"kind": "住宿费", "item": "2 晚", "claimed": "300.00", "approved": "200.00", "reason": "超出住宿标准"},
        {"kind": "出差补助", "item": "2 天", "claimed": "80.00", "approved": "80.00", "reason": ""},
    ],
    "parts_issued": [{"part_no": "MS-8", "qty": "3", "basis": "保修"}],
    "parts_accounted": [{"part_no": "MS-8", "used": "2", "unused": "1", "removed": "2"}],
    "reinspection": [
        {"part_no": "MS-8", "source": "未使用", "qty": "1", "result": "合格"},
        {"part_no": "MS-8", "source": "换下件", "qty": "2", "result": "报废"},
    ],
    "inspection_certificate": "JY-2026-031", "transfer_no": "ZY-88",
}  # fmt: skip
DECIMALS = {"quote_amount", "invoice_amount", "amount_collected", "amount", "external_cost"}
# The priced lines' columns as the shipped forms label them (tools/diagrams/forms.py priced_lines).
LINE_COLUMNS = (("kind", "类别"), ("item", "技能/零件号/说明"), ("qty", "数量"), ("unit_price", "单价（元）"),
                ("amount", "金额（元）"))  # fmt: skip


# The other rows fields' columns (tools/diagrams/forms.py), for the samples.
ROW_COLUMNS = {
    "expense_lines": (("kind", "类别"), ("item", "说明"), ("amount", "金额（元）")),
    "expense_audit": (("kind", "类别"), ("item", "说明"), ("claimed", "报销金额（元）"), ("approved", "核准金额（元）"),
                      ("reason", "核减理由")),
    "parts_issued": (("part_no", "零件号"), ("qty", "数量"), ("basis", "保修/有偿")),
    "parts_accounted": (("part_no", "零件号"), ("used", "已使用"), ("unused", "未使用退回"), ("removed", "换下件退回")),
    "reinspection": (("part_no", "零件号"), ("source", "来源"), ("qty", "数量"), ("result", "复验结果")),
}  # fmt: skip


def sample_facts() -> dict[str, Fact]:
    return {
        key: Fact(value, "rows", ROW_COLUMNS.get(key, LINE_COLUMNS))
        if isinstance(value, list)
        else Fact(value, "decimal" if key in DECIMALS else "boolean" if isinstance(value, bool) else "text")
        for key, value in SAMPLE.items()
    }


MAX_SOURCE_CHARS = 50_000
# What an administrator's form template may contain: the shipped templates' own vocabulary.
# No loops, arithmetic, filters, includes or macros, so rendering is bounded by the text's length.
_NODES = (
    nodes.Template, nodes.Extends, nodes.Block, nodes.Output, nodes.TemplateData, nodes.Const, nodes.List,
    nodes.Tuple, nodes.Call, nodes.Name, nodes.Getattr, nodes.If, nodes.Compare, nodes.Operand, nodes.And,
    nodes.Or, nodes.Not, nodes.CondExpr,
)  # fmt: skip
_NAMES = {"form", "number", "case_number", "printed_on", "shown", "table"}
_FORM_ATTRIBUTES = {"title", "title_en", "clause", "key"}


def shipped_source(form: PrintedForm) -> str:
    return (TEMPLATES / f"{form.key}.html").read_text(encoding="utf-8")


def problems_of(source: str) -> list[str]:
    """What is wrong with an administrator's form template, each with its line; empty when it
    may be saved."""
    if len(source) > MAX_SOURCE_CHARS:
        return [f"at most {MAX_SOURCE_CHARS} characters"]
    try:
        tree = _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as err:
        return [f"line {err.lineno}: {err.message}"]
    found: list[str] = []
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", "?")
        if not isinstance(node, _NODES):
            found.append(f"line {line}: {type(node).__name__.lower()} is not allowed in a form")
        elif isinstance(node, nodes.Extends) and not (
            isinstance(node.template, nodes.Const) and node.template.value == "_form.html"
        ):
            found.append(f'line {line}: a form extends only "_form.html"')
        elif isinstance(node, nodes.Name) and node.name not in _NAMES:
            found.append(f"line {line}: unknown name {node.name}; use {', '.join(sorted(_NAMES))}")
        elif isinstance(node, nodes.Getattr) and not (
            isinstance(node.node, nodes.Name) and node.node.name == "form" and node.attr in _FORM_ATTRIBUTES
        ):
            found.append(f"line {line}: only form.{', form.'.join(sorted(_FORM_ATTRIBUTES))} may be read")
        elif isinstance(node, nodes.Call) and not (
            isinstance(node.node, nodes.Name) and node.node.name in ("shown", "table") and not node.kwargs
        ):
            found.append(f'line {line}: only shown("field") and table([("field", "label"), …]) may be called')
    return found


_ENVIRONMENT = SandboxedEnvironment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True)
)


def render_html(context: FormContext, source: str | None = None) -> str:
    """The form's HTML: its shipped template, or ``source`` (an administrator's wording)."""
    template = (
        _ENVIRONMENT.from_string(source)
        if source is not None
        else _ENVIRONMENT.get_template(f"{context.form.key}.html")
    )
    return template.render(
        form=context.form,
        number=context.number,
        case_number=context.case_number,
        printed_on=context.printed_on.isoformat(),
        shown=context.shown,
        table=context.table,
    )
