"""Signed checkpoints of every case's audit head, appended to a file outside the database.

The seal proves a case's head was written by Aftercare; it cannot show that a whole case was
deleted, or rolled back to an older sealed state. A checkpoint lists every case's (number,
sequence, head) at one moment, chained to the checkpoint before it and sealed with the audit
key; checking the database against the newest checkpoint finds a case that is missing, one
whose trail is shorter than it was, and one whose event at that point has another hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.audit_keys import AuditKeys
from engine.store.models import AuditEvent
from engine.store.models import Case

GENESIS = "0" * 64


def _mac(keys: AuditKeys, key_id: str, body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(keys.keys[key_id], text, hashlib.sha256).hexdigest()


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_checkpoint(session: Session, keys: AuditKeys, path: Path, at: str) -> int:
    """Append a checkpoint of every case's head; return how many cases it holds."""
    heads = {
        number: [seq, head]
        for number, seq, head in session.execute(select(Case.number, Case.audit_seq, Case.audit_head))
    }
    previous = _lines(path)
    prev = hashlib.sha256(json.dumps(previous[-1], sort_keys=True).encode()).hexdigest() if previous else GENESIS
    body = {"at": at, "cases": heads, "prev": prev, "key": keys.current}
    line = {**body, "mac": _mac(keys, keys.current, body)}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
    return len(heads)


def checkpoint_problems(session: Session, keys: AuditKeys, path: Path) -> list[str]:
    """What in the database contradicts the checkpoints: each problem in a sentence."""
    lines = _lines(path)
    problems = []
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        body = {key: value for key, value in line.items() if key != "mac"}
        key_id = str(line.get("key"))
        if key_id not in keys.keys or not hmac.compare_digest(_mac(keys, key_id, body), str(line.get("mac"))):
            problems.append(f"checkpoint {number} is not sealed by an audit key")
        if line.get("prev") != prev:
            problems.append(f"checkpoint {number} does not follow the one before it")
        prev = hashlib.sha256(json.dumps(line, sort_keys=True).encode()).hexdigest()
    if not lines:
        return problems
    newest: dict[str, list[Any]] = lines[-1]["cases"]
    current = {
        number: (seq, head)
        for number, seq, head in session.execute(select(Case.number, Case.audit_seq, Case.audit_head))
    }
    for case_number, (seq, head) in sorted(newest.items()):
        found = current.get(case_number)
        if found is None:
            problems.append(f"case {case_number} is in the checkpoint of {lines[-1]['at']} but not in the database")
            continue
        if found[0] < seq:
            problems.append(f"case {case_number} has {found[0]} events; the checkpoint saw {seq}")
            continue
        at_seq = (
            session.scalar(
                select(AuditEvent.hash)
                .join(Case, Case.id == AuditEvent.case_id)
                .where(Case.number == case_number, AuditEvent.seq == seq)
            )
            if seq
            else GENESIS
        )
        if (at_seq or GENESIS) != head:
            problems.append(f"case {case_number}: event {seq} is not the one the checkpoint saw")
    return problems
