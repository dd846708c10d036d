"""The quality manager's views: dashboard and workbook, approvals and breach registers,
where cases wait, product archive (docs/quality.md). Read by QUALITY_READERS only."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain import failure_cost
from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.messages import Message
from engine.domain.periods import Period
from engine.domain.periods import local_today
from engine.domain.periods import recent_quarters
from engine.domain.periods import reporting_period
from engine.domain.task_rules import KIND_LABELS
from engine.services import approvals
from engine.services import breaches
from engine.services import kpis
from engine.services import products
from webapp import engine_context
from webapp.exports import csv_download
from webapp.exports import xlsx_download
from webapp.i18n import flash_invalid
from webapp.i18n import translate
from webapp.pages.auth import login_required

bp = Blueprint("quality", __name__, url_prefix="/quality")
PAGE = 50


# The product archive is open to more people than the rest of the quality pages.
ARCHIVE_PAGES = {
    "quality.product_list", "quality.product_page", "quality.nameplate", "quality.nameplate_labels",
    "quality.customer_page",
}  # fmt: skip


@bp.before_request
def readers_only() -> None:
    if g.actor is not None:
        archive = request.endpoint in ARCHIVE_PAGES and request.method == "GET"
        require(g.actor, Permission.READ_ARCHIVE if archive else Permission.READ_QUALITY)


def _period() -> Period:
    return reporting_period(
        engine_context().config.timezone, request.args.get("from") or None, request.args.get("to") or None
    )


def _period_args() -> dict[str, str]:
    return {k: request.args[k] for k in ("from", "to") if request.args.get(k)}


def _approval_filter() -> approvals.ApprovalFilter:
    args = request.args
    return approvals.ApprovalFilter(
        period=_period(),
        process=args.get("process") or None,
        approver=args.get("approver") or None,
        decision=args.get("decision") or None,
    )


@bp.get("/approvals")
@login_required
def approval_register() -> str | tuple[str, int]:
    args = {k: v for k, v in request.args.items() if k != "page"}
    try:
        filters = _approval_filter()
        found = approvals.list_approvals(engine_context(), g.actor, filters)
    except InvalidData as err:  # the filters come back as typed, with the reason
        flash_invalid(err)
        return render_template("quality/approvals.html", approvals=[], total=0, page=1, pages=1, args=args), 422
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * PAGE : page * PAGE]
    return render_template(
        "quality/approvals.html",
        approvals=shown,
        total=len(found),
        page=page,
        pages=pages,
        args=args,
    )


def _approval_table(found: list[approvals.Approval]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Case"),
        _("Process"),
        _("Version"),
        _("Step in"),
        _("Task"),
        _("Decision"),
        _("Comment"),
        _("Amount"),
        _("Who"),
        _("Role"),
        _("On behalf of"),
        _("When"),
        _("Separation of duties"),
        _("Against the product archive"),
    ]
    rows = [
        [
            a.case_number,
            a.process,
            a.version,
            a.step_process,
            a.task,
            a.decision,
            a.comment,
            a.amount,
            a.actor,
            a.role,
            a.on_behalf_of,
            a.at.astimezone(ZoneInfo(engine_context().config.timezone)).strftime("%Y-%m-%d %H:%M"),
            a.separation,
            a.against_archive,
        ]
        for a in found
    ]
    return header, rows


@bp.get("/approvals.csv")
@login_required
def approvals_csv() -> Response:
    filters = _approval_filter()
    header, rows = _approval_table(approvals.list_approvals(engine_context(), g.actor, filters))
    return csv_download(header, rows, f"approvals-{filters.period.first}-{filters.period.last}.csv")


@bp.get("/approvals.xlsx")
@login_required
def approvals_xlsx() -> Response:
    filters = _approval_filter()
    header, rows = _approval_table(approvals.list_approvals(engine_context(), g.actor, filters))
    return xlsx_download(
        [(_("Approvals"), header, rows)], f"approvals-{filters.period.first}-{filters.period.last}.xlsx"
    )


@bp.get("/")
@login_required
def dashboard() -> str | tuple[str, int]:
    try:
        board = kpis.dashboard(engine_context(), g.actor, _period())
    except InvalidData as err:
        flash_invalid(err)
        return render_template("quality/dashboard.html", board=None, args=_period_args(), policy=kpis.POLICY), 422
    return render_template(
        "quality/dashboard.html",
        board=board,
        args=_period_args(),
        policy=kpis.POLICY,
        cost_kinds=failure_cost.KIND_NAMES,
        quarters=recent_quarters(local_today(engine_context().config.timezone)),
    )


@bp.get("/cases")
@login_required
def cases_behind() -> str:
    """The cases behind one number of the dashboard."""
    metric, bucket = request.args.get("metric", ""), request.args.get("bucket", "")
    ctx = engine_context()
    board = kpis.dashboard(ctx, g.actor, _period())
    found = kpis.cases_of(ctx, g.actor, board.cases_behind(metric, bucket))
    return render_template(
        "quality/cases.html", cases=found, metric=metric, bucket=bucket, board=board, args=_period_args()
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def summary_sheets(board: kpis.Dashboard, register: list[approvals.Approval]) -> list[Any]:
    """The monthly summary workbook: the dashboard's figures, sheet by sheet."""
    ratios = [
        (_("Service on time"), board.on_time, board.target_text("on_time"), board.met("on_time")),
        (_("Satisfaction"), board.satisfaction, board.target_text("satisfaction"), board.met("satisfaction")),
        (
            _("Complaint rate (service at fault)"),
            board.complaint_rate,
            board.target_text("complaint_rate"),
            board.met("complaint_rate"),
        ),
        (_("Survey response rate"), board.surveys.response, "", None),
    ]
    summary = [
        [name, _percent(ratio.value), target, "" if met is None else (_("met") if met else _("missed")),
         ratio.count_hits, ratio.count_all]
        for name, ratio, target, met in ratios
    ]  # fmt: skip
    for name, duration in (
        (_("First response (hours)"), board.first_response),
        (_("Time to resolve (hours)"), board.resolution),
    ):
        summary.append([name, duration.average_hours, "", "", duration.median_hours, len(duration.cases)])
    complaints = [
        [dimension, b.key, b.count, _percent(b.share), _percent(b.cumulative)]
        for dimension, buckets in board.complaints_by.items()
        for b in buckets
    ]
    causes = [
        [dimension, b.key, b.count, _percent(b.share), _percent(b.cumulative)]
        for dimension, buckets in board.causes_by.items()
        for b in buckets
    ]
    items = kpis.POLICY.survey_items
    header, approval_rows = _approval_table(register)
    return [
        (_("Summary"), [_("Figure"), _("Value"), _("Target"), _("Result"), _("Count"), _("Of")], summary),
        (_("Open steps"), [_("Process"), _("Step"), _("Open"), _("Overdue")],
         [[s.process, s.step, s.open, s.overdue] for s in board.steps]),
        (_("Engineers"), [_("Engineer"), _("Surveys"), *items],
         [[board.people.get(e.engineer, e.engineer), e.surveys, *[e.scores.get(item) for item in items]]
          for e in board.engineers]),
        (_("Complaints"), [_("By"), _("Value"), _("Count"), _("Share"), _("Cumulative")], complaints),
        (_("Failure causes"), [_("By"), _("Value"), _("Count"), _("Share"), _("Cumulative")], causes),
        (_("External failure cost"), [_("Month"), *[translate(name) for name in failure_cost.KIND_NAMES.values()],
                                      _("Amount")],
         [[c.month, *[float(c.by_kind.get(kind, 0)) for kind in failure_cost.KINDS], float(c.amount)]
          for c in board.costs]),
        (_("Approvals"), header, approval_rows),
    ]  # fmt: skip


