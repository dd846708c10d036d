"""Every shipped diagram opens in bpmn-js (the viewer bundle built by make assets) in Chromium."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.processes.test_shipped_diagrams import BPMN
from tests.processes.test_shipped_diagrams import DIAGRAMS
from tests.processes.test_shipped_diagrams import FLOW_ELEMENTS
from tools.browser import show_diagram
from tools.browser import viewer_page


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_the_diagram_imports_without_warnings_and_draws_every_element(browser, path) -> None:
    xml = path.read_text(encoding="utf-8")
    page = viewer_page(browser)
    try:
        result = show_diagram(page, xml)
    finally:
        page.close()
    assert result["warnings"] == []
    root = etree.fromstring(xml.encode())
    elements = {
        el.get("id")
        for el in root.iter()
        if etree.QName(el).namespace == BPMN and etree.QName(el).localname in FLOW_ELEMENTS
    }
    assert elements - set(result["drawn"]) == set()
