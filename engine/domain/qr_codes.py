"""QR codes of the customer's addresses (nameplates, step links on the engineer's phone), drawn
with segno: PNG, medium error correction, a quiet zone wide enough for a phone's camera."""

from __future__ import annotations

import io

import segno


def png(url: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
