"""Where a page may send people back to: only a path on this site, never another host.

Browsers drop tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil.example"
or "/\\evil.example" would lead off the site although it starts with one slash.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/tasks/3?x=1``), else None."""
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
