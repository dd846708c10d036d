"""capa: CAPA open to any case (S2 12.3; S3 4 服务信息汇总: the quality meeting
proposes corrective and preventive actions), not only inside a complaint."""

from __future__ import annotations

from tools.diagrams.drawing import Diagram
from tools.diagrams.drawing import Field
from tools.diagrams.english import INSTRUCTIONS
from tools.diagrams.forms import cause_fields
from tools.diagrams.forms import decision


def corrective_action() -> Diagram:
    d = Diagram(
        "capa",
        "纠正预防措施 Corrective and preventive action",
        "SPEC 'Failure cost and cause analysis' (S2 12.3; S3 三.4): a quality problem found in any case (a "
        "repair, an exchange, a visit, the quarterly cause analysis) gets a corrective and preventive action: "
        "the quality manager analyses the root cause with its cause and responsibility codes and sets the "
        "actions with an owner and a deadline, the quality office sees them carried out with the department, "
        "and the quality manager checks that they worked (not effective: analysed again).",
        lanes=[("quality_manager", 1), ("quality_office", 1)],
        starters="quality_office,quality_manager",
    )
    d.start(
        "start",
        "发现质量问题",
        "quality_manager",
        0,
        form=[
            Field("source_case", "来源案例编号", required=True, maxlength=40),
            Field("problem", "问题描述", required=True, multiline=True, maxlength=4000),
        ],
    )
    d.xor("gw_plan_in", "", "quality_manager", 1)
    d.user(
        "plan_actions",
        "原因分析与措施 Analyse and plan the actions",
        "quality_manager",
        2,
        due="due('capa_plan', now())",
        doc=INSTRUCTIONS["plan_actions"],
        properties={"facts": "source_case,problem,verification_note"},
        form=[
            Field("root_cause", "根本原因", required=True, multiline=True, maxlength=4000),
            *cause_fields(),
            Field("corrective_action", "纠正措施", required=True, multiline=True, maxlength=4000),
            Field("preventive_action", "预防措施", required=True, multiline=True, maxlength=4000),
            Field("action_owner", "措施责任人", required=True, maxlength=80),
            Field("action_due", "完成期限", "date", required=True),
        ],
    )
    d.user(
        "carry_out_actions",
        "落实措施 Carry out the actions",
        "quality_office",
        3,
        due="action_due",
        doc=INSTRUCTIONS["carry_out_actions"],
        properties={"facts": "source_case,corrective_action,preventive_action,action_owner,action_due"},
        form=[
            Field("done_on", "完成日期", "date", required=True),
            Field("implementation", "落实情况", required=True, multiline=True, maxlength=4000),
        ],
    )
    d.user(
        "verify_actions",
        "效果验证 Verify the effect",
        "quality_manager",
        4,
        doc=INSTRUCTIONS["verify_actions"],
        properties={"facts": "source_case,problem,corrective_action,preventive_action,implementation"},
        form=[
            decision("effective", "效果验证", "有效|无效"),
            Field("verification_note", "验证记录", required=True, multiline=True, maxlength=2000),
        ],
        approval=True,
    )
    d.xor("gw_effective", "有效？", "quality_manager", 5)
    d.end("end", "关闭", "quality_manager", 6)
    d.flow("start", "gw_plan_in")
    d.flow("gw_plan_in", "plan_actions")
    d.flow("plan_actions", "carry_out_actions")
    d.flow("carry_out_actions", "verify_actions")
    d.flow("verify_actions", "gw_effective")
    d.flow("gw_effective", "end", "effective == True", "有效")
    d.default("gw_effective", d.flow("gw_effective", "gw_plan_in", name="无效"))
    return d