@bp.get("/workbook.xlsx")
@login_required
def workbook() -> Response:
    ctx = engine_context()
    period = _period()
    board = kpis.dashboard(ctx, g.actor, period)
    register = approvals.list_approvals(ctx, g.actor, approvals.ApprovalFilter(period))
    sheets = [
        *summary_sheets(board, register),
        (_("Breaches"), *_breach_table(breaches.list_breaches(ctx, g.actor, period))),
    ]
    return xlsx_download(sheets, f"aftercare-summary-{period.first}-{period.last}.xlsx")


def _breach_table(found: list[breaches.Breach]) -> tuple[list[str], list[list[Any]]]:
    zone = ZoneInfo(engine_context().config.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else _("still open")

    header = [
        _("Breach"), _("Case"), _("Task"), _("Responsible"), _("Due"), _("Done"), _("Working hours late"),
        _("Working days late"), _("Amount (yuan)"), _("Note"),
    ]  # fmt: skip
    rows = [
        [translate(KIND_LABELS.get(b.kind, b.kind)), b.case_number, b.task, b.person, local(b.due_at),
         local(b.done_at), b.late_hours, b.late_days, b.amount, b.note]
        for b in found
    ]  # fmt: skip
    return header, rows


@bp.get("/breaches")
@login_required
def breach_register() -> str | tuple[str, int]:
    try:
        found = breaches.list_breaches(engine_context(), g.actor, _period())
    except InvalidData as err:
        flash_invalid(err)
        return render_template("quality/breaches.html", breaches=[], people=[], kinds={}, args=_period_args()), 422
    return render_template(
        "quality/breaches.html",
        breaches=found,
        people=breaches.by_person(found),
        kinds=KIND_LABELS,
        args=_period_args(),
    )


@bp.get("/breaches.<any(csv, xlsx):kind>")
@login_required
def breaches_export(kind: str) -> Response:
    period = _period()
    header, rows = _breach_table(breaches.list_breaches(engine_context(), g.actor, period))
    name = f"breaches-{period.first}-{period.last}.{kind}"
    return csv_download(header, rows, name) if kind == "csv" else xlsx_download([(_("Breaches"), header, rows)], name)


@bp.get("/waiting")
@login_required
def waiting() -> str | tuple[str, int]:
    """Where cases wait: a process diagram coloured by average waiting time per task."""
    ctx = engine_context()
    keys = kpis.diagram_keys(ctx, g.actor)
    key = request.args.get("process") or (keys[0] if keys else "")
    try:
        steps = kpis.waiting_by_step(ctx, g.actor, key, _period()) if key else []
    except InvalidData as err:
        flash_invalid(err)
        return render_template("quality/waiting.html", keys=keys, key=key, steps=[], xml="", marks={}, notes={},
                               args=_period_args()), 422  # fmt: skip
    xml = kpis.live_diagram(ctx, g.actor, key) if key in keys else ""
    marks = {s.bpmn_id: f"wait-{s.level}" for s in steps}
    late = _("late")
    notes = {
        s.bpmn_id: f"{s.average_hours} h" + (f" · {s.breach_share * 100:.0f}% {late}" if s.breach_share else "")
        for s in steps
    }
    return render_template(
        "quality/waiting.html", keys=keys, key=key, steps=steps, xml=xml, marks=marks, notes=notes, args=_period_args()
    )


def _archive_search() -> tuple[str | None, int]:
    """The archive list's search text and page, as the list and its label sheet read them."""
    page = request.args.get("page", "")
    return request.args.get("q") or None, int(page) if page.isdigit() else 1


@bp.get("/products")
@login_required
def product_list() -> str:
    q, page = _archive_search()
    found, total = products.list_units(engine_context(), g.actor, q, page)
    pages = max(1, -(-total // products.PAGE_SIZE))
    return render_template(
        "quality/products.html", units=found, total=total, page=page, pages=pages, args=dict(request.args),
        problems=[], may_import=can(g.actor, Permission.IMPORT_PRODUCTS),
        nameplates=bool(engine_context().config.public_url),
    )  # fmt: skip


@bp.post("/products")
@login_required
def product_import() -> str | tuple[str, int] | Response:
    require(g.actor, Permission.IMPORT_PRODUCTS)  # before reading the upload
    upload = request.files.get("file")
    ctx = engine_context()
    try:
        if upload is None or not upload.filename:
            raise InvalidData({"file": Message("choose a .csv or .xlsx file")})
        count = products.import_units(ctx, g.actor, upload.filename, upload.read())
    except (InvalidRows, InvalidData) as err:
        problems = err.problems if isinstance(err, InvalidRows) else []
        if isinstance(err, InvalidData):
            flash_invalid(err)
        else:
            flash(_("Nothing was imported: the file has %(count)s problems.", count=len(problems)), "error")
        found, total = products.list_units(ctx, g.actor, None, 1)
        return render_template(
            "quality/products.html", units=found, total=total, page=1, pages=1, args={}, problems=problems,
            may_import=True, nameplates=False,
        ), 422  # fmt: skip
    flash(_("%(count)s products imported.", count=count), "success")
    return redirect(url_for("quality.product_list"))


@bp.get("/products/labels")
@login_required
def nameplate_labels() -> str:
    """A printable sheet of nameplate labels: the units of the archive page the user was on."""
    q, page = _archive_search()
    plates, total = products.nameplate_sheet(engine_context(), g.actor, q, page)
    codes = [(plate, base64.b64encode(plate.png).decode("ascii")) for plate in plates]
    return render_template("quality/labels.html", codes=codes, total=total, page=page, args=dict(request.args))


@bp.get("/products/<serial>")
@login_required
def product_page(serial: str) -> str:
    ctx = engine_context()
    archive = products.unit_archive(ctx, g.actor, serial)
    return render_template("quality/product.html", archive=archive, nameplates=bool(ctx.config.public_url))


@bp.get("/products/<serial>/nameplate.png")
@login_required
def nameplate(serial: str) -> Response:
    png = products.nameplate_qr(engine_context(), g.actor, serial)
    return Response(png, mimetype="image/png", headers={"Content-Disposition": f'inline; filename="{serial}.png"'})


@bp.get("/customers/<path:customer>")
@login_required
def customer_page(customer: str) -> str:
    archive = products.customer_archive(engine_context(), g.actor, customer)
    return render_template("quality/customer.html", archive=archive)
