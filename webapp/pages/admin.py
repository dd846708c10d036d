"""User administration (role admin) and each user's own profile with API tokens."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain.errors import InvalidData
from engine.domain.roles import ROLES
from engine.services import users
from webapp import engine_context
from webapp.pages.auth import login_required

bp = Blueprint("admin", __name__)


@bp.get("/admin/users")
@login_required
def user_list() -> str:
    return render_template("admin/users.html", found=users.list_users(engine_context(), g.actor))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new() -> tuple[str, int] | str | Response:
    users.list_users(engine_context(), g.actor)  # refuses non-admins before showing the form
    values = {"username": "", "display_name": "", "roles": []}
    if request.method == "POST":
        values = {
            "username": request.form.get("username", "").strip(),
            "display_name": request.form.get("display_name", "").strip(),
            "roles": request.form.getlist("roles"),
        }
        try:
            created = users.add_user(
                engine_context(),
                g.actor,
                password=request.form.get("password", ""),
                **values,  # type: ignore[arg-type]  # the form's text fields, by parameter name
            )
        except InvalidData as err:
            flash(_("Please correct the marked fields."), "error")
            return render_template("admin/user_form.html", values=values, errors=err.errors, roles=ROLES), 422
        flash(_("User %(name)s created.", name=created.username), "success")
        return redirect(url_for("admin.user_list"))
    return render_template("admin/user_form.html", values=values, errors={}, roles=ROLES)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int) -> tuple[str, int] | str | Response:
    ctx = engine_context()
    user = users.get_user(ctx, g.actor, user_id)
    if request.method == "POST":
        chosen, active = request.form.getlist("roles"), request.form.get("active") == "true"
        try:
            user = users.update_user(ctx, g.actor, user_id, chosen, active)
        except InvalidData as err:
            flash(_("Please correct the marked fields."), "error")
            return render_template(
                "admin/user_edit.html", user=user, chosen=chosen, errors=err.errors, roles=ROLES
            ), 422
        flash(_("User %(name)s saved.", name=user.username), "success")
        return redirect(url_for("admin.user_list"))
    return render_template("admin/user_edit.html", user=user, chosen=user.roles, errors={}, roles=ROLES)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str:
    token = None
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:80] or "web"
        token = users.create_token(engine_context(), g.actor, g.actor.username, name)
    return render_template("admin/profile.html", token=token)
