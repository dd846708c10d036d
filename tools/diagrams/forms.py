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
