"""The settings pages, each save a new version with its reason: the company's promises, targets
and penalties (process owners and administrators) and the fee table (finance)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine.domain.errors import Conflict
from engine.domain.errors import InvalidData
from engine.domain.fee_table import RULE_CLAUSES
from engine.domain.fee_table import RULE_NAMES
from engine.domain.fee_table import SKILL_NAMES
from engine.domain.fee_table import WORK_NAMES
from engine.domain.fee_table import FeeTable
from engine.domain.fee_table import parse_price_list
from engine.domain.fee_table import price_list_text
from engine.domain.service_settings import CLASS_TERMS
from engine.domain.service_settings import PENALTIES
from engine.domain.service_settings import TERMS
from engine.domain.service_settings import UNITS
from engine.domain.service_settings import ZONES
from engine.services import fees as fee_service
from engine.services import service_settings
from webapp import engine_context
from webapp.i18n import translate
from webapp.pages.auth import login_required

bp = Blueprint("settings", __name__, url_prefix="/settings")

BAND_ROWS = 6  # distance bands the form offers (blank rows are left out)
CLASS_ROWS = 4  # classes of cases with their own promises the form offers (blank ones are left out)
TARGETS = ("on_time", "satisfaction", "complaint_rate")


def _note_and_base(form: MultiDict[str, str]) -> tuple[str, int]:
    """The reason for the change and the version the form was filled from."""
    return form.get("note", ""), int(form.get("based_on") or 0)


def _saved(
    save: Callable[[], int], again: Callable[[dict[str, Any]], str], done: Callable[[int], str], endpoint: str
) -> tuple[str, int] | Response:
    """Save a versioned setting: the form again with every problem, or with the news that someone
    saved meanwhile (nothing typed is lost); else back to the page with the version saved."""
    try:
        version = save()
    except InvalidData as err:
        flash(_("Please correct the marked fields."), "error")
        return again(err.errors), 422
    except Conflict as err:
        flash(translate(err.args[0]), "error")
        return again({}), 409
    flash(done(version), "success")
    return redirect(url_for(endpoint))


@bp.route("/service", methods=["GET", "POST"])
@login_required
def service() -> tuple[str, int] | str | Response:
    ctx = engine_context()
    version, settings = service_settings.current_settings(ctx, g.actor)
    if request.method == "POST":
        form = request.form
        return _saved(
            lambda: service_settings.save_settings(ctx, g.actor, body_of(form), *_note_and_base(form)),
            lambda errors: _page(version, form, errors),
            lambda saved: _("Service settings saved as version %(version)s.", version=saved),
            "settings.service",
        )
    return _page(version, form_of(settings.as_json()), {})


def _page(version: int, values: MultiDict[str, str] | dict[str, str], errors: dict[str, str]) -> str:
    history = service_settings.settings_history(engine_context(), g.actor)
    return render_template(
        "settings/service.html",
        version=version,
        values=values,
        errors=errors,
        terms=TERMS,
        units=UNITS,
        zones=ZONES,
        penalties=PENALTIES,
        band_rows=BAND_ROWS,
        class_rows=CLASS_ROWS,
        class_terms=CLASS_TERMS,
        targets=TARGETS,
        history=history,
    )


def body_of(form: MultiDict[str, str]) -> dict[str, Any]:
    """The settings as typed: blank amounts are no promise (a term) or no row (a band); targets
    are entered in per cent."""

    def term(prefix: str) -> dict[str, str] | None:
        amount = form.get(f"{prefix}.amount", "").strip()
        return {"amount": amount, "unit": form.get(f"{prefix}.unit", "")} if amount else None

    bands = []
    for row in range(1, BAND_ROWS + 1):
        typed = term(f"arrival.bands.{row}")
        if typed:
            bands.append({**typed, "up_to_km": form.get(f"arrival.bands.{row}.up_to_km", "").strip() or None})
    classes = []
    for row in range(1, CLASS_ROWS + 1):
        prefix = f"classes.{row}"
        named = {key: form.get(f"{prefix}.{key}", "").strip() for key in ("label", "field", "value")}
        terms = {name: term(f"{prefix}.terms.{name}") for name in CLASS_TERMS}
        arrival = term(f"{prefix}.arrival")
        hours = form.get(f"{prefix}.working_hours", "").strip() or None
        week = {"true": True, "false": False}.get(form.get(f"{prefix}.six_day_week", ""))
        if any(named.values()) or any(terms.values()) or arrival or hours or week is not None:
            classes.append({**named, "terms": terms, "arrival": arrival, "working_hours": hours, "six_day_week": week})
    return {
        "classes": classes,
        "terms": {name: term(f"terms.{name}") for name in TERMS},
        "arrival": {"bands": bands, "zones": {zone: term(f"arrival.zones.{zone}") for zone in ZONES}},
        "targets": {name: _share(form.get(f"targets.{name}", "")) for name in TARGETS},
        "penalties": {name: form.get(f"penalties.{name}", "").strip() for name in PENALTIES},
        "six_day_week": form.get("six_day_week") == "true",
        "working_hours": form.get("working_hours", "").strip() or None,
        "dispatch_at_registration": form.get("dispatch_at_registration") == "true",
        "reminders": {name: term(f"reminders.{name}") for name in ("due_soon", "escalate_after")},
    }


def form_of(body: dict[str, Any]) -> dict[str, str]:
    """The saved settings as the form's fields (the inverse of ``body_of``)."""
    values: dict[str, str] = {}
    for name, term in body["terms"].items():
        if term:
            values[f"terms.{name}.amount"], values[f"terms.{name}.unit"] = str(term["amount"]), term["unit"]
    for row, band in enumerate(body["arrival"]["bands"], start=1):
        values[f"arrival.bands.{row}.amount"], values[f"arrival.bands.{row}.unit"] = str(band["amount"]), band["unit"]
        values[f"arrival.bands.{row}.up_to_km"] = "" if band["up_to_km"] is None else str(band["up_to_km"])
    for zone, term in body["arrival"]["zones"].items():
        values[f"arrival.zones.{zone}.amount"], values[f"arrival.zones.{zone}.unit"] = str(term["amount"]), term["unit"]
    for name, share in body["targets"].items():
        values[f"targets.{name}"] = f"{share * 100:g}"
    for name, amount in body["penalties"].items():
        values[f"penalties.{name}"] = f"{amount:g}"
    for row, case_class in enumerate(body.get("classes") or [], start=1):
        prefix = f"classes.{row}"
        for key in ("label", "field", "value"):
            values[f"{prefix}.{key}"] = case_class[key]
        for name, term in [*case_class["terms"].items(), ("arrival", case_class["arrival"])]:
            where = f"{prefix}.arrival" if name == "arrival" else f"{prefix}.terms.{name}"
            if term:
                values[f"{where}.amount"], values[f"{where}.unit"] = str(term["amount"]), term["unit"]
        values[f"{prefix}.working_hours"] = case_class.get("working_hours") or ""
        week = case_class.get("six_day_week")
        values[f"{prefix}.six_day_week"] = "" if week is None else str(bool(week)).lower()
    values["working_hours"] = body.get("working_hours") or ""
    for name, term in (body.get("reminders") or {}).items():
        values[f"reminders.{name}.amount"], values[f"reminders.{name}.unit"] = str(term["amount"]), term["unit"]
    for flag in ("six_day_week", "dispatch_at_registration"):
        if body.get(flag):
            values[flag] = "true"
    return values


