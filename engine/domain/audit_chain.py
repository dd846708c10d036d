"""The audit hash chain: what each event's hash covers, and how an exported trail is verified.

This module uses the standard library only, so an auditor can verify an exported trail on any
machine with Python 3.11, without Aftercare or its database:

    python3 audit_chain.py SR-2026-000001.audit.json

(the file is ``engine/domain/audit_chain.py`` of the source tree; ``aftercare verify-audit-file`` runs
the same check). Exit status 0 when the chain verifies, 1 naming the first broken event.

The chain alone proves consistency, not authenticity: whoever can write the database can edit
an event and recompute every hash after it. So each case's head — with a digest of its current
data — is also **sealed** with an HMAC under a key kept outside the database (``seal``).
``--key FILE`` checks the seal of an exported trail too; without the key only the chain is
checked, and the report says so.
"""

from __future__ import annotations

import hashlib
import hmac
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
    return hashlib.sha256(prev_hash.encode("utf-8") + _canonical(content)).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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


def data_digest(data: Any) -> str:
    """SHA-256 of case data in the canonical JSON the chain uses."""
    return hashlib.sha256(_canonical(data)).hexdigest()


def seal(key_id: str, key: bytes, case_number: str, seq: int, head: str, digest: str) -> str:
    """``key_id:hmac`` over the case's number, head and data digest."""
    message = "|".join([case_number, str(seq), head, digest]).encode("utf-8")
    return f"{key_id}:{hmac.new(key, message, hashlib.sha256).hexdigest()}"


def seal_matches(
    keys: Mapping[str, bytes], sealed: str | None, case_number: str, seq: int, head: str, digest: str
) -> bool:
    """Whether ``sealed`` is the seal of this head under the key it names."""
    key_id, _, _mac = (sealed or "").partition(":")
    key = keys.get(key_id)
    return key is not None and hmac.compare_digest(seal(key_id, key, case_number, seq, head, digest), sealed or "")


def export_document(
    case_number: str, events: Iterable[Any], head: tuple[int, str], sealed: str | None = None, digest: str = ""
) -> dict[str, Any]:
    """A case's trail as a self-contained JSON document (verifiable with ``verify_document``)."""
    rows = []
    for event in events:
        content = event_content(case_number, event)
        rows.append({**{key: content[key] for key in HASHED}, "prev_hash": event.prev_hash, "hash": event.hash})
    head_part = {"seq": head[0], "hash": head[1], "seal": sealed, "data_sha256": digest}
    return {"format": EXPORT_FORMAT, "case": case_number, "head": head_part, "events": rows}


def verify_document(document: Mapping[str, Any], keys: Mapping[str, bytes] | None = None) -> ChainReport:
    if document.get("format") != EXPORT_FORMAT:
        return ChainReport(str(document.get("case")), 0, False, None, f"not an {EXPORT_FORMAT} document")
    head = document.get("head") or {}
    claimed = (int(head["seq"]), str(head["hash"])) if "seq" in head and "hash" in head else (0, GENESIS)
    number = str(document["case"])
    report = verify_chain(number, document.get("events") or [], claimed)
    if not report.ok or keys is None:
        return report
    if not seal_matches(keys, head.get("seal"), number, claimed[0], claimed[1], str(head.get("data_sha256", ""))):
        return ChainReport(
            number, report.events, False, claimed[0], "the seal does not match: not written by Aftercare"
        )
    return report


def main(argv: list[str]) -> int:
    """``audit_chain.py TRAIL.json [--key KEYFILE]``; a key file holds ``key_id:hex`` lines."""
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--key"):
        print("usage: python3 audit_chain.py EXPORTED_TRAIL.json [--key KEYFILE]", file=sys.stderr)
        return 2
    keys = read_keys(argv[2]) if len(argv) == 3 else None
    with open(argv[0], encoding="utf-8") as handle:
        report = verify_document(json.load(handle), keys)
    if report.ok:
        checked = "chain and seal verified" if keys is not None else "chain verified (seal not checked: no --key)"
        print(f"{report.case_number}: {report.events} events, {checked}")
        return 0
    print(f"BROKEN {report.case_number} at event {report.broken_seq}: {report.reason}", file=sys.stderr)
    return 1


def read_keys(path: str) -> dict[str, bytes]:
    """Audit keys from a file of ``key_id:hex`` lines (the instance's ``audit_keys`` file)."""
    keys = {}
    with open(path, encoding="ascii") as handle:
        for line in handle:
            key_id, _, hex_key = line.strip().partition(":")
            if key_id and hex_key:
                keys[key_id] = bytes.fromhex(hex_key)
    return keys


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
