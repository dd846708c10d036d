"""The keys that seal audit heads, kept in a file outside the database.

The file holds ``key_id:hex`` lines; the last line is the key new seals use, the earlier ones
still verify older seals, so rotating a key means appending a line (``aftercare
rotate-audit-key``). Whoever can read the database but not this file cannot forge a seal; an
auditor checks an exported trail offline with ``audit_chain.py TRAIL --key FILE``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.domain.audit_chain import read_keys
from engine.domain.audit_chain import seal


@dataclass(frozen=True)
class AuditKeys:
    current: str
    keys: dict[str, bytes]

    def seal(self, case_number: str, seq: int, head: str, digest: str) -> str:
        return seal(self.current, self.keys[self.current], case_number, seq, head, digest)


def load_audit_keys(path: Path | None) -> AuditKeys | None:
    """The keys in ``path``, creating the file with a first random key when it does not exist."""
    if path is None:
        return None
    if not path.exists():
        add_key(path)
    keys = read_keys(str(path))
    if not keys:
        raise ValueError(f"{path} holds no audit key (lines of key_id:hex)")
    return AuditKeys(list(keys)[-1], keys)


def add_key(path: Path) -> str:
    """Append a new random key (the one new seals use from now on); return its id."""
    existing = read_keys(str(path)) if path.exists() else {}
    key_id = f"k{len(existing) + 1}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as handle:
        handle.write(f"{key_id}:{secrets.token_hex(32)}\n")
    return key_id
