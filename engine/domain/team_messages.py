"""What the company's teams are told in their chat groups, Chinese first then English (a group
has people of either language)."""

from __future__ import annotations

from engine.domain.customer_messages import Letter


def customer_answered(number: str, step: str, how: str, case_url: str | None) -> Letter:
    """A customer answered their step themselves (a quote, the signature, the rating)."""
    link = f"\n{case_url}" if case_url else ""
    return Letter(
        f"客户已答复 {number}：{step} / Customer answered {number}",
        f"案件 {number} 的「{step}」已由客户本人答复（{how}）。\n"
        f"The customer answered \u201c{step}\u201d of case {number} themselves ({how}).{link}",
    )
