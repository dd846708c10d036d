"""Write the shipped processes and decision tables to processes/: ``python -m tools.diagrams [DIR]``."""

from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

from tools.diagrams.after_service import contract_renewal
from tools.diagrams.after_service import follow_up
from tools.diagrams.after_service import satisfaction_survey
from tools.diagrams.capa import corrective_action
from tools.diagrams.care import customer_survey
from tools.diagrams.care import customer_visit
from tools.diagrams.care import installation
from tools.diagrams.care import product_call
from tools.diagrams.complaint import complaint
from tools.diagrams.decisions import TABLES
from tools.diagrams.drawing import ENGLISH
from tools.diagrams.english import LABELS
from tools.diagrams.factory import exchange_refund
from tools.diagrams.factory import factory_repair
from tools.diagrams.intake import service_request
from tools.diagrams.onsite import onsite_repair

DIAGRAMS = [
    service_request,
    onsite_repair,
    factory_repair,
    exchange_refund,
    complaint,
    satisfaction_survey,
    follow_up,
    contract_renewal,
    customer_visit,
    installation,
    product_call,
    corrective_action,
    customer_survey,
]


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "processes"
    written = [make().write(target) for make in DIAGRAMS] + [table().write(target) for table in TABLES]
    for path in written:
        print(path)
    print(write_catalogue(written, target / "translations" / "en.po"))


# The texts of a diagram a page may show: names, labels, option names, the names of choices.
SHOWN = re.compile(r'(?:name|label)="([^"]*)"|<camunda:property id="choices" value="([^"]*)"')
COLUMN = re.compile(r'<camunda:property id="column\.[^"]*" value="([^"]*)"')


def column_texts(spec: str) -> list[str]:
    """A rows column's label and its options' names (``enum|类别|options=a:名,b:名``)."""
    parts = unescape(spec).split("|")
    texts = parts[1:2]
    for part in parts[2:]:
        if part.startswith("options="):
            texts += [option.partition(":")[2] for option in part[len("options=") :].split(",")]
    return texts


def write_catalogue(files: list[Path], path: Path) -> Path:
    """The English catalogue of every Chinese text the diagrams show; a text without English
    is an error, so a new label cannot ship untranslated."""
    wanted: set[str] = set(ENGLISH)  # the instructions and the names drawn in two languages
    for file in files:
        for match in SHOWN.finditer(file.read_text(encoding="utf-8")):
            name, choices = match.groups()
            texts = choices.split("|") if choices else [unescape(name or "")]
            wanted.update(text for text in texts if re.search(r"[\u3400-\u9fff]", text))
        for match in COLUMN.finditer(file.read_text(encoding="utf-8")):
            wanted.update(text for text in column_texts(match.group(1)) if re.search(r"[\u3400-\u9fff]", text))
    english = {**LABELS, **ENGLISH}
    missing = sorted(wanted - set(english))
    if missing:
        raise SystemExit(f"no English for: {', '.join(missing)} (add them to tools/diagrams/english.py)")
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# English of the shipped processes; message ids are the Chinese texts of the diagrams.",
        "# Written by `make diagrams` (tools/diagrams); owners of other diagrams add entries by hand.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: en\\n"',
        "",
    ]
    for text in sorted(wanted):
        lines += [f"msgid {_quoted(text)}", f"msgstr {_quoted(english[text])}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    main()
