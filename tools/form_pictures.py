"""Draw one picture of each printed form for docs/forms/ (``python -m tools.form_pictures``).

Each form is rendered from the fictional values the template editor previews with
(``printed_forms.sample_facts``, no database), through the shipped
template and WeasyPrint, and its first page drawn at 100 dpi with pdfium.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2

from engine.domain import printed_forms
from engine.domain.printed_forms import FormContext
from engine.store.pdf_documents import pdf_of

OUT = Path(__file__).resolve().parents[1] / "docs" / "forms"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    facts = printed_forms.sample_facts()
    zone = ZoneInfo("Asia/Shanghai")
    for number, form in enumerate(printed_forms.FORMS.values(), start=1):
        context = FormContext(
            form, f"{form.prefix}-2026-{number:04d}", "SR-2026-000101", date(2026, 3, 3), facts, {}, zone
        )
        pdf = pypdfium2.PdfDocument(pdf_of(printed_forms.render_html(context)))
        image = pdf[0].render(scale=100 / 72).to_pil()
        image.save(OUT / f"{form.key}.png", optimize=True)
        print(OUT / f"{form.key}.png")


if __name__ == "__main__":
    main()
