"""The customer master's pages: list and search, a customer's record, its forms, the import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.authz import require
from engine.domain.customer_master import AGREEMENT_KINDS
from engine.domain.customer_master import AGREEMENT_NAMES
from engine.domain.customer_master import KIND_NAMES
from engine.domain.customer_master import KINDS
from engine.domain.customer_master import SCOPE
from engine.domain.customer_master import SCOPE_NAMES
from engine.domain.customer_master import ZONE_NAMES
from engine.domain.customer_master import ZONES
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.messages import Message
from engine.services import care
from engine.services import customers
from webapp import engine_context
from webapp.i18n import flash_invalid
from webapp.pages.auth import login_required

bp = Blueprint("customers", __name__, url_prefix="/customers")
CHOICES = {
    "kinds": KINDS, "zones": ZONES, "agreement_kinds": AGREEMENT_KINDS, "scope": SCOPE,
    "kind_names": KIND_NAMES, "zone_names": ZONE_NAMES, "agreement_names": AGREEMENT_NAMES, "scope_names": SCOPE_NAMES,
}  # fmt: skip


def _page_number() -> int:
    page = request.args.get("page", "")
    return int(page) if page.isdigit() else 1


def _list(problems: list[Any] | None = None, status: int = 200) -> tuple[str, int]:
    q, kind = request.args.get("q") or None, request.args.get("kind") or None
    page = _page_number()
    found, total = customers.list_customers(engine_context(), g.actor, q, kind if kind in KINDS else None, page)
    pages = max(1, -(-total // customers.PAGE_SIZE))
    return render_template(
        "customers/index.html", customers=found, total=total, page=page, pages=pages, args=dict(request.args),
        problems=problems or [], may_keep=can(g.actor, Permission.MANAGE_CUSTOMERS), **CHOICES,
    ), status  # fmt: skip


@bp.get("/")
@login_required
def index() -> tuple[str, int]:
    return _list()


@bp.post("/import")
@login_required
def import_file() -> tuple[str, int] | Response:
    require(g.actor, Permission.MANAGE_CUSTOMERS)  # before reading the upload
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidData({"file": Message("choose a .csv or .xlsx file")})
        result = customers.import_customers(engine_context(), g.actor, upload.filename, upload.read())
    except InvalidRows as err:
        flash(_("Nothing was imported: the file has %(count)s problems.", count=len(err.problems)), "error")
        return _list(err.problems, 422)
    except InvalidData as err:
        flash_invalid(err)
        return _list(status=422)
    flash(
        _(
            "%(added)s customers added, %(updated)s updated; %(units)s archive units tied to their customer.",
            added=result.added, updated=result.updated, units=result.units_tied,
        ),
        "success",
    )  # fmt: skip
    return redirect(url_for("customers.index"))


@bp.get("/visits")
@login_required
def visits() -> str:
    """The planned visits: each engineer's ahead, and every customer's next one falling due."""
    calendar = care.care_calendar(engine_context(), g.actor)
    return render_template("customers/visits.html", calendar=calendar, **CHOICES)


@bp.get("/lookup.json")
@login_required
def lookup() -> Response:
    """Who the caller may be (the intake form fills in their details from the chosen one)."""
    found = customers.find_callers(engine_context(), g.actor, request.args.get("q"))
    return jsonify(
        [
            {
                "id": c.customer_id, "code": c.code, "name": c.name, "kind": c.kind, "contact": c.contact,
                "phone": c.phone, "email": c.email, "address": c.address,
                "url": url_for("customers.show", customer_id=c.customer_id),
            }
            for c in found
        ]
    )  # fmt: skip


def _form(template: str, values: dict[str, Any], errors: dict[str, Any], status: int = 200, **more: Any) -> Any:
    return render_template(template, values=values, errors=errors, **CHOICES, **more), status


@bp.get("/new")
@login_required
def new() -> Any:
    require(g.actor, Permission.MANAGE_CUSTOMERS)
    return _form("customers/form.html", {"class": "ordinary"}, {}, customer_id=None)


@bp.post("/new")
@login_required
def create() -> Any:
    values = request.form.to_dict()
    try:
        customer_id = customers.save_customer(engine_context(), g.actor, None, values)
    except InvalidData as err:
        return _form("customers/form.html", values, err.errors, 422, customer_id=None)
    flash(_("Customer saved."), "success")
    return redirect(url_for("customers.show", customer_id=customer_id))


@bp.get("/<int:customer_id>")
@login_required
def show(customer_id: int) -> str:
    record = customers.customer_file(engine_context(), g.actor, customer_id)
    return render_template(
        "customers/show.html", record=record, values={}, errors={}, part=None,
        may_keep=can(g.actor, Permission.MANAGE_CUSTOMERS), **CHOICES,
    )  # fmt: skip


@bp.get("/<int:customer_id>/edit")
@login_required
def edit(customer_id: int) -> Any:
    require(g.actor, Permission.MANAGE_CUSTOMERS)
    customer = customers.customer_file(engine_context(), g.actor, customer_id).customer
    values = {"code": customer.code, "name": customer.name, "class": customer.kind, "notes": customer.notes or ""}
    return _form("customers/form.html", values, {}, customer_id=customer_id)


@bp.post("/<int:customer_id>/edit")
@login_required
def update(customer_id: int) -> Any:
    values = request.form.to_dict()
    try:
        customers.save_customer(engine_context(), g.actor, customer_id, values)
    except InvalidData as err:
        return _form("customers/form.html", values, err.errors, 422, customer_id=customer_id)
    flash(_("Customer saved."), "success")
    return redirect(url_for("customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/<any(site, contact, agreement):part>")
@login_required
def add(customer_id: int, part: str) -> Any:
    """Add or change a site, a contact or an agreement; a refused form is shown again as typed."""
    values = request.form.to_dict()
    values["scope"] = ", ".join(request.form.getlist("scope"))
    try:
        customers.add_part(engine_context(), g.actor, customer_id, values)
    except InvalidData as err:
        flash_invalid(err)
        record = customers.customer_file(engine_context(), g.actor, customer_id)
        return render_template(
            "customers/show.html", record=record, values=values, errors=err.errors, part=part, may_keep=True,
            **CHOICES,
        ), 422  # fmt: skip
    flash(_("Customer saved."), "success")
    return redirect(url_for("customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/<any(site, contact, agreement):part>/<int:part_id>/remove")
@login_required
def remove(customer_id: int, part: str, part_id: int) -> Response:
    customers.remove_part(engine_context(), g.actor, customer_id, part, part_id)
    flash(_("Removed."), "success")
    return redirect(url_for("customers.show", customer_id=customer_id))
