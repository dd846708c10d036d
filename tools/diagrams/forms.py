"""Form pieces the shipped processes share (labels in Chinese, as on the policy's paper forms)."""

from __future__ import annotations

from engine.domain.forms import EMAIL_PATTERN as EMAIL_PATTERN  # one home: the forms model
from engine.domain.forms import PHONE_PATTERN as PHONE_PATTERN
from tools.diagrams.drawing import Field
from tools.diagrams.drawing import choice

# Service zones of an arrival promise (engine/domain/service_settings.py ZONES).
ZONES = [("city", "市区"), ("suburb", "郊区"), ("other", "其他地区"), ("special", "特殊情况")]

CHANNELS = [
    ("phone", "电话"),
    ("letter", "信函"),
    ("fax", "传真"),
    ("email", "电子邮件"),
    ("web", "网站"),
    ("walk_in", "来访"),
    ("nameplate", "铭牌扫码"),
]
CATEGORY = [("own", "本公司产品"), ("partner", "合作伙伴产品"), ("agent", "代理产品"), ("competitor", "竞争对手产品")]
RATING = [("very_satisfied", "很满意"), ("satisfied", "满意"), ("fair", "一般"), ("poor", "不满意")]

# Where a failure comes from and who answers for it (S2 12.3: purchasing, machining, assembly …);
# the same codes in every repair and complaint, so the quarterly cause analysis adds them up.
CAUSES = [
    ("design", "设计"),
    ("purchasing", "采购"),
    ("machining", "加工"),
    ("assembly", "装配"),
    ("service_work", "服务"),
    ("transport", "运输"),
    ("use", "使用不当"),
]
DEPARTMENTS = [
    ("production", "生产"),
    ("technical", "技术"),
    ("purchasing", "采购"),
    ("after_sales", "售后服务"),
    ("sales", "销售"),
    ("logistics", "物流"),
    ("customer", "用户（非公司责任）"),
]


def cause_fields() -> list[Field]:
    """The cause and responsibility codes of a repair or complaint (engine/domain/policy.py cause_steps)."""
    return [
        choice("cause", "原因类别", CAUSES, required=True),
        choice("responsible_department", "责任部门", DEPARTMENTS, required=True),
    ]


APPROVE = "批准|驳回"
ACCEPT = "同意|拒绝"
YES_NO = "是|否"


def approval(decision: str, label: str = "审批结论") -> list[Field]:
    """An approval step: the decision feeds a gateway; the comment goes to the approvals register."""
    return [
        Field(decision, label, "boolean", choices=APPROVE),
        Field(f"{decision}_comment", "审批意见", multiline=True, maxlength=1000),
    ]


def decision(field_id: str, label: str, choices: str = YES_NO) -> Field:
    """A yes/no answer the flow turns on: two named choices, one of which must be picked."""
    return Field(field_id, label, "boolean", choices=choices)


def rating(field_id: str, label: str) -> Field:
    return choice(field_id, label, RATING, required=True)


# engine/domain/quotes.py KINDS, with the names the policy's forms use.
LINE_KINDS = [
    ("labour", "工时费"),
    ("travel", "差旅费"),
    ("parts", "配件"),
    ("partner_parts", "合作方配件"),
    ("handling", "手续费"),
    ("cost", "成本"),
    ("margin", "利润"),
]


def priced_lines(field_id: str, label: str) -> Field:
    """A quote's or invoice's lines, priced against the fee table (engine/domain/quotes.py)."""
    return Field(
        field_id,
        label,
        "rows",
        required=True,
        columns=(
            ("kind", "enum|类别|required|options=" + ",".join(f"{key}:{name}" for key, name in LINE_KINDS)),
            ("item", "text|技能/零件号/说明"),
            ("qty", "decimal|数量|required"),
            ("unit_price", "decimal|单价（元）|required"),
            ("amount", "decimal|金额（元）|=qty*unit_price"),
        ),
        max_rows=30,
    )


def invoice_form() -> list[Field]:
    """The invoice of a paid repair: its lines (the quote's, corrected by the parts actually
    used), the invoice number and the collection (S0 十三; S2 2.5)."""
    return [
        priced_lines("invoice_lines", "发票明细"),
        Field("invoice_amount", "发票金额（元）", "decimal", min="0", total_of="invoice_lines.amount"),
        Field("invoice_no", "发票号", required=True, maxlength=60),
        Field("amount_collected", "收款金额（元）", "decimal", required=True, min="0"),
        Field("collected_on", "收款日期", "date"),
    ]


