"""service_request: intake and triage of every call (SPEC "Case intake")."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.drawing import choice
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import CATEGORY
from tools.diagrams.forms import CHANNELS
from tools.diagrams.forms import EMAIL_PATTERN
from tools.diagrams.forms import PHONE_PATTERN
from tools.diagrams.forms import approval
from tools.diagrams.forms import decision

# Short-circuit order matters: each name is set on the path the previous test selects.
NOT_SERVED = (
    "resolved == False and solution == 'onsite' and service_type == 'A' "
    "and quote_accepted == False and unpaid_approved == False"
)


def service_request() -> Diagram:
    d = Diagram(
        "service_request",
        "服务请求受理 Service request intake",
        "Intake and triage of every after-sales call. SPEC 'Case intake': channels (S0 八, S3 1.1); record "
        "fields (S2 一.1); forwarding to the quality office within 4 working hours (S2 7.1.3); consultations "
        "answered within 8 working hours (S2 7.2.1); solution decided within 8 working hours (S2 7.2.2); product "
        "category and warranty decide service type and priority (S0 六, S2 4, 6.1, 5.1.1.2, DMN "
        "service_type_priority); competitor products only with general-manager approval (S2 5.2.3); phone "
        "guidance first, then on-site repair, return to factory or exchange/refund (S3 2.1); a satisfaction "
        "survey and a follow-up after every service (S0 二十四, S3 五). Complaints go to the complaint process.",
        lanes=[
            ("service_desk", 2),
            ("quality_office", 2),
            ("quality_manager", 1),
            ("general_manager", 1),
            ("tech_support", 1),
        ],
    )
    # The 4 working hours of forwarding run from when the company first heard of the call
    # (S2 7.1.3), which the desk enters when someone else took it; blank means now.
    d.start(
        "start",
        "来电/来函/来访",
        "service_desk",
        0,
        form=[Field("received_at", "来电时间", "datetime", required=True, default="now")],
    )
    d.user(
        "register",
        "叫修登记 Register call",
        "service_desk",
        1,
        due="due('forward', received_at)",
        doc=INSTRUCTIONS["register_call"],
        properties={"breach": "late_forwarding", "done_at": "forwarded_at"},  # S2 7.1.4
        form=[
            choice("channel", "来源渠道", CHANNELS, required=True),
            Field("customer", "客户单位", required=True, maxlength=200),
            Field("contact_person", "联系人", maxlength=100),
            Field("contact_phone", "联系电话", required=True, pattern=PHONE_PATTERN),
            Field("contact_email", "电子邮箱（发送受理通知和查询链接）", maxlength=254, pattern=EMAIL_PATTERN),
            Field("address", "地址", maxlength=300),
            Field("product_model", "产品型号", required=True, maxlength=100),
            Field("serial_number", "出厂编号", required=True, maxlength=100),
            Field("delivery_date", "购买/交货日期", "date"),
            Field("fault_description", "故障现象/咨询内容", required=True, maxlength=2000, multiline=True),
            choice(
                "request_kind",
                "请求类型",
                [("fault", "故障报修"), ("consultation", "咨询"), ("complaint", "投诉")],
                required=True,
            ),
        ],
    )
    d.boundary_timer("late_forward", "转交超时", "register", "task_due")
    d.user(
        "record_late_forward",
        "记录信息传递超时 Record late forwarding",
        "quality_manager",
        2,
        doc=INSTRUCTIONS["late_forwarding"],
        form=[Field("breach_note", "超时说明", multiline=True, maxlength=1000)],
    )
    d.end("end_late_forward", "已记录", "quality_manager", 3)
    d.xor("gw_kind", "请求类型？", "quality_office", 2)
    d.user(
        "answer",
        "答复咨询 Answer consultation",
        "quality_office",
        3,
        row=1,
        due="due('consultation', forwarded_at)",
        doc=INSTRUCTIONS["consultation"],
        form=[Field("answer_text", "答复内容", required=True, maxlength=2000, multiline=True)],
    )
    d.end("end_answered", "已答复", "quality_office", 4, row=1)
    d.call("complaint", "客户投诉处理 Complaint", "service_desk", 3, "complaint", row=1)
    d.end("end_complaint", "投诉已处理", "service_desk", 4, row=1)
    d.user(
        "triage",
        "保修及产品类别确认 Warranty check",
        "quality_office",
        3,
        due="due('contact', forwarded_at)",
        doc=INSTRUCTIONS["triage"],
        form=[
            Field("contacted_at", "联系用户时间", "datetime", required=True, default="now"),
            choice("product_category", "产品类别", CATEGORY, required=True),
            decision("under_warranty", "在保修期内"),
            decision("has_contract", "有维保合同"),
            decision("misuse", "人为损坏/使用不当"),
            Field("distance_km", "服务地点距离（公里）", "long", min="0", max="20000"),
            Field("archive_note", "与档案不一致的理由", maxlength=500, multiline=True),
        ],
    )
    d.rule(
        "decide_type",
        "确定服务类型与优先级 Service type",
        "quality_office",
        4,
        "service_type_priority",
        doc=INSTRUCTIONS["service_type"],
    )
    d.xor("gw_competitor", "竞品？", "quality_office", 5)
    d.user(
        "approve_competitor",
        "竞品服务审批 Approve competitor service",
        "general_manager",
        5,
        doc=INSTRUCTIONS["competitor"],
        form=approval("competitor_approved"),
        approval=True,
    )
    d.xor("gw_competitor_approved", "批准？", "general_manager", 6)
    d.user(
        "tell_refusal",
        "告知客户不予服务 Tell the customer",
        "service_desk",
        7,
        row=1,
        form=[Field("refusal_note", "告知内容", required=True, multiline=True, maxlength=1000)],
    )
    d.end("end_refused", "不予服务", "service_desk", 8, row=1)
    d.xor("gw_guidance_in", "", "quality_office", 7)
    # A company that dispatches as soon as the call is registered and the warranty checked (S0 八)
    # skips phone guidance and the solution meeting: the service is on site.
    d.xor("gw_direct", "直接派工？", "quality_office", 7.6)
    d.script("go_on_site", "直接派工", "quality_office", 9, "resolved = False\nsolution = 'onsite'")
    d.user(
        "guidance",
        "电话指导 Phone guidance",
        "tech_support",
        8,
        doc=INSTRUCTIONS["guidance"],
        form=[
            decision("resolved", "问题已解决"),
            Field("guidance_note", "指导记录", required=True, multiline=True, maxlength=2000),
        ],
    )
    d.xor("gw_resolved", "解决？", "tech_support", 9)
    d.user(
        "choose_way",
        "确定解决方案 Decide the solution",
        "quality_office",
        9,
        row=1,
        due="due('solution', forwarded_at)",
        doc=INSTRUCTIONS["choose_way"],
        form=[
            choice(
                "solution",
                "解决方式",
                [("onsite", "现场维修"), ("factory", "返厂维修"), ("exchange", "退换货")],
                required=True,
            ),
            Field("solution_note", "方案说明", multiline=True, maxlength=2000),
        ],
    )
    d.boundary_timer("late_solution", "方案超时", "choose_way", "task_due")
    d.user(
        "urge_solution",
        "督办解决方案 Chase the solution",
        "quality_manager",
        10,
        doc=INSTRUCTIONS["chase_way"],
        form=[Field("breach_note", "督办记录", multiline=True, maxlength=1000)],
    )
    d.end("end_urged", "已督办", "quality_manager", 11)
    d.xor("gw_way", "方式？", "quality_office", 10, row=1)
    d.call("onsite", "现场维修 On-site repair", "quality_office", 11, "onsite_repair", row=0)
    d.call("factory", "返厂维修 Return to factory", "quality_office", 11, "factory_repair", row=1)
    d.call("exchange", "退换货 Exchange/refund", "service_desk", 11, "exchange_refund", row=1)
    # When the service ended, whichever way: the overall resolution promise stops here.
    d.xor("gw_ended_in", "", "service_desk", 11.6)
    d.script("service_ended", "记录服务结束", "service_desk", 12.3, "service_ended_at = now()")
    d.xor("gw_served", "已服务？", "service_desk", 13)
    d.end("end_not_served", "未提供服务", "service_desk", 13, row=1)
    d.call("survey", "满意度调查 Satisfaction survey", "service_desk", 14, "satisfaction_survey")
    d.call("follow_up", "一个月回访 Follow-up call", "service_desk", 15, "follow_up")
    d.end("end_served", "服务完成", "service_desk", 16)

    d.flow("start", "register")
    d.flow("register", "gw_kind")
    d.flow("late_forward", "record_late_forward")
    d.flow("record_late_forward", "end_late_forward")
    d.flow("gw_kind", "answer", "request_kind == 'consultation'", "咨询")
    d.flow("answer", "end_answered")
    d.flow("gw_kind", "complaint", "request_kind == 'complaint'", "投诉")
    d.flow("complaint", "end_complaint")
    d.default("gw_kind", d.flow("gw_kind", "triage", name="报修"))
    d.flow("triage", "decide_type")
    d.flow("decide_type", "gw_competitor")
    d.flow("gw_competitor", "approve_competitor", "product_category == 'competitor'", "竞品")
    d.default("gw_competitor", d.flow("gw_competitor", "gw_guidance_in", name="本公司/合作/代理"))
    d.flow("approve_competitor", "gw_competitor_approved")
    d.flow("gw_competitor_approved", "gw_guidance_in", "competitor_approved == True", "批准")
    d.default("gw_competitor_approved", d.flow("gw_competitor_approved", "tell_refusal", name="不批准"))
    d.flow("tell_refusal", "end_refused")
    d.flow("gw_guidance_in", "gw_direct")
    d.flow("gw_direct", "go_on_site", "dispatch_at_registration()", "直接派工")
    d.default("gw_direct", d.flow("gw_direct", "guidance", name="先电话指导"))
    d.flow("go_on_site", "gw_way")
    d.flow("guidance", "gw_resolved")
    d.flow("gw_resolved", "gw_ended_in", "resolved == True", "已解决")
    d.default("gw_resolved", d.flow("gw_resolved", "choose_way", name="未解决"))
    d.flow("late_solution", "urge_solution")
    d.flow("urge_solution", "end_urged")
    d.flow("choose_way", "gw_way")
    d.flow("gw_way", "onsite", "solution == 'onsite'", "现场")
    d.flow("gw_way", "factory", "solution == 'factory'", "返厂")
    d.default("gw_way", d.flow("gw_way", "exchange", name="退换"))
    d.flow("onsite", "gw_ended_in")
    d.flow("factory", "gw_ended_in")
    d.flow("exchange", "gw_ended_in")
    d.flow("gw_ended_in", "service_ended")
    d.flow("service_ended", "gw_served")
    # No survey for a service that did not happen: the customer refused the fee and the general
    # manager did not approve serving without it (onsite_repair ends with "不提供服务").
    d.flow("gw_served", "end_not_served", NOT_SERVED, "未服务")
    d.default("gw_served", d.flow("gw_served", "survey", name="已服务"))
    d.flow("survey", "follow_up")
    d.flow("follow_up", "end_served")
    return d
