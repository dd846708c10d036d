"""The business rules process owners change without redrawing: DMN 1.3 decision tables.

Cells are Python expressions (SpiffWorkflow's DMN dialect): an input cell is a value to compare
with (``'own'``, ``True``), a comparison (``<= 300``) or ``-`` for any; an output cell is a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

from tools.diagrams.drawing import chinese


@dataclass(frozen=True)
class Table:
    id: str
    name: str
    documentation: str
    inputs: list[tuple[str, str, str]]  # (expression, label, type)
    outputs: list[tuple[str, str, str]]  # (variable, label, type)
    rules: list[tuple[list[str], list[str], str]]  # (input cells, output cells, annotation)
    hit_policy: str = "FIRST"

    def xml(self) -> str:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
            'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
            'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" '
            f'id="defs_{self.id}" name={quoteattr(chinese(self.name))} namespace="http://aftercare.example/decisions">',
            f'  <decision id="{self.id}" name={quoteattr(chinese(self.name))}>',
            f"    <description>{escape(self.documentation)}</description>",
            f'    <decisionTable id="table_{self.id}" hitPolicy="{self.hit_policy}">',
        ]
        for index, (expression, label, kind) in enumerate(self.inputs):
            lines.append(
                f'      <input id="input_{index}" label={quoteattr(label)}>'
                f'<inputExpression id="input_{index}_expr" typeRef="{kind}"><text>{escape(expression)}</text>'
                "</inputExpression></input>"
            )
        for index, (variable, label, kind) in enumerate(self.outputs):
            lines.append(
                f'      <output id="output_{index}" label={quoteattr(label)} name="{variable}" typeRef="{kind}"/>'
            )
        for number, (cells_in, cells_out, note) in enumerate(self.rules):
            lines.append(f'      <rule id="rule_{number}">')
            if note:
                lines.append(f"        <description>{escape(note)}</description>")
            for index, cell in enumerate(cells_in):
                lines.append(
                    f'        <inputEntry id="rule_{number}_in_{index}"><text>{escape(cell)}</text></inputEntry>'
                )
            for index, cell in enumerate(cells_out):
                lines.append(
                    f'        <outputEntry id="rule_{number}_out_{index}"><text>{escape(cell)}</text></outputEntry>'
                )
            lines.append("      </rule>")
        lines += [
            "    </decisionTable>",
            "  </decision>",
            '  <dmndi:DMNDI><dmndi:DMNDiagram id="drd_' + self.id + '">',
            f'    <dmndi:DMNShape id="shape_{self.id}" dmnElementRef="{self.id}">'
            '<dc:Bounds height="80" width="180" x="160" y="100"/></dmndi:DMNShape>',
            "  </dmndi:DMNDiagram></dmndi:DMNDI>",
            "</definitions>",
        ]
        return "\n".join(lines) + "\n"

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.id}.dmn"
        path.write_text(self.xml(), encoding="utf-8")
        return path


CATEGORY_PRIORITY = [("'own'", "1"), ("'partner'", "2"), ("'agent'", "3")]


def service_type_priority() -> Table:
    rules: list[tuple[list[str], list[str], str]] = [
        (["'competitor'", "-", "-", "-"], ["'A'", "4"], "competitors' products: paid, lowest priority (S2 5.2.3, 6.1)")
    ]
    for category, priority in CATEGORY_PRIORITY:
        rules.append(([category, "True", "False", "-"], ["'C'", priority], "in warranty, no misuse: free (S0 六)"))
    for category, priority in CATEGORY_PRIORITY:
        rules.append(([category, "-", "-", "True"], ["'B'", priority], "maintenance contract (S0 六)"))
    for category, priority in CATEGORY_PRIORITY:
        rules.append(
            ([category, "-", "-", "-"], ["'A'", priority], "out of warranty or misuse: paid (S0 六, S2 5.1.1.2)")
        )
    return Table(
        "service_type_priority",
        "服务类型与优先级 Service type and priority",
        "Service type A paid, B contract, C free (S0 六); misuse in warranty is paid (S2 5.1.1.2); priority "
        "own > partner > agent > competitor products (S2 4, 6.1).",
        inputs=[
            ("product_category", "产品类别", "string"),
            ("under_warranty", "在保修期内", "boolean"),
            ("misuse", "人为损坏", "boolean"),
            ("has_contract", "维保合同", "boolean"),
        ],
        outputs=[("service_type", "服务类型", "string"), ("priority", "优先级", "number")],
        rules=rules,
    )


def approval_level() -> Table:
    return Table(
        "approval_level",
        "退换审批层级 Approval level",
        "The division head approves every exchange/refund notice; refunds and large amounts also need the "
        "general manager (S3 2.3).",
        inputs=[("exchange_kind", "方式", "string"), ("amount", "金额（元）", "number")],
        outputs=[("needs_general_manager", "需总经理审批", "boolean")],
        rules=[
            (["'refund'", "-"], ["True"], "refunds"),
            (["-", ">= 50000"], ["True"], "amounts from 50 000 yuan"),
            (["-", "-"], ["False"], "otherwise the division head alone"),
        ],
    )


TABLES = [service_type_priority, approval_level]
