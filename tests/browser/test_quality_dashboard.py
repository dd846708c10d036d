"""The quality manager in Chromium: the dashboard for a chosen period, a figure opened down to
its cases, and the monthly workbook downloaded."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from engine.services import cases
from tests import quality_month
from tests.actors import SYSTEM
from tests.browser.conftest import sign_in
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture


def test_filter_a_period_click_a_figure_to_its_cases_and_download_the_workbook(
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    new_page,
) -> None:
    month = quality_month.build(ctx, staff, start)
    page = new_page(1280, 900)
    sign_in(page, "quality_manager")
    page.click("#nav-quality")
    page.fill('#period input[name="from"]', quality_month.FROM)
    page.fill('#period input[name="to"]', quality_month.TO)
    page.click('#period button[type="submit"]')
    expect(page.locator("#kpi-on_time .kpi-value")).to_have_text("50.0%")
    expect(page.locator("#kpi-satisfaction .kpi-value")).to_have_text("87.5%")
    # The complaint Pareto is drawn by ECharts, bars named by option; a click on a bar opens its cases.
    chart = page.locator('#pareto-department [data-chart][data-rendered="true"]')
    expect(chart.locator("svg text", has_text="售后服务").first).to_be_visible()
    chart.locator('.echart-canvas svg path[fill="#0d6efd"]').first.click()
    expect(page.locator("#behind")).to_be_visible()
    page.go_back()
    page.click("#kpi-on_time .kpi-missed")
    expect(page.locator("#case-total")).to_have_text("1")
    expect(page.locator("#behind")).to_contain_text(cases.get_case(ctx, SYSTEM, month.b).number)
    page.go_back()
    with page.expect_download() as download:
        page.click("#workbook")
    data = download.value.path().read_bytes()
    summary = load_workbook(io.BytesIO(data))["概要"]
    assert [summary.cell(2, column).value for column in (1, 2, 5, 6)] == ["服务及时率", "50.0%", 1, 2]


def test_where_cases_wait_is_drawn_with_colours_and_notes(ctx, staff, start, new_page) -> None:  # noqa: F811
    quality_month.build(ctx, staff, start)
    page = new_page(1400, 900)
    sign_in(page, "quality_manager")
    page.goto(f"/quality/waiting?process=onsite_repair&from={quality_month.FROM}&to={quality_month.TO}")
    page.wait_for_selector('#waiting-diagram[data-rendered="true"]')
    assert "ac-wait-3" in page.get_attribute('g.djs-element[data-element-id="trip_report"]', "class")
    assert "ac-wait-1" in page.get_attribute('g.djs-element[data-element-id="prepare"]', "class")
    expect(page.locator(".ac-note", has_text="104.5 h · 50%")).to_have_count(1)
