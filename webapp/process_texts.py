"""The words of the processes in the reader's language.

Diagrams are written in Chinese (the language of the policy's paper forms); English comes from
a gettext catalogue beside them, ``processes/translations/en.po``, whose message ids are the
Chinese texts: process and task names, field labels, option and choice names, instructions.
A text is translated wherever a page shows it — the task page, forms, the case record, lists,
the board, the registers — and a text without an entry is shown as written, so a diagram
drawn without a catalogue still works. Translations are presentation: they apply to every
version of a process that uses the same words.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask
from flask import current_app

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "processes" / "translations"


def load_catalogues(directory: Path) -> dict[str, dict[str, str]]:
    """``{language: {Chinese text: translation}}`` from ``<language>.po`` files (none: {})."""
    found: dict[str, dict[str, str]] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.po")):
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        found[path.stem] = {
            str(message.id): str(message.string)
            for message in catalogue
            if message.id and message.string and not message.fuzzy
        }
    return found


def process_text(text: object, language: str) -> object:
    """``text`` in ``language`` when the catalogue has it; anything else unchanged."""
    if not isinstance(text, str) or not text:
        return text
    catalogue = current_app.extensions["process_texts"].get(language)
    return catalogue.get(text, text) if catalogue else text


def init_app(app: Flask) -> None:
    directory = Path(os.environ.get("AFTERCARE_PROCESS_TRANSLATIONS") or DEFAULT_DIRECTORY)
    app.extensions["process_texts"] = load_catalogues(directory)