def partner_bill_form() -> list[Field]:
    """Warranty work on a partner's product billed to the partner afterwards (S2 5.1.2)."""
    return [
        priced_lines("partner_lines", "结算明细"),
        Field("partner_amount", "结算金额（元）", "decimal", min="0", total_of="partner_lines.amount"),
        Field("partner_bill_no", "结算单号", required=True, maxlength=60),
    ]


# A trip claim's lines (S2 7.2.7: 出差报告, 费用报销单 with its receipts; S2 8.4: nothing else).
EXPENSE_KINDS = [("transport", "交通费"), ("lodging", "住宿费"), ("allowance", "出差补助"), ("other", "其他")]
EXPENSE_KIND_COLUMN = "enum|类别|required|options=" + ",".join(f"{key}:{name}" for key, name in EXPENSE_KINDS)


def expense_claim_form() -> list[Field]:
    """The engineer's claim: its lines, their total and the receipts as files."""
    return [
        Field(
            "expense_lines",
            "费用明细",
            "rows",
            required=True,
            columns=(
                ("kind", EXPENSE_KIND_COLUMN),
                ("item", "text|说明"),
                ("amount", "decimal|金额（元）|required"),
            ),
            max_rows=40,
        ),
        Field("expenses", "费用合计（元）", "decimal", min="0", total_of="expense_lines.amount"),
        Field("receipts", "票据", "files"),
    ]


def expense_audit_form() -> list[Field]:
    """The quality office's audit of the claim, line by line (engine/domain/expense_audit.py)."""
    return [
        decision("expenses_approved", "费用审核", APPROVE),
        Field(
            "expense_audit",
            "逐项审核",
            "rows",
            required=True,
            columns=(
                ("kind", EXPENSE_KIND_COLUMN),
                ("item", "text|说明"),
                ("claimed", "decimal|报销金额（元）|required"),
                ("approved", "decimal|核准金额（元）|required"),
                ("reason", "text|核减理由"),
            ),
            max_rows=40,
        ),
        Field("approved_expenses", "核准合计（元）", "decimal", min="0", total_of="expense_audit.approved"),
    ]


def reimbursement_form() -> list[Field]:
    """Finance pays the approved amount back to the engineer."""
    return [
        Field("reimbursed_amount", "实报金额（元）", "decimal", required=True, min="0"),
        Field("reimbursement_voucher", "报销凭证号", required=True, maxlength=60),
        Field("reimbursed_on", "报销日期", "date", required=True),
    ]


# The ERP-A/S loan slip and what comes back (S2 11.3–11.5; engine/domain/parts_stock.py).
BASES = [("warranty", "保修"), ("paid", "有偿")]
RESULTS = [("good", "合格"), ("faulty", "不合格"), ("scrap", "报废")]
SOURCES = [("unused", "未使用"), ("removed", "换下件")]


def _options(pairs: list[tuple[str, str]]) -> str:
    return "options=" + ",".join(f"{key}:{name}" for key, name in pairs)


def parts_issued_field() -> Field:
    """The parts taken on the loan slip."""
    return Field(
        "parts_issued",
        "借用配件",
        "rows",
        columns=(
            ("part_no", "text|零件号|required"),
            ("qty", "decimal|数量|required"),
            ("basis", f"enum|保修/有偿|required|{_options(BASES)}"),
        ),
        max_rows=40,
    )


def parts_accounted_field() -> Field:
    """Every part taken, accounted for after the trip; the damaged parts replaced, brought back."""
    return Field(
        "parts_accounted",
        "配件使用及退回",
        "rows",
        columns=(
            ("part_no", "text|零件号|required"),
            ("used", "decimal|已使用"),
            ("unused", "decimal|未使用退回"),
            ("removed", "decimal|换下件退回"),
        ),
        max_rows=40,
    )


def reinspection_form() -> list[Field]:
    """The quality office's re-inspection of what came back, with its certificate."""
    return [
        Field(
            "reinspection",
            "复验结果",
            "rows",
            required=True,
            columns=(
                ("part_no", "text|零件号|required"),
                ("source", f"enum|来源|required|{_options(SOURCES)}"),
                ("qty", "decimal|数量|required"),
                ("result", f"enum|复验结论|required|{_options(RESULTS)}"),
            ),
            max_rows=40,
        ),
        Field("inspection_certificate", "检验结果证明编号", required=True, maxlength=60),
    ]
