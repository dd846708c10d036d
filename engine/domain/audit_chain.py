"""The audit hash chain: what each event's hash covers, and how an exported trail is verified.

This module uses the standard library only, so an auditor can verify an exported trail on any
machine with Python 3.11, without Aftercare or its database:

    python3 audit_chain.py SR-2026-000001.audit.json

(the file is ``engine/domain/audit_chain.py`` of the source tree; ``aftercare verify-audit-file`` runs
the same check). Exit status 0 when the chain verifies, 1 naming the first broken event.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
EXPORT_FORMAT = "aftercare-audit/1"
HASHED = ("seq", "at", "actor", "roles", "action", "task_id", "bpmn_id", "task_name", "data", "process_sha256")


def _getter(event: Any) -> Callable[[str], Any]:
    """Fields of an exported event (a mapping) and of a stored one (a row object) alike."""
    if isinstance(event, Mapping):
        return event.get
    return lambda key: getattr(event, key)


def event_content(case_number: str, event: Any) -> dict[str, Any]:
    """The fields the hash covers (docs/engine.md, "Audit trail"); ``event`` is a row or a mapping.

    ``at`` is a datetime on rows and its ISO text in exported files.
    """
    get = _getter(event)
    at = get("at")
    return {
        "case": case_number,
        "seq": get("seq"),
        "at": at if isinstance(at, str) else at.isoformat(),
        "actor": get("actor"),
        "roles": sorted(get("roles") or []),
        "action": get("action"),
        "task_id": get("task_id"),
        "bpmn_id": get("bpmn_id"),
        "task_name": get("task_name"),
        "data": get("data"),
        "process_sha256": get("process_sha256"),
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    case_number: str
    events: int
    ok: bool
    broken_seq: int | None = None
    reason: str | None = None


def verify_chain(case_number: str, events: Iterable[Any], head: tuple[int, str] | None = None) -> ChainReport:
    """Recompute the chain; report the first event whose link or content does not match.

    ``head`` is the (sequence number, hash) the case says its last event has: without it,
    cutting events off the end of a trail could not be noticed.
    """
    previous: str = GENESIS
    count, expected_seq = 0, 1
    for event in events:
        get = _getter(event)
        count += 1
        if get("seq") != expected_seq:
            return ChainReport(
                case_number, count, False, get("seq"), f"expected event {expected_seq}, found {get('seq')}"
            )
        if get("prev_hash") != previous:
            return ChainReport(case_number, count, False, get("seq"), "link to the previous event does not match")
        if chain_hash(previous, event_content(case_number, event)) != get("hash"):
            return ChainReport(case_number, count, False, get("seq"), "content does not match its hash")
        previous, expected_seq = get("hash"), expected_seq + 1
    if head is not None and head != (expected_seq - 1, previous):
        return ChainReport(
            case_number,
            count,
            False,
            expected_seq,
            f"the trail ends at event {expected_seq - 1}, the case at {head[0]}",
        )
    return ChainReport(case_number, count, True)


def export_document(case_number: str, events: Iterable[Any], head: tuple[int, str]) -> dict[str, Any]:
    """A case's trail as a self-contained JSON document (verifiable with ``verify_document``)."""
    rows = []
    for event in events:
        content = event_content(case_number, event)
        rows.append({**{key: content[key] for key in HASHED}, "prev_hash": event.prev_hash, "hash": event.hash})
    return {"format": EXPORT_FORMAT, "case": case_number, "head": {"seq": head[0], "hash": head[1]}, "events": rows}


def verify_document(document: Mapping[str, Any]) -> ChainReport:
    if document.get("format") != EXPORT_FORMAT:
        return ChainReport(str(document.get("case")), 0, False, None, f"not an {EXPORT_FORMAT} document")
    head = document.get("head") or {}
    claimed = (int(head["seq"]), str(head["hash"])) if "seq" in head and "hash" in head else (0, GENESIS)
    return verify_chain(str(document["case"]), document.get("events") or [], claimed)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 audit_chain.py EXPORTED_TRAIL.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        report = verify_document(json.load(handle))
    if report.ok:
        print(f"{report.case_number}: {report.events} events, chain verified")
        return 0
    print(f"BROKEN {report.case_number} at event {report.broken_seq}: {report.reason}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
