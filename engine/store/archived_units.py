"""The delivered unit a case names by its serial number, as the product archive knows it.

The warranty check needs the archive's word (model, customer, delivery, warranty end) next to
what the caller said; the task page and the case page show the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from engine.store.models import DeliveredUnit


@dataclass(frozen=True)
class ArchivedUnit:
    serial_number: str
    model: str
    category: str
    customer: str
    delivered_on: date | None
    warranty_end: date | None
    contract_end: date | None = None

    def under_warranty_on(self, day: date) -> bool | None:
        return None if self.warranty_end is None else day <= self.warranty_end

    def under_contract_on(self, day: date) -> bool | None:
        """Covered by a maintenance contract on ``day``; None when the archive lists none (it
        may still exist: the archive does not know every contract)."""
        return None if self.contract_end is None else day <= self.contract_end

    def facts_on(self, day: date) -> dict[str, object]:
        """What the archive says on ``day``, as engine/domain/archive_check.py proposes it."""
        return {
            "warranty": self.under_warranty_on(day),
            "contract": self.under_contract_on(day),
            "category": self.category or None,
        }


def archived_unit(session: Session, serial: object) -> ArchivedUnit | None:
    """The unit of ``serial`` (a case's serial number field), or None when the archive lacks it."""
    if not isinstance(serial, str) or not serial.strip():
        return None
    unit = session.get(DeliveredUnit, serial.strip())
    if unit is None:
        return None
    return ArchivedUnit(
        unit.serial_number,
        unit.model,
        unit.category,
        unit.customer,
        unit.delivered_on,
        unit.warranty_end,
        unit.contract_end,
    )