def _share(percent: str) -> float | str:
    """90 (per cent) as 0.9; what is not a number is passed on, to be refused by name."""
    try:
        return float(percent) / 100
    except ValueError:
        return percent


TRAVEL_ROWS = 6  # distance bands the fee form offers (blank rows are left out)


@bp.route("/fees", methods=["GET", "POST"])
@login_required
def fees() -> tuple[str, int] | str | Response:
    ctx = engine_context()
    version, table = fee_service.current_fees(ctx, g.actor)
    if request.method == "POST":
        form = request.form
        return _saved(
            lambda: fee_service.save_fees(ctx, g.actor, fee_body_of(form), *_note_and_base(form)),
            lambda errors: _fee_page(version, form, errors),
            lambda saved: _("Fee table saved as version %(version)s.", version=saved),
            "settings.fees",
        )
    return _fee_page(version, fee_form_of(table), {})


def _fee_page(version: int, values: MultiDict[str, str] | dict[str, str], errors: dict[str, Any]) -> str:
    return render_template(
        "settings/fees.html",
        version=version,
        values=values,
        errors=errors,
        works=WORK_NAMES,
        skills=SKILL_NAMES,
        rules=RULE_NAMES,
        clauses=RULE_CLAUSES,
        travel_rows=TRAVEL_ROWS,
        history=fee_service.fee_history(engine_context(), g.actor),
    )


def fee_body_of(form: MultiDict[str, str]) -> dict[str, Any]:
    """The fee table as typed: blank travel rows are no band; the price list one part a line."""
    travel = []
    for row in range(1, TRAVEL_ROWS + 1):
        fee = form.get(f"travel.{row}.fee", "").strip()
        if fee:
            travel.append({"up_to_km": form.get(f"travel.{row}.up_to_km", "").strip() or None, "fee": fee})
    return {
        "labour": {
            work: {skill: form.get(f"labour.{work}.{skill}", "") for skill in SKILL_NAMES} for work in WORK_NAMES
        },
        "travel": travel,
        "rules": {name: form.get(f"rules.{name}", "") for name in RULE_NAMES},
        "parts": parse_price_list(form.get("parts", "")),
    }


def fee_form_of(table: FeeTable) -> dict[str, str]:
    """The table in force as the form's fields (the inverse of ``fee_body_of``)."""
    values = {
        f"labour.{work}.{skill}": str(rate) for work, rates in table.labour.items() for skill, rate in rates.items()
    }
    for row, (limit, fee) in enumerate(table.travel, start=1):
        values[f"travel.{row}.up_to_km"] = "" if limit is None else str(limit)
        values[f"travel.{row}.fee"] = str(fee)
    values.update({f"rules.{name}": f"{value.normalize():f}" for name, value in table.rules.items()})
    values["parts"] = price_list_text(table)
    return values
