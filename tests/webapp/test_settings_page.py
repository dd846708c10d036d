"""The service settings page: an owner changes a promise, mistakes come back with what was
typed, every version says who changed what and why, and a stale form cannot overwrite."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def typed(page_fields: dict[str, str], **changes: str) -> dict[str, str]:
    return {**page_fields, **changes}


def fields_of(client: Any) -> dict[str, str]:
    """The form as shown: every input's value and every select's chosen option."""
    page = client.get("/settings/service").get_data(as_text=True)
    begin = page.index('id="settings">')
    form = page[begin : page.index("</form>", begin)]
    values = {
        name: value
        for tag, name, value in re.findall(r'(<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>)', form)
        if 'type="checkbox"' not in tag or " checked" in tag
    }
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form):
        chosen = re.search(r'<option value="([^"]+)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_an_owner_changes_a_promise_and_the_version_names_the_change(app, make_user) -> None:
    make_user("li", "process_owner")
    client = app.test_client()
    sign_in(client, "li")
    shown = fields_of(client)
    assert (shown["terms.forward.amount"], shown["terms.forward.unit"]) == ("4", "working_hours")  # S2 7.1.3
    assert shown["arrival.bands.1.up_to_km"] == "300" and shown["arrival.bands.3.up_to_km"] == ""
    assert shown["targets.on_time"] == "90"
    saved = client.post(
        "/settings/service",
        data=typed(shown, **{"csrf_token": csrf(client, "/settings/service"), "terms.forward.amount": "2",
                             "note": "tender for the city grid: 2 working hours"}),
    )  # fmt: skip
    assert saved.status_code == 302
    page = client.get("/settings/service").get_data(as_text=True)
    assert fields_of(client)["terms.forward.amount"] == "2"
    history = page[page.index('id="history"') :]
    assert "tender for the city grid" in history and "li" in history
    assert "terms.forward</code>: 4 working_hours → 2 working_hours" in history
    assert history.count("<li>") == 1  # nothing else changed


def test_dispatch_at_registration_is_a_choice_kept_with_the_version(app, make_user) -> None:
    make_user("li", "process_owner")
    client = app.test_client()
    sign_in(client, "li")
    shown = fields_of(client)
    assert "dispatch_at_registration" not in shown  # S2: guidance and a solution come first
    changes = {"csrf_token": csrf(client, "/settings/service"), "dispatch_at_registration": "true", "note": "S0"}
    assert client.post("/settings/service", data=typed(shown, **changes)).status_code == 302
    assert fields_of(client)["dispatch_at_registration"] == "true"
    history = client.get("/settings/service").get_data(as_text=True)
    assert "dispatch_at_registration</code>: False → True" in history


def test_mistakes_are_marked_and_shown_with_what_was_typed(app, make_user) -> None:
    make_user("li", "process_owner")
    client = app.test_client()
    sign_in(client, "li")
    shown = fields_of(client)
    bad = client.post(
        "/settings/service",
        data=typed(shown, **{"csrf_token": csrf(client, "/settings/service"), "terms.dispatch.amount": "soon",
                             "terms.report.amount": "2.5", "arrival.bands.3.up_to_km": "900",
                             "targets.on_time": "abc", "note": ""}),
    )  # fmt: skip
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for name in ("terms-dispatch-amount", "terms-report-amount", "arrival-bands", "targets-on_time", "note"):
        assert f'id="error-{name}"' in page, name
    assert 'value="soon"' in page and 'value="2.5"' in page and 'value="900"' in page
    assert 'id="history"' not in page  # nothing was saved


def test_a_form_filled_before_someone_elses_save_is_refused(app, make_user) -> None:
    make_user("li", "process_owner")
    make_user("root", "admin")
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, "li")
    sign_in(theirs, "root")
    stale = fields_of(mine)
    fresh = fields_of(theirs)
    token = csrf(theirs, "/settings/service")
    assert theirs.post("/settings/service", data={**fresh, "csrf_token": token, "note": "first"}).status_code == 302
    refused = mine.post(
        "/settings/service", data={**stale, "csrf_token": csrf(mine, "/settings/service"), "note": "second"}
    )
    assert refused.status_code == 409 and "其间已保存了第 1 版" in refused.get_data(as_text=True)
    assert 'value="second"' in refused.get_data(as_text=True)  # what was typed is still there


def test_a_contract_with_promises_of_its_own_is_entered_on_the_page(app, make_user) -> None:
    """S4 4.(6), a tender contract's promises for one purchaser: on site within 4 hours, fixed
    within 24; the other terms stay the company's."""
    make_user("li", "process_owner")
    client = app.test_client()
    sign_in(client, "li")
    shown = fields_of(client)
    assert shown["classes.1.label"] == "" and "classes.5.label" not in shown  # four blank classes offered
    contract = {
        "csrf_token": csrf(client, "/settings/service"),
        "classes.1.label": "医院采购合同",
        "classes.1.field": "customer",
        "classes.1.value": "市示例人民医院",
        "classes.1.arrival.amount": "4",
        "classes.1.arrival.unit": "hours",
        "classes.1.terms.fix.amount": "24",
        "classes.1.terms.fix.unit": "hours",
        "note": "S4 tender contract",
    }
    assert client.post("/settings/service", data=typed(shown, **contract)).status_code == 302
    again = fields_of(client)
    assert (again["classes.1.value"], again["classes.1.arrival.amount"], again["classes.1.terms.fix.unit"]) == (
        "市示例人民医院",
        "4",
        "hours",
    )
    assert again["classes.1.terms.contact.amount"] == ""  # left to the company's term
    history = client.get("/settings/service").get_data(as_text=True)
    assert "classes.1.arrival</code>: — → 4 hours" in history
    # A class that names no case field, and one with nothing of its own, are marked.
    bad = {
        "csrf_token": csrf(client, "/settings/service"),
        "based_on": "1",
        "classes.2.label": "重点客户",
        "classes.2.value": "key",
        "classes.2.arrival.amount": "12",
        "classes.2.arrival.unit": "hours",
        "classes.3.label": "空类",
        "classes.3.field": "customer_class",
        "classes.3.value": "ordinary",
        "note": "key customers",
    }
    refused = client.post("/settings/service", data=typed(again, **bad))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="error-classes-2-field"' in page and 'id="error-classes-3-label"' in page
    assert 'value="重点客户"' in page  # what was typed stays


def test_the_working_hours_of_a_day_are_a_setting_and_a_bad_one_is_marked(app, make_user) -> None:
    make_user("li", "process_owner")
    client = app.test_client()
    sign_in(client, "li")
    shown = fields_of(client)
    assert shown["working_hours"] == ""  # the installation's, until the company sets its own
    token = csrf(client, "/settings/service")
    bad = client.post("/settings/service", data=typed(shown, csrf_token=token, working_hours="8-12", note="shifts"))
    assert bad.status_code == 422 and 'id="error-working_hours"' in bad.get_data(as_text=True)
    shifts = typed(shown, csrf_token=token, working_hours="13:00-17:00, 08:00-12:00", note="shifts")
    assert client.post("/settings/service", data=shifts).status_code == 302
    assert fields_of(client)["working_hours"] == "08:00-12:00, 13:00-17:00"  # in the order of the day
