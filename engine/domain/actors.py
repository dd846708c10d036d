"""Who acts on the service: a person with roles, or the system on a schedule or from the command line."""

from __future__ import annotations

from dataclasses import dataclass

# The role of the timer worker and of command-line runs; no user account ever holds it.
SYSTEM_ROLE = "system"
CUSTOMER_ROLE = "customer"  # the role of the customer's steps


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (with roles), or the system (timer worker, CLI)."""

    user_id: int | None
    username: str
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, name: str) -> Actor:
        """The timer worker or a command (``aftercare …``): acts as the system, never as a person."""
        return cls(None, f"system:{name}", frozenset({SYSTEM_ROLE}))

    @classmethod
    def customer(cls) -> Actor:
        """The customer, acting through a signed link or the nameplate code: no account."""
        return cls(None, CUSTOMER_ROLE, frozenset({CUSTOMER_ROLE}))
