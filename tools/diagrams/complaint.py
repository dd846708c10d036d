"""complaint: flow 4 of SPEC, customer complaint handling (客户投诉)."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.drawing import choice
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import EMAIL_PATTERN
from tools.diagrams.forms import approval
from tools.diagrams.forms import cause_fields
from tools.diagrams.forms import decision


def complaint() -> Diagram:
    d = Diagram(
        "complaint",
        "客户投诉处理 Complaint handling",
        "SPEC flow 4 (S4 3, 4.(2); S0 二十二–二十八; S3 一; S2 '11产品售后服务' 3.12): register the complaint "
        "(客户投诉处理表: order, part, shipping date, quantities, demand, class, severity); first contact at "
        "once; analysis with the technical centre and the responsible department; not the company's fault: "
        "explain with evidence; minor: record and feed back; serious: production and technical propose "
        "measures, after-sales and sales negotiate, departments approve in parallel (a rejection goes to the "
        "general manager); major: the general manager reviews and the customer is told in writing; carry out, "
        "tell the customer, CAPA with an effectiveness check; deadline by complexity (DMN complaint_deadline: "
        "general 15 working days, complex one month), chased by the quality manager when late; complaints "
        "about a staff member go to that person's performance record (S0 二十三, S4 3.(4)).",
        lanes=[
            ("service_desk", 2),
            ("tech_support", 2),
            ("quality_office", 2),
            ("workshop", 1),
            ("sales", 1),
            ("quality_manager", 3),
            ("general_manager", 1),
        ],
        starters="service_desk,quality_office,sales",
    )
    d.start("start", "客户投诉", "service_desk", 0)
    d.user(
        "register",
        "投诉登记 Register complaint",
        "service_desk",
        1,
        due="due('complaint_register', now())",
        doc=INSTRUCTIONS["register_complaint"],
        # The settlement deadline counts from registration (S2/11 3.12).
        properties={"done_at": "registered_at"},
        form=[
            Field("customer", "客户单位", required=True, maxlength=200),
            Field("contact_phone", "联系电话", maxlength=30),
            Field("contact_email", "电子邮箱（发送受理通知和查询链接）", maxlength=254, pattern=EMAIL_PATTERN),
            Field("order_no", "订单号", maxlength=60),
            Field("part_no", "零件号/产品型号", maxlength=100),
            Field("serial_number", "出厂编号", maxlength=100),
            Field("ship_date", "发货日期", "date"),
            Field("quantity", "数量", "long", min="0"),
            Field("defective_qty", "不良数量", "long", min="0"),
            Field("complaint_text", "投诉内容及客户诉求", required=True, multiline=True, maxlength=4000),
            choice(
                "complaint_class",
                "投诉类别",
                [("quality", "质量投诉"), ("non_quality", "非质量（服务态度等）"), ("other", "其他")],
                required=True,
            ),
            choice("severity", "严重程度", [("minor", "轻微"), ("serious", "严重"), ("major", "重大")], required=True),
            choice(
                "complexity",
                "复杂程度",
                [("simple", "简单（即时处理）"), ("general", "一般"), ("complex", "复杂")],
                required=True,
            ),
            Field("about_staff", "被投诉员工（如有）", maxlength=80),
        ],
    )
    d.user(
        "first_contact",
        "首次联系客户 First contact",
        "service_desk",
        4,
        due="due('complaint_contact', registered_at)",
        doc=INSTRUCTIONS["first_contact"],
        form=[Field("contact_note", "联系记录", required=True, multiline=True, maxlength=2000)],
    )
    d.user(
        "analyse",
        "分析核实 Analyse and verify",
        "tech_support",
        5,
        doc=INSTRUCTIONS["analyse"],
        form=[
            Field("analysis", "分析结论", required=True, multiline=True, maxlength=4000),
            decision("company_fault", "公司责任"),
            *cause_fields(),
        ],
    )
    d.xor("gw_fault", "公司责任？", "tech_support", 6)
    d.user(
        "explain",
        "向客户解释 Explain to the customer",
        "service_desk",
        7,
        row=1,
        doc=INSTRUCTIONS["explain"],
        form=[Field("explanation", "解释及证据", required=True, multiline=True, maxlength=4000)],
    )
    d.end("end_explained", "已解释", "service_desk", 8, row=1)
    d.xor("gw_severity", "严重程度？", "quality_office", 7)
    d.user(
        "record_minor",
        "记录并反馈 Record and feed back",
        "quality_office",
        8,
        form=[Field("feedback_to", "反馈部门", required=True, maxlength=200)],
    )
    d.user(
        "handling_form",
        "填写投诉处理单 Handling form",
        "quality_office",
        8,
        row=1,
        form=[Field("handling_form_no", "投诉处理单号", required=True, maxlength=60)],
    )
    d.parallel("split_measures", "quality_office", 9, row=1)
    d.user(
        "propose_production",
        "生产提出措施 Production measures",
        "workshop",
        10,
        form=[Field("production_measures", "生产措施", required=True, multiline=True, maxlength=2000)],
    )
    d.user(
        "propose_technical",
        "技术提出措施 Technical measures",
        "tech_support",
        10,
        row=1,
        form=[Field("technical_measures", "技术措施", required=True, multiline=True, maxlength=2000)],
    )
    d.parallel("join_measures", "quality_office", 11, row=1)
    d.user(
        "negotiate",
        "与客户协商 Negotiate",
        "sales",
        12,
        doc=INSTRUCTIONS["negotiate"],
        form=[Field("agreed_solution", "协商方案", required=True, multiline=True, maxlength=2000)],
    )
    d.parallel("split_approval", "quality_office", 13, row=1)
    # The three departments sign off the solution agreed with the customer.
    solution = {"facts": "complaint_text,severity,analysis,responsible_department,agreed_solution"}
    d.user(
        "approve_technical",
        "技术部门审批",
        "tech_support",
        14,
        form=approval("technical_approved"),
        properties=solution,
        approval=True,
    )
    d.user(
        "approve_production",
        "生产部门审批",
        "workshop",
        14,
        form=approval("production_approved"),
        properties=solution,
        approval=True,
    )
    d.user(
        "approve_quality",
        "质管部门审批",
        "quality_manager",
        14,
        form=approval("quality_approved"),
        properties=solution,
        approval=True,
    )
    d.parallel("join_approval", "quality_office", 15, row=1)
    d.xor("gw_all_approved", "全部批准？", "quality_office", 16, row=1)
    d.user(
        "gm_review",
        "总经理审查 General manager reviews",
        "general_manager",
        16,
        doc=INSTRUCTIONS["gm_review"],
        form=[Field("gm_decision", "处理决定", required=True, multiline=True, maxlength=2000)],
    )
    d.user(
        "written_reply",
        "书面答复客户 Written reply",
        "service_desk",
        17,
        form=[Field("reply_ref", "书面答复编号", required=True, maxlength=60)],
    )
    d.xor("gw_carry_in", "", "quality_office", 18)
    d.user(
        "carry_out",
        "实施并告知客户 Carry out and inform",
        "quality_office",
        19,
        # Simple, general or complex: one term each in the service settings (a complex one is a
        # calendar month, S2/11 3.12); the boundary timer below reads the same declaration.
        due="due('complaint_' + complexity, registered_at)",
        doc=INSTRUCTIONS["carry_out"],
        form=[
            Field("result", "处理结果", required=True, multiline=True, maxlength=4000),
            Field("customer_informed", "已告知客户", "boolean", required=True),
            Field("external_cost", "外部损失费用（元）", "decimal", min="0"),
        ],
    )
    d.boundary_timer("late_complaint", "处理期限", "carry_out", "task_due")
    d.user(
        "chase_complaint",
        "督办超期投诉 Chase",
        "quality_manager",
        20,
        row=2,
        form=[Field("breach_note", "督办记录", multiline=True, maxlength=1000)],
    )
    d.end("end_chased", "已督办", "quality_manager", 21, row=2)
    d.user(
        "capa",
        "纠正预防措施 CAPA",
        "quality_manager",
        20,
        doc=INSTRUCTIONS["capa"],
        form=[
            Field("corrective_action", "纠正措施", required=True, multiline=True, maxlength=4000),
            Field("preventive_action", "预防措施", multiline=True, maxlength=4000),
            decision("effective", "效果验证有效"),
        ],
    )
    d.xor("gw_staff", "涉及员工？", "quality_manager", 21)
    d.user(
        "record_performance",
        "记入员工考核 Performance record",
        "quality_manager",
        22,
        row=1,
        doc=INSTRUCTIONS["staff_record"],
        form=[Field("performance_note", "考核记录", required=True, multiline=True, maxlength=1000)],
    )
    d.xor("gw_end", "", "quality_manager", 23)
    d.end("end", "结案", "quality_manager", 24)

    d.flow("start", "register")
    d.flow("register", "first_contact")
    d.flow("first_contact", "analyse")
    d.flow("analyse", "gw_fault")
    d.flow("gw_fault", "gw_severity", "company_fault == True", "公司责任")
    d.default("gw_fault", d.flow("gw_fault", "explain", name="非公司责任"))
    d.flow("explain", "end_explained")
    d.flow("gw_severity", "handling_form", "severity == 'serious'", "严重")
    d.flow("gw_severity", "gm_review", "severity == 'major'", "重大")
    d.default("gw_severity", d.flow("gw_severity", "record_minor", name="轻微"))
    d.flow("record_minor", "gw_carry_in")
    d.flow("handling_form", "split_measures")
    d.flow("split_measures", "propose_production")
    d.flow("split_measures", "propose_technical")
    d.flow("propose_production", "join_measures")
    d.flow("propose_technical", "join_measures")
    d.flow("join_measures", "negotiate")
    d.flow("negotiate", "split_approval")
    d.flow("split_approval", "approve_technical")
    d.flow("split_approval", "approve_production")
    d.flow("split_approval", "approve_quality")
    d.flow("approve_technical", "join_approval")
    d.flow("approve_production", "join_approval")
    d.flow("approve_quality", "join_approval")
    d.flow("join_approval", "gw_all_approved")
    d.flow(
        "gw_all_approved",
        "gw_carry_in",
        "technical_approved == True and production_approved == True and quality_approved == True",
        "全部批准",
    )
    d.default("gw_all_approved", d.flow("gw_all_approved", "gm_review", name="有部门不批准"))
    d.flow("gm_review", "written_reply")
    d.flow("written_reply", "gw_carry_in")
    d.flow("gw_carry_in", "carry_out")
    d.flow("late_complaint", "chase_complaint")
    d.flow("chase_complaint", "end_chased")
    d.flow("carry_out", "capa")
    d.flow("capa", "gw_staff")
    d.flow("gw_staff", "record_performance", "bool(about_staff)", "涉及员工")
    d.default("gw_staff", d.flow("gw_staff", "gw_end", name="否"))
    d.flow("record_performance", "gw_end")
    d.flow("gw_end", "end")
    d.close_columns(4, 2)  # first contact follows registration (the deadline is a setting, not steps)
    return d
