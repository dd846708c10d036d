"""Which files a case accepts, judged by their first bytes (never by the name or the browser).

Case attachments and the scanned paper form of a desk entry both pass through here, so a file
the one refuses the other refuses too. A file is served back with the content type of its kind.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from engine.domain.errors import InvalidData
from engine.domain.messages import Message

MAX_FILE_BYTES = 10 * 1024 * 1024
# kind → (content type served, file-name suffixes, magic prefixes)
KINDS: dict[str, tuple[str, tuple[str, ...], tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (".pdf",), (b"%PDF-",)),
    "png": ("image/png", (".png",), (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    "office": (
        "application/octet-stream",
        (".xlsx", ".docx", ".pptx"),
        (b"PK\x03\x04",),
    ),
    "text": ("text/plain; charset=utf-8", (".txt", ".csv", ".log"), ()),
}
SCANS = ("pdf", "png", "jpeg")  # what a scanned paper form may be


def kind_of(filename: str, content: bytes) -> str | None:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for kind, (_type, suffixes, magics) in KINDS.items():
        if suffix not in suffixes:
            continue
        if kind == "text":
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                return None
            return kind if b"\x00" not in content else None
        return kind if any(content.startswith(magic) for magic in magics) else None
    return None


def safe_filename(name: str) -> str:
    """Keep letters (Chinese too), digits, dots, dashes and underscores; no paths."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^\w.\-]+", "_", name).strip("._") or "file"
    return cleaned[-150:]


def checked(
    filename: str, content: bytes, field: str = "file", kinds: tuple[str, ...] = tuple(KINDS)
) -> tuple[str, str]:
    """(safe file name, content type) of an accepted file; InvalidData at ``field`` otherwise."""
    name = safe_filename(filename)
    if not content or len(content) > MAX_FILE_BYTES:
        raise InvalidData({field: Message("a file has 1 byte to %(mb)s MB", mb=MAX_FILE_BYTES // (1024 * 1024))})
    kind = kind_of(name, content)
    if kind is None or kind not in kinds:
        allowed = ", ".join(suffix for kind in kinds for suffix in KINDS[kind][1])
        raise InvalidData({field: Message("only these kinds of file are accepted: %(kinds)s", kinds=allowed)})
    return name, KINDS[kind][0]


@dataclass(frozen=True)
class Upload:
    """A file as sent: the name the sender gave and the bytes."""

    filename: str
    content: bytes
