"""Pictures of the shipped diagrams for docs/processes.md, drawn by bpmn-js in headless Chromium.

Usage: python -m tools.render_diagrams [OUT_DIR]   (needs ``make assets`` first)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tools.browser import chromium
from tools.browser import show_diagram
from tools.browser import viewer_page

ROOT = Path(__file__).resolve().parents[1]
BOUNDS = re.compile(r'<dc:Bounds x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"')


def extent(xml: str) -> tuple[int, int]:
    """Width and height the diagram interchange spans, with a margin."""
    right = bottom = 0
    for x, y, width, height in BOUNDS.findall(xml):
        right, bottom = max(right, int(x) + int(width)), max(bottom, int(y) + int(height))
    return right + 60, bottom + 60


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "processes"
    out.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for path in sorted((ROOT / "processes").glob("*.bpmn")):
            xml = path.read_text(encoding="utf-8")
            width, height = extent(xml)
            page = viewer_page(browser, width, height)
            result = show_diagram(page, xml)
            if result["warnings"]:
                raise SystemExit(f"{path.name}: {result['warnings']}")
            target = out / f"{path.stem}.png"
            page.locator("#canvas").screenshot(path=str(target))
            page.close()
            print(target)


if __name__ == "__main__":
    main()
