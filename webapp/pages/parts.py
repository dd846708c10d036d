"""The parts ledger (S2 11.3–11.5): what every part number did on service trips, and its moves."""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request

from engine.domain.parts_stock import KINDS
from engine.services import parts
from webapp import engine_context
from webapp.pages.auth import login_required

bp = Blueprint("parts", __name__, url_prefix="/parts")


@bp.get("/")
@login_required
def index() -> str:
    q = request.args.get("q", "").strip()[:60]
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    found, total = parts.parts_overview(engine_context(), g.actor, q, number)
    pages = max(1, -(-total // parts.PAGE_SIZE))
    return render_template(
        "parts/index.html", parts=found, kinds=KINDS, total=total, page=number, pages=pages, args={"q": q} if q else {}
    )


@bp.get("/<path:part_no>")
@login_required
def part(part_no: str) -> str:
    lines = parts.part_ledger(engine_context(), g.actor, part_no)
    return render_template("parts/part.html", part_no=part_no, lines=lines)
