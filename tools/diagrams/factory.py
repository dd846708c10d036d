"""factory_repair (flow 2) and exchange_refund (flow 3) of SPEC."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.drawing import choice
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import ACCEPT
from tools.diagrams.forms import approval
from tools.diagrams.forms import cause_fields
from tools.diagrams.forms import decision
from tools.diagrams.forms import invoice_form
from tools.diagrams.forms import partner_bill_form
from tools.diagrams.forms import priced_lines

MAX_REPAIRS = 3

# What the approvers of an exchange or refund decide on (S3 2.3): why, which, how much, the notice.
EXCHANGE_FACTS = "exchange_reason,exchange_kind,amount,notice_no,notice_items"


def factory_repair() -> Diagram:
    d = Diagram(
        "factory_repair",
        "返厂维修 Return to factory",
        "SPEC flow 2 (S3 2.2; S2 '售后部门管理制度' 九): goods counted against the return list, discrepancies "
        "confirmed with the customer; joint re-inspection with a written root cause; own parts to the workshop "
        "on an entrusted repair order (委托维修单), purchased parts to the supplier via purchasing; the customer "
        "confirms a paid repair first; repair record (产品修理原始记录卡) and inspection, repaired again on "
        f"failure — after {MAX_REPAIRS} failed inspections the case goes to exchange/refund; not repairable: "
        "the customer is told and responsibility decided (company: exchange/refund; customer: returned as is "
        "or scrapped); repaired goods shipped back within 3 working days.",
        lanes=[
            ("warehouse", 2),
            ("service_desk", 1),
            ("customer", 1),
            ("finance", 2),
            ("quality_office", 2),
            ("workshop", 1),
            ("purchasing", 1),
            ("inspector", 1),
        ],
        starters=None,
        startable=False,
    )
    d.start("start", "货物到达", "warehouse", 0)
    d.user(
        "receive",
        "收货清点 Receive and count",
        "warehouse",
        1,
        doc=INSTRUCTIONS["receive"],
        form=[
            Field("received_qty", "收到数量", "long", required=True, min="0"),
            decision("matches_list", "与退货清单一致"),
            Field("receive_note", "差异说明", multiline=True, maxlength=1000),
        ],
    )
    d.xor("gw_match", "一致？", "warehouse", 2)
    d.user(
        "confirm_discrepancy",
        "与客户确认差异 Confirm discrepancy",
        "service_desk",
        2,
        form=[Field("discrepancy_confirmed", "客户已确认差异", "boolean", required=True)],
    )
    d.xor("gw_inspect_in", "", "quality_office", 3)
    d.user(
        "reinspect",
        "联合复检 Joint re-inspection",
        "quality_office",
        4,
        due="due('reinspect', now())",
        doc=INSTRUCTIONS["reinspect"],
        form=[
            Field("participants", "参加人员（质量/技术/检验/生产）", required=True, maxlength=300),
            Field("root_cause", "原因分析", required=True, multiline=True, maxlength=4000),
            *cause_fields(),
            decision("repairable", "可修复"),
            choice("parts_source", "故障件来源", [("own", "自制件"), ("purchased", "外购件")], required=True),
            decision("paid_repair", "有偿维修"),
            choice("responsibility", "责任方", [("company", "公司"), ("customer", "客户")], required=True),
        ],
    )
    d.script("init_attempts", "计数清零", "quality_office", 5, "repair_attempts = 0")
    d.xor("gw_repairable", "可修复？", "quality_office", 6)
    d.xor("gw_paid", "有偿？", "quality_office", 7)
    d.user(
        "price_repair",
        "维修报价 Price the repair",
        "finance",
        7,
        due="due('quote', now())",
        doc=INSTRUCTIONS["price_repair"],
        properties={"done_at": "quote_sent_at", "pricing": "factory", "facts": "root_cause,parts_source"},
        form=[
            priced_lines("quote_lines", "报价明细"),
            Field("fee_amount", "维修费（元）", "decimal", min="0", total_of="quote_lines.amount"),
            Field("quote_note", "报价说明", multiline=True, maxlength=1000),
        ],
    )
    d.user(
        "confirm_fee",
        "客户确认维修费 Customer confirms fee",
        "customer",
        7,
        properties={"facts": "quote_lines,fee_amount,quote_note", "done_at": "quote_answered_at"},
        form=[
            decision("fee_accepted", "同意维修费", ACCEPT),
            Field("customer_note", "客户意见", maxlength=1000, required_unless="fee_accepted"),
        ],
        approval=True,
    )
    d.xor("gw_fee", "同意？", "customer", 8)
    d.xor("gw_repair_in", "", "quality_office", 9)
    d.xor("gw_source", "自制/外购？", "quality_office", 10)
    d.user(
        "repair",
        "车间维修 Workshop repair",
        "workshop",
        11,
        doc=INSTRUCTIONS["repair"],
        form=[
            Field("repair_order_no", "委托维修单号", required=True, maxlength=60),
            Field("repair_hours", "工时", "decimal", required=True, min="0"),
            Field("repair_parts", "更换零件", multiline=True, maxlength=2000),
        ],
    )
    d.user(
        "supplier_repair",
        "供方维修 Supplier repair",
        "purchasing",
        11,
        doc=INSTRUCTIONS["supplier_repair"],
        form=[
            Field("supplier", "供方", required=True, maxlength=200),
            decision("supplier_paid", "供方免费维修"),
        ],
    )
    d.xor("gw_repaired_in", "", "inspector", 12)
    d.script("count_attempt", "维修次数 +1", "inspector", 13, "repair_attempts = repair_attempts + 1")
    d.user(
        "inspect",
        "检验 Inspection",
        "inspector",
        14,
        form=[
            decision("passed", "检验合格"),
            Field("inspection_note", "检验记录", multiline=True, maxlength=2000),
        ],
    )
    d.xor("gw_passed", "合格？", "inspector", 15)
    d.user(
        "ship_back",
        "发回客户 Ship back",
        "warehouse",
        16,
        due="due('ship_back', now())",
        doc=INSTRUCTIONS["ship_back"],
        form=[Field("shipping_no", "发运单号", required=True, maxlength=60)],
    )
    d.xor("gw_bill", "有偿/合作伙伴？", "warehouse", 17)
    d.user(
        "invoice",
        "开票收费 Invoice",
        "finance",
        18,
        doc=INSTRUCTIONS["invoice"],
        properties={"pricing": "factory", "facts": "quote_lines,fee_amount,repair_hours,repair_parts"},
        form=invoice_form(),
    )
    d.user(
        "bill_partner",
        "向合作伙伴结算 Bill the partner",
        "finance",
        18,
        row=1,
        doc=INSTRUCTIONS["bill_partner"],
        properties={"pricing": "factory", "facts": "root_cause,repair_hours,repair_parts"},
        form=partner_bill_form(),
    )
    d.xor("gw_billed", "", "warehouse", 19)
    d.end("end_repaired", "已修复发回", "warehouse", 20)
    d.call("exchange", "退换货 Exchange/refund", "quality_office", 16, "exchange_refund", row=1)
    d.xor("gw_exchanged_in", "", "quality_office", 15, row=1)
    d.end("end_exchanged", "转退换货", "quality_office", 17, row=1)
    d.user(
        "tell_unrepairable",
        "告知客户不可修复 Tell the customer",
        "service_desk",
        7,
        form=[Field("told_note", "告知记录", required=True, multiline=True, maxlength=1000)],
    )
    d.xor("gw_responsibility", "责任？", "service_desk", 8)
    d.user(
        "customer_choice",
        "客户选择处理方式 Customer decides",
        "customer",
        9,
        form=[choice("disposal", "处理方式", [("return", "原样退回"), ("scrap", "报废")], required=True)],
    )
    d.xor("gw_disposal", "客户选择？", "customer", 10)
    d.xor("gw_return_in", "", "warehouse", 11, row=1)
    d.user(
        "return_as_is",
        "原样退回 Return as is",
        "warehouse",
        12,
        row=1,
        form=[Field("shipping_no", "发运单号", required=True, maxlength=60)],
    )
    d.end("end_returned", "原样退回", "warehouse", 13, row=1)
    d.user(
        "scrap",
        "报废处理 Scrap",
        "warehouse",
        11,
        form=[Field("scrap_record", "报废记录", required=True, maxlength=1000)],
    )
    d.end("end_scrapped", "报废", "warehouse", 12)

    d.flow("start", "receive")
    d.flow("receive", "gw_match")
    d.flow("gw_match", "gw_inspect_in", "matches_list == True", "一致")
    d.default("gw_match", d.flow("gw_match", "confirm_discrepancy", name="有差异"))
    d.flow("confirm_discrepancy", "gw_inspect_in")
    d.flow("gw_inspect_in", "reinspect")
    d.flow("reinspect", "init_attempts")
    d.flow("init_attempts", "gw_repairable")
    d.flow("gw_repairable", "gw_paid", "repairable == True", "可修复")
    d.default("gw_repairable", d.flow("gw_repairable", "tell_unrepairable", name="不可修复"))
    d.flow("gw_paid", "price_repair", "paid_repair == True", "有偿")
    d.flow("price_repair", "confirm_fee")
    d.default("gw_paid", d.flow("gw_paid", "gw_repair_in", name="免费"))
    d.flow("confirm_fee", "gw_fee")
    d.flow("gw_fee", "gw_repair_in", "fee_accepted == True", "同意")
    d.default("gw_fee", d.flow("gw_fee", "gw_return_in", name="不同意"))
    d.flow("gw_repair_in", "gw_source")
    d.flow("gw_source", "supplier_repair", "parts_source == 'purchased'", "外购件")
    d.default("gw_source", d.flow("gw_source", "repair", name="自制件"))
    d.flow("repair", "gw_repaired_in")
    d.flow("supplier_repair", "gw_repaired_in")
    d.flow("gw_repaired_in", "count_attempt")
    d.flow("count_attempt", "inspect")
    d.flow("inspect", "gw_passed")
    d.flow("gw_passed", "ship_back", "passed == True", "合格")
    d.flow("gw_passed", "gw_repair_in", f"repair_attempts < {MAX_REPAIRS}", "返修")
    d.default("gw_passed", d.flow("gw_passed", "gw_exchanged_in", name=f"{MAX_REPAIRS} 次不合格"))
    d.flow("ship_back", "gw_bill")
    d.flow("gw_bill", "invoice", "paid_repair == True", "有偿")
    d.flow("gw_bill", "bill_partner", "paid_repair != True and product_category == 'partner'", "合作伙伴")
    d.default("gw_bill", d.flow("gw_bill", "gw_billed", name="免费"))
    d.flow("invoice", "gw_billed")
    d.flow("bill_partner", "gw_billed")
    d.flow("gw_billed", "end_repaired")
    d.flow("gw_exchanged_in", "exchange")
    d.flow("exchange", "end_exchanged")
    d.flow("tell_unrepairable", "gw_responsibility")
    d.flow("gw_responsibility", "gw_exchanged_in", "responsibility == 'company'", "公司责任")
    d.default("gw_responsibility", d.flow("gw_responsibility", "customer_choice", name="客户责任"))
    d.flow("customer_choice", "gw_disposal")
    d.flow("gw_disposal", "scrap", "disposal == 'scrap'", "报废")
    d.default("gw_disposal", d.flow("gw_disposal", "gw_return_in", name="退回"))
    d.flow("gw_return_in", "return_as_is")
    d.flow("return_as_is", "end_returned")
    d.flow("scrap", "end_scrapped")
    return d


def exchange_refund() -> Diagram:
    d = Diagram(
        "exchange_refund",
        "退换货 Exchange / refund",
        "SPEC flow 3 (S3 2.3): eligible for transport damage or an unrepairable quality defect in warranty; the "
        "regional sales representative confirms; the after-sales centre issues a 产品质量退换通知单; the "
        "division head approves, and for large amounts or refunds also the general manager (DMN "
        "approval_level); exchange: the warehouse ships the replacement; refund: finance pays back; sales "
        "recovers the defective goods, which the workshop repairs and an inspector (not the repairer) "
        "passes before the warehouse restocks them; goods that fail or are not worth repairing are "
        "scrapped under nonconforming-product control with the quality manager's approval.",
        lanes=[
            ("quality_office", 2),
            ("sales", 1),
            ("division_head", 1),
            ("general_manager", 1),
            ("warehouse", 1),
            ("workshop", 1),
            ("inspector", 1),
            ("finance", 1),
            ("quality_manager", 1),
            ("service_desk", 1),
        ],
        starters=None,
        startable=False,
    )
    d.start("start", "开始", "quality_office", 0)
    d.user(
        "check",
        "退换资格确认 Check eligibility",
        "quality_office",
        1,
        form=[
            choice(
                "exchange_reason",
                "退换原因",
                [("transport", "运输损坏"), ("defect", "保修期内质量缺陷且无法修复"), ("other", "其他")],
                required=True,
            ),
            *cause_fields(),
            decision("eligible", "符合退换条件"),
        ],
    )
    d.xor("gw_eligible", "符合？", "quality_office", 2)
    d.user(
        "sales_confirm",
        "业务员确认 Sales confirms",
        "sales",
        3,
        form=[
            decision("sales_confirmed", "确认退换", ACCEPT),
            choice("exchange_kind", "方式", [("exchange", "换货"), ("refund", "退货退款")], required=True),
            Field("amount", "金额（元）", "decimal", required=True, min="0"),
        ],
        approval=True,
    )
    d.xor("gw_confirmed", "确认？", "sales", 4)
    d.user(
        "notice",
        "开具退换通知单 Issue notice",
        "quality_office",
        5,
        form=[
            Field("notice_no", "产品质量退换通知单号", required=True, maxlength=60),
            Field("notice_items", "退换明细", required=True, multiline=True, maxlength=2000),
        ],
    )
    d.rule(
        "approval_level",
        "审批层级 Approval level",
        "quality_office",
        6,
        "approval_level",
        doc=INSTRUCTIONS["approval_level"],
    )
    d.user(
        "approve_division",
        "分管领导审批 Division head approves",
        "division_head",
        7,
        form=approval("division_approved"),
        # Four eyes: whoever issued the notice does not approve it (S3 2.3).
        properties={"separation.not_same_as": "notice", "facts": EXCHANGE_FACTS},
        approval=True,
    )
    d.xor("gw_division", "批准？", "division_head", 8)
    d.xor("gw_needs_gm", "需总经理？", "quality_office", 9)
    d.user(
        "approve_gm",
        "总经理审批 General manager approves",
        "general_manager",
        9,
        form=approval("gm_approved"),
        properties={"facts": EXCHANGE_FACTS + ",division_approved_comment"},
        approval=True,
    )
    d.xor("gw_gm", "批准？", "general_manager", 10)
    d.xor("gw_approved", "", "quality_office", 11)
    d.xor("gw_kind", "换货/退款？", "quality_office", 12)
    d.user(
        "ship_replacement",
        "发出换货 Ship replacement",
        "warehouse",
        13,
        properties={"stock": "replace", "facts": "notice_no,notice_items,amount"},
        form=[Field("stock_out_no", "出库单号", required=True, maxlength=60)],
    )
    d.user(
        "refund",
        "退款 Refund",
        "finance",
        13,
        form=[
            Field("refund_voucher", "退款凭证号", required=True, maxlength=60),
            Field("refund_amount", "退款金额（元）", "decimal", required=True, min="0"),
        ],
    )
    d.xor("gw_recover_in", "", "quality_office", 14)
    d.user(
        "recover",
        "收回不良品 Recover goods",
        "sales",
        15,
        properties={"stock": "recover"},
        form=[Field("recovered", "已收回", "boolean", required=True), Field("recover_note", "说明", maxlength=1000)],
    )
    d.user(
        "disposition",
        "不良品处置 Disposition",
        "quality_office",
        16,
        form=[choice("disposition_choice", "处置", [("restock", "修复检验后入库"), ("scrap", "报废")], required=True)],
    )
    d.xor("gw_disposition", "处置方式？", "quality_office", 17)
    d.xor("gw_restock_in", "", "workshop", 19)
    d.user(
        "repair_recovered",
        "修复不良品 Repair the recovered goods",
        "workshop",
        20,
        doc=INSTRUCTIONS["repair_recovered"],
        properties={"facts": "exchange_reason,notice_items,recover_note,inspection_note"},
        form=[
            Field("recovered_repair", "修复内容", required=True, multiline=True, maxlength=2000),
            Field("recovered_repair_hours", "修复工时（小时）", "decimal", required=True, min="0"),
        ],
    )
    d.user(
        "inspect_recovered",
        "修复品检验 Inspect the repaired goods",
        "inspector",
        21,
        doc=INSTRUCTIONS["inspect_recovered"],
        # Whoever repaired the goods does not pass them (nonconforming-product control, S3 2.3).
        properties={"separation.not_same_as": "repair_recovered", "facts": "recovered_repair,notice_items"},
        form=[
            decision("inspection_passed", "检验结论", "合格|不合格"),
            Field("inspection_report_no", "检验报告编号", required=True, maxlength=60),
            Field("inspection_note", "检验记录", multiline=True, maxlength=2000),
        ],
    )
    d.xor("gw_inspected", "合格？", "inspector", 22)
    d.user(
        "restock",
        "修复入库 Restock",
        "warehouse",
        23,
        properties={"stock": "restock", "facts": "recovered_repair,inspection_report_no"},
        form=[Field("stock_in_no", "入库单号", required=True, maxlength=60)],
    )
    d.xor("gw_scrap", "批准？", "quality_manager", 19)
    d.user(
        "approve_scrap",
        "不合格品报废审批 Approve scrapping",
        "quality_manager",
        18,
        form=approval("scrap_approved"),
        properties={
            "stock": "scrap",
            "facts": "exchange_reason,notice_items,recover_note,disposition_choice,inspection_note",
        },
        approval=True,
    )
    d.xor("gw_done", "", "quality_office", 24, row=1)
    d.end("end", "完成", "quality_office", 25, row=1)
    d.xor("gw_refused_in", "", "service_desk", 5)
    d.user(
        "tell_refused",
        "告知客户 Tell the customer",
        "service_desk",
        6,
        form=[Field("refusal_note", "告知内容", required=True, multiline=True, maxlength=1000)],
    )
    d.end("end_refused", "不予退换", "service_desk", 7)

    d.flow("start", "check")
    d.flow("check", "gw_eligible")
    d.flow("gw_eligible", "sales_confirm", "eligible == True", "符合")
    d.default("gw_eligible", d.flow("gw_eligible", "gw_refused_in", name="不符合"))
    d.flow("sales_confirm", "gw_confirmed")
    d.flow("gw_confirmed", "notice", "sales_confirmed == True", "确认")
    d.default("gw_confirmed", d.flow("gw_confirmed", "gw_refused_in", name="不确认"))
    d.flow("notice", "approval_level")
    d.flow("approval_level", "approve_division")
    d.flow("approve_division", "gw_division")
    d.flow("gw_division", "gw_needs_gm", "division_approved == True", "批准")
    d.default("gw_division", d.flow("gw_division", "gw_refused_in", name="不批准"))
    d.flow("gw_needs_gm", "approve_gm", "needs_general_manager == True", "需要")
    d.default("gw_needs_gm", d.flow("gw_needs_gm", "gw_approved", name="不需要"))
    d.flow("approve_gm", "gw_gm")
    d.flow("gw_gm", "gw_approved", "gm_approved == True", "批准")
    d.default("gw_gm", d.flow("gw_gm", "gw_refused_in", name="不批准"))
    d.flow("gw_approved", "gw_kind")
    d.flow("gw_kind", "refund", "exchange_kind == 'refund'", "退款")
    d.default("gw_kind", d.flow("gw_kind", "ship_replacement", name="换货"))
    d.flow("ship_replacement", "gw_recover_in")
    d.flow("refund", "gw_recover_in")
    d.flow("gw_recover_in", "recover")
    d.flow("recover", "disposition")
    d.flow("disposition", "gw_disposition")
    d.flow("gw_disposition", "approve_scrap", "disposition_choice == 'scrap'", "报废")
    d.default("gw_disposition", d.flow("gw_disposition", "gw_restock_in", name="入库"))
    d.flow("gw_restock_in", "repair_recovered")
    d.flow("repair_recovered", "inspect_recovered")
    d.flow("inspect_recovered", "gw_inspected")
    d.flow("gw_inspected", "restock", "inspection_passed == True", "合格")
    d.default("gw_inspected", d.flow("gw_inspected", "approve_scrap", name="不合格：报废审批"))
    d.flow("restock", "gw_done")
    d.flow("approve_scrap", "gw_scrap")
    d.flow("gw_scrap", "gw_done", "scrap_approved == True", "批准报废")
    d.default("gw_scrap", d.flow("gw_scrap", "gw_restock_in", name="不批准：修复入库"))
    d.flow("gw_done", "end")
    d.flow("gw_refused_in", "tell_refused")
    d.flow("tell_refused", "end_refused")
    return d
