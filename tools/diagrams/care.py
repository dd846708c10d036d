"""customer_visit: the visits a customer is owed (S2 10.2 and the after-sales office's duty
(6): key customers at least every half year, others at least yearly; S4 (5) 1): a visit report)."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import decision
from tools.diagrams.forms import rating


def customer_visit() -> Diagram:
    d = Diagram(
        "customer_visit",
        "客户走访 Customer visit",
        "SPEC 'Proactive care' (S2 10.2; S2 售后服务部门职责 (6); S4 (5) 1)): key customers are visited at least "
        "every half year and others at least yearly, to learn how the products are used and to hear the "
        "customer's opinion of design, assembly and workmanship (S0 4). Started by the worker from the customer "
        "master when a visit falls due; the dispatcher plans it, the engineer visits and writes the report, and "
        "the quality office follows up what the visit found.",
        lanes=[("dispatcher", 1), ("engineer", 1), ("quality_office", 1)],
        starters="quality_office,dispatcher",
    )
    d.start(
        "start",
        "走访到期",
        "dispatcher",
        0,
        form=[
            Field("customer", "客户单位", required=True, maxlength=200),
            Field("visit_due", "应走访日期", "date", required=True),
        ],
    )
    d.user(
        "plan_visit",
        "安排走访 Plan the visit",
        "dispatcher",
        1,
        due="visit_due",
        form=[
            Field("engineer", "走访人员", required=True, maxlength=80, user_role="engineer"),
            Field("planned_on", "计划走访日期", "date", required=True),
            Field("visit_plan", "走访安排", multiline=True, maxlength=1000),
        ],
    )
    d.user(
        "visit",
        "走访客户 Visit the customer",
        "engineer",
        2,
        due="planned_on",
        form=[
            Field("visited_on", "走访日期", "date", required=True),
            Field("met", "接待人", maxlength=100),
            Field("usage", "产品使用情况", required=True, multiline=True, maxlength=2000),
            Field("opinions", "用户意见（设计、装配、工艺等）", multiline=True, maxlength=2000),
            Field("visit_report", "走访报告", required=True, multiline=True, maxlength=4000),
            decision("issues_found", "发现需处理的问题"),
        ],
    )
    d.nodes["visit"].attrs["camunda:assignee"] = "engineer"
    d.xor("gw_issues", "有问题？", "engineer", 3)
    d.user(
        "follow_up_issues",
        "问题跟进 Follow up the findings",
        "quality_office",
        4,
        due="due('visit_findings', now())",
        form=[Field("issue_action", "处理措施及反馈部门", required=True, multiline=True, maxlength=2000)],
    )
    d.xor("gw_done", "", "engineer", 5)
    d.end("end", "已走访", "engineer", 6)
    d.flow("start", "plan_visit")
    d.flow("plan_visit", "visit")
    d.flow("visit", "gw_issues")
    d.flow("gw_issues", "follow_up_issues", "issues_found == True", "有")
    d.default("gw_issues", d.flow("gw_issues", "gw_done", name="无"))
    d.flow("follow_up_issues", "gw_done")
    d.flow("gw_done", "end")
    return d


def unit_fields() -> list[Field]:
    """The delivered unit a care case is about, as the worker copies it from the product archive."""
    return [
        Field("serial_number", "出厂编号", required=True, maxlength=80),
        Field("product_model", "产品型号", maxlength=200),
        Field("customer", "客户单位", maxlength=200),
    ]


def installation() -> Diagram:
    d = Diagram(
        "installation",
        "安装调试 Installation and commissioning",
        "SPEC 'Proactive care' (S0 二.3; S3 五): a delivered unit is installed and commissioned at the customer's "
        "and the customer's staff trained, within the agreed time; a month after the delivery the customer is "
        "called about how the unit runs. Started by the worker from the product archive when a delivery is "
        "recorded; the dispatcher plans it, the engineer installs, commissions, trains and has the customer "
        "accept it.",
        lanes=[("dispatcher", 1), ("engineer", 1), ("service_desk", 1)],
        starters="dispatcher,quality_office",  # also by hand, for a delivery the archive does not hold
    )
    d.start(
        "start",
        "产品交付",
        "dispatcher",
        0,
        form=[
            *unit_fields(),
            Field("delivered_on", "交付日期", "date", required=True),
        ],
    )
    d.user(
        "plan_installation",
        "安排安装调试 Plan the installation",
        "dispatcher",
        1,
        due="due('installation_plan', now())",
        doc=INSTRUCTIONS["plan_installation"],
        properties={"facts": "serial_number,product_model,customer,delivered_on,commissioning_note"},
        form=[
            Field("engineer", "安装调试人员", required=True, maxlength=80, user_role="engineer"),
            Field("planned_on", "计划安装日期", "date", required=True),
        ],
    )
    d.user(
        "install",
        "安装调试与培训 Install, commission and train",
        "engineer",
        2,
        due="planned_on",
        doc=INSTRUCTIONS["install"],
        form=[
            Field("installed_on", "安装日期", "date", required=True),
            decision("commissioning_passed", "调试结论", "调试合格|调试未通过"),
            Field("commissioning_note", "调试记录", required=True, multiline=True, maxlength=2000),
            Field("trained", "培训人员及内容", multiline=True, maxlength=1000),
            Field("accepted_by", "用户验收人", maxlength=100),
        ],
    )
    d.nodes["install"].attrs["camunda:assignee"] = "engineer"
    d.xor("gw_commissioned", "调试合格？", "engineer", 3)
    d.timer("one_month", "交付一个月后", "service_desk", 4, "add_months(delivered_on, 1)")
    d.user(
        "delivery_call",
        "交付回访 Call a month after delivery",
        "service_desk",
        5,
        due="due('follow_up_call', now())",
        form=[
            decision("reached", "已联系到客户"),
            Field("usage_note", "使用情况及意见", required=True, multiline=True, maxlength=2000),
        ],
    )
    d.end("end", "已回访", "service_desk", 6)
    d.flow("start", "plan_installation")
    d.flow("plan_installation", "install")
    d.flow("install", "gw_commissioned")
    d.flow("gw_commissioned", "one_month", "commissioning_passed == True", "合格")
    d.default("gw_commissioned", d.flow("gw_commissioned", "plan_installation", name="未通过：重新安排"))
    d.flow("one_month", "delivery_call")
    d.flow("delivery_call", "end")
    return d


def product_call() -> Diagram:
    d = Diagram(
        "product_call",
        "产品使用回访 Quarterly call about a unit",
        "SPEC 'Proactive care' (S3 五; S0 二.4): every unit under warranty is called about each quarter after its "
        "delivery, to learn how it runs and catch trouble early. Started by the worker from the product archive; "
        "the desk calls, and anything found goes to the quality office.",
        lanes=[("service_desk", 1), ("quality_office", 1)],
        starters="service_desk,quality_office",
    )
    d.start(
        "start",
        "回访到期",
        "service_desk",
        0,
        form=[
            *unit_fields(),
            Field("call_due", "回访日期", "date", required=True),
        ],
    )
    d.user(
        "usage_call",
        "电话回访 Call the customer",
        "service_desk",
        1,
        due="due('follow_up_call', now())",
        form=[
            decision("reached", "已联系到客户"),
            Field("usage_note", "使用情况及意见", required=True, multiline=True, maxlength=2000),
            decision("issues_found", "发现需处理的问题"),
        ],
    )
    d.xor("gw_issues", "有问题？", "service_desk", 2)
    d.user(
        "follow_up_findings",
        "问题跟进 Follow up the findings",
        "quality_office",
        3,
        due="due('visit_findings', now())",
        properties={"facts": "serial_number,customer,usage_note"},
        form=[Field("issue_action", "处理措施及反馈部门", required=True, multiline=True, maxlength=2000)],
    )
    d.xor("gw_done", "", "service_desk", 4)
    d.end("end", "已回访", "service_desk", 5)
    d.flow("start", "usage_call")
    d.flow("usage_call", "gw_issues")
    d.flow("gw_issues", "follow_up_findings", "issues_found == True", "有")
    d.default("gw_issues", d.flow("gw_issues", "gw_done", name="无"))
    d.flow("follow_up_findings", "gw_done")
    d.flow("gw_done", "end")
    return d


SURVEY_ITEMS = [
    ("survey_product", "产品质量"),
    ("survey_service", "售后服务"),
    ("survey_delivery", "交货及时"),
    ("survey_overall", "总体评价"),
]


def customer_survey() -> Diagram:
    d = Diagram(
        "customer_survey",
        "年度满意度调查 Yearly satisfaction survey",
        "SPEC 'Proactive care' (S3 12.3 一 4): the after-sales office organises customer satisfaction work: every "
        "customer is surveyed once a year on product quality, service and delivery. Started by the worker from "
        "the customer master a year after the last survey; the desk calls and records the answers, and a fair "
        "or poor answer goes to the quality office for improvement.",
        lanes=[("service_desk", 1), ("quality_office", 1)],
        starters="service_desk,quality_office",
    )
    d.start(
        "start",
        "调查到期",
        "service_desk",
        0,
        form=[
            Field("customer", "客户单位", required=True, maxlength=200),
            Field("survey_due", "调查日期", "date", required=True),
        ],
    )
    d.user(
        "survey_call",
        "联系客户 Contact the customer",
        "service_desk",
        1,
        due="due('follow_up_call', now())",
        form=[
            decision("reached", "已联系到客户"),
            Field("survey_contact", "受访人及联系记录", required=True, maxlength=500),
        ],
    )
    d.xor("gw_reached", "联系到？", "service_desk", 2)
    d.user(
        "record_survey",
        "记录调查结果 Record the answers",
        "service_desk",
        3,
        form=[
            *[rating(field_id, label) for field_id, label in SURVEY_ITEMS],
            Field("survey_suggestions", "意见和建议", multiline=True, maxlength=2000),
        ],
    )
    d.xor("gw_low", "有一般/不满意？", "service_desk", 4)
    d.user(
        "improve_survey",
        "改进措施 Act on the answers",
        "quality_office",
        5,
        due="due('poor_follow_up', now())",
        properties={
            "facts": "customer,survey_product,survey_service,survey_delivery,survey_overall,survey_suggestions"
        },
        form=[Field("improvement", "改进措施及反馈部门", required=True, multiline=True, maxlength=2000)],
    )
    d.xor("gw_done", "", "service_desk", 6)
    d.end("end", "已调查", "service_desk", 7)
    low = " or ".join(f"{field_id} in ('fair', 'poor')" for field_id, _label in SURVEY_ITEMS)
    d.flow("start", "survey_call")
    d.flow("survey_call", "gw_reached")
    d.flow("gw_reached", "record_survey", "reached == True", "是")
    d.default("gw_reached", d.flow("gw_reached", "gw_done", name="未联系到"))
    d.flow("record_survey", "gw_low")
    d.flow("gw_low", "improve_survey", low, "有")
    d.default("gw_low", d.flow("gw_low", "gw_done", name="无"))
    d.flow("improve_survey", "gw_done")
    d.flow("gw_done", "end")
    return d
