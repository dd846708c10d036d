"""Messages the engine shows to people, translatable by the web layer.

A ``Message`` is an ordinary ``str`` (the English text, for logs and the API) that also keeps its
msgid and parameters, so a page can show ``gettext(msgid) % params`` in the user's language.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text


class RoleList(tuple[str, ...]):
    """Role ids as a message parameter: the English text lists the ids, a page their names."""

    def __str__(self) -> str:
        return ", ".join(self)
