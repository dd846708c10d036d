"""Write the shipped processes and decision tables to processes/: ``python -m tools.diagrams [DIR]``."""

from __future__ import annotations

import sys
from pathlib import Path

from tools.diagrams.after_service import contract_renewal
from tools.diagrams.after_service import follow_up
from tools.diagrams.after_service import satisfaction_survey
from tools.diagrams.complaint import complaint
from tools.diagrams.decisions import TABLES
from tools.diagrams.factory import exchange_refund
from tools.diagrams.factory import factory_repair
from tools.diagrams.intake import service_request
from tools.diagrams.onsite import onsite_repair

DIAGRAMS = [
    service_request,
    onsite_repair,
    factory_repair,
    exchange_refund,
    complaint,
    satisfaction_survey,
    follow_up,
    contract_renewal,
]


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "processes"
    for make in DIAGRAMS:
        print(make().write(target))
    for table in TABLES:
        print(table().write(target))


if __name__ == "__main__":
    main()
