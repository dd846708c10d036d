"""onsite_repair: flow 1 of SPEC, on-site repair (现场维修)."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.drawing import choice
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import ACCEPT
from tools.diagrams.forms import ZONES
from tools.diagrams.forms import approval
from tools.diagrams.forms import cause_fields
from tools.diagrams.forms import decision
from tools.diagrams.forms import expense_audit_form
from tools.diagrams.forms import expense_claim_form
from tools.diagrams.forms import invoice_form
from tools.diagrams.forms import partner_bill_form
from tools.diagrams.forms import parts_accounted_field
from tools.diagrams.forms import parts_issued_field
from tools.diagrams.forms import priced_lines
from tools.diagrams.forms import reimbursement_form
from tools.diagrams.forms import reinspection_form


def onsite_repair() -> Diagram:
    d = Diagram(
        "onsite_repair",
        "现场维修 On-site repair",
        "SPEC flow 1 (S2 5.1–5.2, 7.2.4–7.2.7, 8.2, 11.3–11.5; S0 十–十三, 十九): quote and customer "
        "confirmation for paid service, general-manager approval when the customer refuses the fee; partner "
        "notified before service; dispatch within 24 h; arrival on site from the call by the company's "
        "promise (zone or distance, service settings); preparation; on-site diagnosis and repair, or take "
        "the unit back to the factory; "
        "feedback form signed by the customer; leaving approved by the quality office; trip report within 3 "
        "working days and verification within 5, late ones recorded; parts taken on the loan slip accounted "
        "for, re-inspected and moved by the warehouse; invoice for paid service.",
        lanes=[
            ("customer", 1),
            ("finance", 2),
            ("general_manager", 1),
            ("quality_office", 2),
            ("dispatcher", 1),
            ("engineer", 2),
            ("quality_manager", 2),
            ("service_desk", 1),
            ("warehouse", 1),
        ],
        starters=None,
        startable=False,
    )
    d.start("start", "开始", "quality_office", 0)
    d.xor("gw_paid", "有偿服务？", "quality_office", 1)
    d.user(
        "quote",
        "报价 Quote",
        "finance",
        2,
        due="due('quote', now())",
        doc=INSTRUCTIONS["quote"],
        properties={"done_at": "quote_sent_at", "pricing": "onsite"},
        form=[
            priced_lines("quote_lines", "报价明细"),
            Field("quote_amount", "报价合计（元）", "decimal", min="0", total_of="quote_lines.amount"),
            Field("quote_note", "报价说明", multiline=True, maxlength=1000),
        ],
    )
    d.user(
        "confirm_quote",
        "客户确认报价 Customer confirms quote",
        "customer",
        3,
        due="due('quote_answer', now())",
        doc=INSTRUCTIONS["confirm_quote"],
        properties={"facts": "quote_lines,quote_amount,quote_note", "done_at": "quote_answered_at"},
        form=[
            decision("quote_accepted", "同意付费", ACCEPT),
            Field("customer_note", "客户意见", maxlength=1000, required_unless="quote_accepted"),
        ],
        approval=True,
    )
    d.xor("gw_accepted", "同意？", "customer", 4)
    d.user(
        "approve_unpaid",
        "拒付审批 Approve service without fee",
        "general_manager",
        4,
        doc=INSTRUCTIONS["approve_unpaid"],
        form=approval("unpaid_approved"),
        properties={"facts": "quote_amount,quote_note,quote_accepted,customer_note"},
        approval=True,
    )
    d.xor("gw_unpaid", "批准？", "general_manager", 5)
    d.user(
        "tell_no_service",
        "告知客户 Tell the customer",
        "service_desk",
        6,
        form=[Field("refusal_note", "告知内容", required=True, multiline=True, maxlength=1000)],
    )
    d.end("end_no_service", "不提供服务", "service_desk", 7)
    d.xor("gw_partner", "合作伙伴产品？", "quality_office", 5, row=1)
    d.user(
        "notify_partner",
        "通知合作伙伴 Notify partner",
        "quality_office",
        6,
        row=1,
        doc=INSTRUCTIONS["notify_partner"],
        form=[Field("partner_notified", "已通知合作伙伴", "boolean", required=True)],
    )
    d.xor("gw_dispatch_in", "", "quality_office", 7, row=1)
    d.user(
        "dispatch",
        "派工 Dispatch",
        "dispatcher",
        7,
        # From the call when the company dispatches at registration (S0 三.4: within 1 hour), else
        # from when the service is decided and, if paid, confirmed (S2 5.2.1.5).
        due="due('dispatch', received_at if dispatch_at_registration() else now())",
        doc=INSTRUCTIONS["dispatch"],
        form=[
            Field("engineer", "服务工程师", required=True, maxlength=80, user_role="engineer"),
            Field("distance_km", "距离（公里）", "long", required=True, min="0", max="20000"),
            # A company whose promise is by zone (S0 city/suburb, S3 city/other/special) names it;
            # left blank, the arrival deadline follows the distance (S2 5.1.1.3).
            choice("service_zone", "服务区域", ZONES),
            Field("visit_plan", "服务计划", multiline=True, maxlength=2000),
        ],
    )
    d.user(
        "prepare",
        "出发准备 Prepare",
        "engineer",
        9,
        doc=INSTRUCTIONS["prepare"],
        properties={"stock": "issue"},
        form=[
            Field("plan_confirmed", "已与客户确认方案", "boolean", required=True),
            Field("parts_slip", "借件单号（ERP-A/S）", maxlength=60),
            parts_issued_field(),
        ],
    )
    d.nodes["prepare"].attrs["camunda:assignee"] = "engineer"
    d.user(
        "service",
        "现场服务 On-site service",
        "engineer",
        10,
        # The customer weighing a paid service's quote does not count (S2 7.2.4).
        due="arrival_due(received_at, distance_km, service_zone, quote_sent_at, quote_answered_at) "
        "if service_type == 'A' else arrival_due(received_at, distance_km, service_zone)",
        doc=INSTRUCTIONS["service"],
        form=[
            Field("arrived_at", "到达时间", "datetime", required=True),
            Field("diagnosis", "诊断结果", required=True, multiline=True, maxlength=2000),
            *cause_fields(),
            decision("tampered", "有拆改痕迹"),
            decision("repaired", "现场已修复"),
            Field("whole_unit_checked", "已检查整机其他故障", "boolean", required=True),
            Field("completed_at", "服务完成时间", "datetime", required=True, default="now"),
        ],
    )
    d.nodes["service"].attrs["camunda:assignee"] = "engineer"
    d.xor("gw_repaired", "修复？", "engineer", 11)
    d.user(
        "take_back",
        "带回返厂 Take the unit back",
        "engineer",
        11,
        row=1,
        doc=INSTRUCTIONS["take_back"],
        form=[Field("receipt_no", "客户签收单号", required=True, maxlength=60)],
    )
    # The trip ends on site whatever happens to the unit: the customer signs, the leave is
    # approved and the trip report is due from the engineer's return, while the factory repairs
    # the unit on its own branch (the case closes when both are done).
    d.parallel("gw_take_back", "engineer", 12, row=1)
    d.call("factory", "返厂维修 Return to factory", "engineer", 13, "factory_repair", row=1)
    d.end("end_factory", "返厂修毕", "engineer", 13.6, row=1)
    d.xor("gw_feedback_in", "", "customer", 11)
    d.user(
        "feedback",
        "客户签字评价 Customer signs feedback",
        "customer",
        12,
        doc=INSTRUCTIONS["feedback"],
        form=[
            Field("feedback_signed_by", "客户签字人", required=True, maxlength=80),
            Field("feedback_note", "客户意见", multiline=True, maxlength=2000),
            # Drawn on the phone after the service (S2 7.2.6); a desk entry names the paper form instead.
            Field("customer_signature", "客户签名", "signature", required=True),
        ],
    )
    d.user(
        "approve_leave",
        "电话确认离场 Approve leaving",
        "quality_office",
        13,
        doc=INSTRUCTIONS["approve_leave"],
        form=[
            choice(
                "leave",
                "离场情况",
                [("approved", "质量室电话同意"), ("without_approval", "未经同意离场")],
                required=True,
            ),
            Field("left_at", "离开现场时间", "datetime", required=True, default="now"),
        ],
    )
    d.xor("gw_leave", "同意？", "quality_office", 14)
    d.user(
        "record_leave",
        "记录擅自离场 Record leaving without approval",
        "quality_manager",
        14,
        form=[Field("breach_note", "记录", multiline=True, maxlength=1000)],
    )
    d.xor("gw_report_in", "", "engineer", 15)
    d.user(
        "trip_report",
        "出差报告 Trip report",
        "engineer",
        16,
        due="due('report', now())",
        doc=INSTRUCTIONS["trip_report"],
        properties={"breach": "late_trip_report", "stock": "account", "facts": "parts_slip,parts_issued"},
        form=[
            Field("trip_report_text", "出差报告", required=True, multiline=True, maxlength=4000),
            *expense_claim_form(),
            parts_accounted_field(),
        ],
    )
    d.nodes["trip_report"].attrs["camunda:assignee"] = "engineer"
    d.boundary_timer("late_report", "报告超时", "trip_report", "task_due")
    d.user(
        "record_late_report",
        "记录报告超时 Record late report",
        "quality_manager",
        17,
        form=[Field("breach_note", "记录", multiline=True, maxlength=1000)],
    )
    d.end("end_late_report", "已记录", "quality_manager", 18)
    d.user(
        "verify",
        "回访核实与费用审核 Verify and audit",
        "quality_office",
        17,
        due="due('audit', now())",
        doc=INSTRUCTIONS["verify"],
        # Nobody audits their own expenses; each late day of the audit is recorded (S2 7.2.7).
        properties={
            "separation.not_same_as": "trip_report",
            "breach": "late_expense_audit",
            "breach.count": "working_days",
            "audits": "expense_lines",
            "facts": "trip_report_text,expense_lines,expenses,receipts",
        },
        form=[
            Field("satisfaction_verified", "已电话核实满意度", "boolean", required=True),
            *expense_audit_form(),
            Field("audit_note", "审核意见", multiline=True, maxlength=1000),
        ],
        approval=True,
    )
    d.boundary_timer("late_audit", "审核超时", "verify", "task_due")
    d.user(
        "record_late_audit",
        "记录审核超时 Record late audit",
        "quality_manager",
        18,
        row=1,
        form=[Field("breach_note", "记录（每超一日）", multiline=True, maxlength=1000)],
    )
    d.end("end_late_audit", "已记录", "quality_manager", 19, row=1)
    d.xor("gw_reimburse", "有核准费用？", "finance", 18)
    d.user(
        "reimburse",
        "费用报销 Reimburse the expenses",
        "finance",
        19,
        row=1,
        doc=INSTRUCTIONS["reimburse"],
        properties={"facts": "expense_audit,approved_expenses,audit_note,receipts"},
        form=reimbursement_form(),
    )
    d.xor("gw_invoice", "有偿？", "finance", 20)
    d.user(
        "invoice",
        "开票收费 Invoice",
        "finance",
        21,
        doc=INSTRUCTIONS["invoice"],
        properties={
            "pricing": "onsite",
            "facts": "quote_lines,quote_amount,quote_accepted,parts_issued,parts_accounted",
        },
        form=invoice_form(),
    )
    d.user(
        "bill_partner",
        "向合作伙伴结算 Bill the partner",
        "finance",
        21,
        row=1,
        doc=INSTRUCTIONS["bill_partner"],
        properties={"pricing": "onsite", "facts": "partner_notified,trip_report_text,expenses,parts_accounted"},
        form=partner_bill_form(),
    )
    d.xor("gw_done", "", "finance", 22)
    d.end("end", "完成", "finance", 23)

    d.close_columns(17, -1)  # room for the trip's two branches: the audit and the parts brought back
    d.parallel("gw_trip", "engineer", 17)
    d.xor("gw_parts", "有退回件？", "quality_office", 18, row=1)
    d.user(
        "reinspect_parts",
        "退回件复验 Re-inspect the returned parts",
        "quality_office",
        19,
        row=1,
        doc=INSTRUCTIONS["reinspect_parts"],
        properties={"stock": "inspect", "facts": "parts_slip,parts_issued,parts_accounted"},
        form=reinspection_form(),
    )
    d.user(
        "transfer_stock",
        "子库存转移 Move the parts by the result",
        "warehouse",
        20,
        doc=INSTRUCTIONS["transfer_stock"],
        properties={"stock": "transfer", "facts": "parts_slip,reinspection,inspection_certificate"},
        form=[
            Field("stock_moved", "已按复验结果转移并归零借用单", "boolean", required=True),
            Field("transfer_no", "转移单号", maxlength=60),
        ],
    )
    d.xor("gw_parts_done", "", "warehouse", 21)
    d.end("end_parts", "已归零", "warehouse", 22)

    d.flow("start", "gw_paid")
    d.flow("gw_paid", "quote", "service_type == 'A'", "有偿")
    d.default("gw_paid", d.flow("gw_paid", "gw_partner", name="保修/合同"))
    d.flow("quote", "confirm_quote")
    d.flow("confirm_quote", "gw_accepted")
    d.flow("gw_accepted", "gw_dispatch_in", "quote_accepted == True", "同意")
    d.default("gw_accepted", d.flow("gw_accepted", "approve_unpaid", name="拒付"))
    d.flow("approve_unpaid", "gw_unpaid")
    d.flow("gw_unpaid", "gw_dispatch_in", "unpaid_approved == True", "批准")
    d.default("gw_unpaid", d.flow("gw_unpaid", "tell_no_service", name="不批准"))
    d.flow("tell_no_service", "end_no_service")
    d.flow("gw_partner", "notify_partner", "product_category == 'partner'", "合作伙伴")
    d.default("gw_partner", d.flow("gw_partner", "gw_dispatch_in", name="其他"))
    d.flow("notify_partner", "gw_dispatch_in")
    d.flow("gw_dispatch_in", "dispatch")
    d.flow("dispatch", "prepare")
    d.flow("prepare", "service")
    d.flow("service", "gw_repaired")
    d.flow("gw_repaired", "gw_feedback_in", "repaired == True", "已修复")
    d.default("gw_repaired", d.flow("gw_repaired", "take_back", name="无法现场修复"))
    d.flow("take_back", "gw_take_back")
    d.flow("gw_take_back", "factory")
    d.flow("factory", "end_factory")
    d.flow("gw_take_back", "gw_feedback_in")
    d.flow("gw_feedback_in", "feedback")
    d.flow("feedback", "approve_leave")
    d.flow("approve_leave", "gw_leave")
    d.flow("gw_leave", "gw_report_in", "leave == 'approved'", "同意")
    d.default("gw_leave", d.flow("gw_leave", "record_leave", name="擅自离场"))
    d.flow("record_leave", "gw_report_in")
    d.flow("gw_report_in", "trip_report")
    d.flow("late_report", "record_late_report")
    d.flow("record_late_report", "end_late_report")
    d.flow("trip_report", "gw_trip")
    d.flow("gw_trip", "verify")
    d.flow("gw_trip", "gw_parts")
    d.flow("gw_parts", "reinspect_parts", "parts_to_return == True", "有退回件")
    d.default("gw_parts", d.flow("gw_parts", "gw_parts_done", name="无"))
    d.flow("reinspect_parts", "transfer_stock")
    d.flow("transfer_stock", "gw_parts_done")
    d.flow("gw_parts_done", "end_parts")
    d.flow("late_audit", "record_late_audit")
    d.flow("record_late_audit", "end_late_audit")
    d.flow("verify", "gw_reimburse")
    d.flow("gw_reimburse", "reimburse", "approved_expenses > 0", "报销")
    d.default("gw_reimburse", d.flow("gw_reimburse", "gw_invoice", name="无"))
    d.flow("reimburse", "gw_invoice")
    d.flow("gw_invoice", "invoice", "service_type == 'A' and quote_accepted == True", "收费")
    d.flow("gw_invoice", "bill_partner", "service_type != 'A' and product_category == 'partner'", "合作伙伴")
    d.default("gw_invoice", d.flow("gw_invoice", "gw_done", name="免费"))
    d.flow("invoice", "gw_done")
    d.flow("bill_partner", "gw_done")
    d.flow("gw_done", "end")
    d.close_columns(9)  # preparation follows dispatch (the arrival deadline is a setting, not a step)
    return d
