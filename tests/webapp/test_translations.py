"""Every UI string has a Chinese translation (zh-CN is the default language)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "webapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_every_string_in_the_views_and_templates_is_translated(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    # As webapp/babel.cfg says: engine messages are marked with Message(...), the rest with gettext.
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "webapp/babel.cfg", "-k", "Message"]
    subprocess.run([*command, "-o", str(template), "engine", "webapp"], cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    assert len(wanted) > 50  # the extraction found the strings at all
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {message.id for message in catalog if message.id and message.string and not message.fuzzy}
    assert sorted(str(m) for m in wanted - translated) == []
