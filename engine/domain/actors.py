"""Who acts on the service: a person with roles, or the system on a schedule or from the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (with roles), or the system (timer worker, CLI)."""

    user_id: int | None
    username: str
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(None, f"system:{name}")
