"""The dashboard page, its drill-down and the monthly workbook on the known month."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from engine.store.models import User
from tests import quality_month
from tests.actors import SYSTEM
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.webapp.test_pages import sign_in

PERIOD = f"from={quality_month.FROM}&to={quality_month.TO}"


@pytest.fixture
def month(ctx, staff, start):  # noqa: F811
    with ctx.uow(write=True) as uow:  # people are shown by name, not by the name they sign in with
        uow.connection.execute(update(User).where(User.username == "wang").values(display_name="王工"))
        uow.commit()
    return quality_month.build(ctx, staff, start)


@pytest.fixture
def manager(app, month):
    client = app.test_client()
    sign_in(client, "quality_manager")
    return client


def test_the_quality_pages_on_the_known_month(manager, month, ctx) -> None:
    """One build of the month (the slow part) for every page that reads it."""
    check_the_dashboard_shows_the_figures_against_their_targets(manager, month, ctx)
    check_the_workbook_holds_the_dashboards_figures(manager, month, ctx)
    check_the_breach_register_page_and_its_exports(manager, month, ctx)
    check_where_cases_wait_colours_the_diagram_by_waiting_time(manager, month, ctx)
    check_a_number_opens_the_cases_behind_it(manager, month, ctx)


def check_the_dashboard_shows_the_figures_against_their_targets(manager, month, ctx) -> None:
    page = manager.get(f"/quality/?{PERIOD}").get_data(as_text=True)
    on_time = page.split('id="kpi-on_time"')[1].split("</article>")[0]
    assert "50.0%" in on_time and "未达标" in on_time and ">1</a> / 2" in on_time
    satisfaction = page.split('id="kpi-satisfaction"')[1].split("</article>")[0]
    assert "87.5%" in satisfaction and 'class="ok">达标' in satisfaction
    assert "50.0%" in page.split('id="kpi-complaint_rate"')[1].split("</article>")[0]
    assert "0.94" in page.split('id="kpi-first_response"')[1].split("</article>")[0]
    assert "¥2,920.00" in page and 'data-bucket="after_sales"' in page
    department = page.split('data-bucket="after_sales">')[1].split("</text>")[0]
    assert department.endswith(">售后服务")  # the bar is named by the option's name, not its id
    assert '<tr data-engineer="wang"><td>王工</td>' in page  # by the engineer's name
    causes = page.split('id="causes-cause"')[1].split("</figure>")[0]
    assert 'data-bucket="assembly"' in causes and ">装配</text>" in causes and "2 · 100.0%" in causes
    march = page.split('<tr data-month="2026-03">')[1].split("</tr>")[0]
    assert ">1,720.00</a>" in march.split('data-kind="trips"')[1] and ">2,920.00</a>" in march


def check_a_number_opens_the_cases_behind_it(manager, month, ctx) -> None:
    from engine.services import cases

    page = manager.get(f"/quality/cases?metric=on_time&bucket=missed&{PERIOD}").get_data(as_text=True)
    assert 'id="case-total">1<' in page and cases.get_case(ctx, SYSTEM, month.b).number in page
    cost = manager.get(f"/quality/cases?metric=costs&bucket=2026-03&{PERIOD}").get_data(as_text=True)
    assert cases.get_case(ctx, SYSTEM, month.d).number in cost


def check_the_workbook_holds_the_dashboards_figures(manager, month, ctx) -> None:
    response = manager.get(f"/quality/workbook.xlsx?{PERIOD}")
    assert (
        response.status_code == 200
        and "aftercare-summary-2026-03-01-2026-04-30.xlsx" in response.headers["Content-Disposition"]
    )
    book = load_workbook(io.BytesIO(response.data))
    summary = [[cell.value for cell in row] for row in book["概要"].iter_rows(min_row=2)]
    assert summary[0][:6] == ["服务及时率", "50.0%", "≥ 90%", "未达标", 1, 2]
    assert summary[1][:6] == ["满意度", "87.5%", "≥ 85%", "达标", 7, 8]
    assert summary[2][:6] == ["投诉率（服务责任）", "50.0%", "< 3%", "未达标", 1, 2]
    assert summary[3][:6] == ["调查答复率", "100.0%", None, None, 2, 2]  # A and B rated, none closed unanswered
    assert summary[4][1] == 0.94 and summary[4][4] == 0.75
    engineers = [[cell.value for cell in row] for row in book["工程师评价"].iter_rows(min_row=2)]
    assert engineers == [["王工", 2, 2.5, 3, 3, 3]]
    costs = [[cell.value for cell in row] for row in book["外部损失"].iter_rows(min_row=2)]
    # Month, trips, parts, factory hours, replaced goods, refunds, complaint measures, total.
    assert costs == [["2026-03", 1720, 0, 0, 0, 0, 1200, 2920]]
    causes = [[cell.value for cell in row] for row in book["故障原因"].iter_rows(min_row=2)]
    assert causes == [["cause", "assembly", 2, "100.0%", "100.0%"], ["department", "production", 2, "100.0%", "100.0%"]]
    assert book["审批"].max_row > 1


def test_a_bad_period_is_shown_back(app, staff) -> None:  # noqa: F811
    manager = app.test_client()
    sign_in(manager, "quality_manager")
    response = manager.get("/quality/?from=2026-04-30&to=2026-03-01")
    assert response.status_code == 422 and 'value="2026-04-30"' in response.get_data(as_text=True)


def check_the_breach_register_page_and_its_exports(manager, month, ctx) -> None:
    page = manager.get(f"/quality/breaches?{PERIOD}").get_data(as_text=True)
    assert 'id="breach-total">2<' in page and "到达现场超时" in page and "出差报告超时" in page and "18.0" in page
    people = page.split('id="people"')[1].split("</table>")[0]
    assert "<td>wang</td><td>2</td>" in people
    text = manager.get(f"/quality/breaches.csv?{PERIOD}").data.decode("utf-8-sig")
    arrival, report = text.splitlines()[1:3]
    assert arrival.startswith("到达现场超时,") and ",wang,2026-03-03 13:00,2026-03-03 14:00,0.5," in arrival
    assert report.startswith("出差报告超时,") and ",wang,2026-03-06 15:00,2026-03-11 09:00,18.0," in report
    book = load_workbook(io.BytesIO(manager.get(f"/quality/workbook.xlsx?{PERIOD}").data))
    assert [cell.value for cell in book["违规记录"][2]][3] == "wang"


def check_where_cases_wait_colours_the_diagram_by_waiting_time(manager, month, ctx) -> None:
    page = manager.get(f"/quality/waiting?process=onsite_repair&{PERIOD}").get_data(as_text=True)
    assert 'id="waiting-diagram"' in page
    rows = {
        row.split('data-step="')[1].split('"')[0]: row
        for row in page.split('id="waits"')[1].split("</table>")[0].split("<tr ")[1:]
    }
    # The trip reports waited 23 h (A: 3 Mar 10:00 → 4 Mar 09:00) and 7 days 18 h (B: 3 Mar
    # 15:00 → 11 Mar 09:00): the longest wait of the diagram, and one of the two was late.
    trip = rows["trip_report"]
    assert 'class="wait-3"' in trip and "<td>2</td>" in trip and "<td>50%</td>" in trip
    assert f"<td>{(23 + 7 * 24 + 18) / 2}</td>" in trip
    assert 'class="wait-1"' in rows["prepare"]
