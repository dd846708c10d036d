"""The customer's signature on a form: a PNG drawn on the phone, kept as a file with its hash.

S2 7.2.6 has the customer sign the feedback form after the repair, and the sales policy's 3.3.2
forbids asking for the signature before the service or forging it. The engine therefore only
offers the signing step once the service step is done (the diagram's order), takes the drawing
from the customer's own link (or the engineer's phone handed over), stores the image unchanged
as a file of the case, and writes its SHA-256 and the time into the step's audit event, so a
later change to the stored image shows as a hash mismatch.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from engine.domain.messages import Message

SIGNATURE = "signature"  # the form field type
PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 400 * 1024  # a phone-width drawing is 10–60 KB; a larger upload is not a drawing
FILE_NAME = "signature-{step}-{field}.png"


@dataclass(frozen=True)
class Signed:
    """What the process data and the audit event keep of a signature: the stored file, the
    image's SHA-256 and the moment it was given (UTC ISO 8601)."""

    attachment_id: int
    sha256: str
    signed_at: str

    def as_data(self) -> dict[str, Any]:
        return {"attachment_id": self.attachment_id, "sha256": self.sha256, "signed_at": self.signed_at}


def drawing(raw: Any) -> bytes:
    """The PNG bytes of a submitted drawing; ValueError with the reason when it is none."""
    if not isinstance(raw, str) or not raw.startswith(PREFIX):
        raise ValueError(Message("must be a signature drawn on the screen"))
    try:
        content = base64.b64decode(raw[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(Message("must be a signature drawn on the screen")) from None
    if not content.startswith(PNG_MAGIC) or len(content) > MAX_BYTES:
        raise ValueError(Message("must be a signature drawn on the screen"))
    return content


def is_signed(value: Any) -> bool:
    """A process value that is a stored signature (its reference, never the image)."""
    return isinstance(value, dict) and {"attachment_id", "sha256", "signed_at"} <= set(value)


def signature_fields(form: dict[str, Any]) -> list[str]:
    return [field["id"] for field in form.get("fields", []) if field.get("type") == SIGNATURE]
