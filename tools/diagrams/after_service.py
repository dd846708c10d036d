"""satisfaction_survey, follow_up and contract_renewal: what happens after every service (SPEC)."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.forms import ACCEPT
from tools.diagrams.forms import decision
from tools.diagrams.forms import rating

SURVEY_ITEMS = [
    ("rating_attitude", "服务态度"),
    ("rating_skill", "技术水平"),
    ("rating_arrival", "到达及时性"),
    ("rating_promises", "承诺兑现"),
]


def satisfaction_survey() -> Diagram:
    d = Diagram(
        "satisfaction_survey",
        "满意度调查 Satisfaction survey",
        "SPEC 'After every service' (S0 二十四–二十五): every call is surveyed, not a sample; the customer rates "
        "attitude, skill, arrival time and promises kept on four levels; a poor rating opens a follow-up by the "
        "quality office. The service desk may record the rating on the customer's behalf (by phone).",
        lanes=[("customer", 1), ("quality_office", 1)],
        starters=None,
        startable=False,
    )
    d.start("start", "开始调查", "customer", 0)
    items = " or ".join(f"{field} == 'poor'" for field, _label in SURVEY_ITEMS)
    d.user(
        "rate",
        "服务评价 Rate the service",
        "customer",
        1,
        due="due('survey', now())",
        form=[rating(field, label) for field, label in SURVEY_ITEMS]
        + [Field("rating_comment", "意见与建议", multiline=True, maxlength=2000)],
    )
    d.xor("gw_poor", "有不满意？", "customer", 2)
    d.user(
        "poor_follow_up",
        "不满意回访 Follow up a poor rating",
        "quality_office",
        3,
        due="due('poor_follow_up', now())",
        form=[Field("follow_up_action", "回访及改进措施", required=True, multiline=True, maxlength=2000)],
    )
    d.xor("gw_done", "", "customer", 4)
    d.end("end", "已评价", "customer", 5)
    d.flow("start", "rate")
    d.flow("rate", "gw_poor")
    d.flow("gw_poor", "poor_follow_up", items, "不满意")
    d.default("gw_poor", d.flow("gw_poor", "gw_done", name="满意"))
    d.flow("poor_follow_up", "gw_done")
    d.flow("gw_done", "end")
    return d


def follow_up() -> Diagram:
    d = Diagram(
        "follow_up",
        "服务回访 Follow-up call",
        "SPEC 'After every service': a phone call one month after delivery of the service (S3 五).",
        lanes=[("service_desk", 1)],
        starters=None,
        startable=False,
    )
    d.start("start", "开始", "service_desk", 0)
    d.timer("one_month", "一个月后", "service_desk", 1, "due('follow_up', now())")
    d.user(
        "call",
        "电话回访 Follow-up call",
        "service_desk",
        2,
        due="due('follow_up_call', now())",
        form=[
            decision("reached", "已联系到客户"),
            Field("follow_up_note", "回访记录", required=True, multiline=True, maxlength=2000),
        ],
    )
    d.end("end", "已回访", "service_desk", 3)
    d.flow("start", "one_month")
    d.flow("one_month", "call")
    d.flow("call", "end")
    return d


def contract_renewal() -> Diagram:
    d = Diagram(
        "contract_renewal",
        "维保合同续签提醒 Contract renewal notice",
        "SPEC 'After every service' (S0 二十): a maintenance contract gets a renewal notice one month before it "
        "expires. Started when the contract is signed; waits until a month before expiry.",
        lanes=[("sales", 1), ("service_desk", 1)],
        starters="sales,service_desk",
    )
    d.start(
        "start",
        "登记维保合同",
        "sales",
        0,
        form=[
            Field("customer", "客户单位", required=True, maxlength=200),
            Field("contract_no", "合同号", required=True, maxlength=60),
            Field("contract_end", "合同到期日", "date", required=True),
        ],
    )
    d.timer("month_before", "到期前一个月", "sales", 1, "before('renewal_notice', contract_end)")
    d.user(
        "notify",
        "续签通知 Renewal notice",
        "sales",
        2,
        due="due('renewal_visit', now())",
        form=[
            Field("notice_sent", "已发续签通知", "boolean", required=True),
            decision("renewed", "客户同意续签", ACCEPT),
            Field("notice_note", "说明", multiline=True, maxlength=1000),
        ],
    )
    d.xor("gw_renewed", "续签？", "sales", 3)
    d.user(
        "register_renewal",
        "登记新合同 Register the renewal",
        "service_desk",
        4,
        form=[Field("new_contract_no", "新合同号", required=True, maxlength=60)],
    )
    d.xor("gw_done", "", "sales", 5)
    d.end("end", "已提醒", "sales", 6)
    d.flow("start", "month_before")
    d.flow("month_before", "notify")
    d.flow("notify", "gw_renewed")
    d.flow("gw_renewed", "register_renewal", "renewed == True", "续签")
    d.default("gw_renewed", d.flow("gw_renewed", "gw_done", name="不续签"))
    d.flow("register_renewal", "gw_done")
    d.flow("gw_done", "end")
    return d
