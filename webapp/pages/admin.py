"""User administration (role admin) and each user's own profile with API tokens."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain.errors import InvalidData
from engine.domain.roles import ROLES
from engine.domain.staff_notices import EMAIL_LABELS
from engine.domain.staff_notices import SMS_OFF
from engine.domain.staff_notices import SMS_URGENT
from engine.services import message_templates
from engine.services import outbox
from engine.services import printed_forms
from engine.services import users
from webapp import engine_context
from webapp.pages.auth import login_required
from webapp.redirects import local_path

bp = Blueprint("admin", __name__)


@bp.get("/admin/users")
@login_required
def user_list() -> str:
    return render_template("admin/users.html", found=users.list_users(engine_context(), g.actor))


@bp.get("/admin/outbox")
@login_required
def outbox_list() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found, total = outbox.list_messages(engine_context(), g.actor, page)
    pages = max(1, -(-total // outbox.PAGE_SIZE))
    return render_template("admin/outbox.html", found=found, total=total, page=page, pages=pages, args={})


@bp.post("/admin/outbox/<int:message_id>/resend")
@login_required
def outbox_resend(message_id: int) -> Response:
    outbox.resend_message(engine_context(), g.actor, message_id)
    flash(_("The message is due again: the worker sends it on its next pass."), "success")
    return redirect(url_for("admin.outbox_list"))


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
            return _user_edit_page(user, chosen, err.errors, {}), 422
        flash(_("User %(name)s saved.", name=user.username), "success")
        return redirect(url_for("admin.user_list"))
    return _user_edit_page(user, user.roles, {}, {})


@bp.post("/admin/users/<int:user_id>/password")
@login_required
def user_password(user_id: int) -> tuple[str, int] | Response:
    """Reset: a temporary password the user must change at the next sign-in."""
    ctx = engine_context()
    try:
        user = users.reset_password(
            ctx, g.actor, user_id, request.form.get("new", ""), request.form.get("repeated", "")
        )
    except InvalidData as err:
        flash(_("Please correct the marked fields."), "error")
        user = users.get_user(ctx, g.actor, user_id)
        return _user_edit_page(user, user.roles, {}, err.errors), 422
    flash(_("Password of %(name)s reset; they choose a new one at the next sign-in.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


def _user_edit_page(
    user: users.UserInfo, chosen: list[str], errors: dict[str, str], reset_errors: dict[str, str]
) -> str:
    tokens = users.list_tokens(engine_context(), g.actor, user.id)
    return render_template(
        "admin/user_edit.html", user=user, chosen=chosen, errors=errors, reset_errors=reset_errors, roles=ROLES,
        tokens=tokens,
    )  # fmt: skip


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> tuple[str, int] | str:
    ctx = engine_context()
    token, errors, status = None, {}, 200  # type: ignore[var-annotated]
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:80] or "web"
        token = users.create_token(ctx, g.actor, g.actor.username, name)
    user = users.own_account(ctx, g.actor)
    values = {
        "email": user.email or "",
        "mobile": user.mobile or "",
        "email_notices": user.email_notices,
        "language": user.language,
        "sms_notices": user.sms_notices,
    }
    return _profile_page(user, values, errors, token), status


@bp.post("/profile/contact")
@login_required
def contact() -> tuple[str, int] | Response:
    ctx = engine_context()
    values = {name: request.form.get(name, "") for name in ("email", "mobile", "email_notices", "language")}
    values["sms_notices"] = SMS_URGENT if request.form.get("sms_notices") == SMS_URGENT else SMS_OFF
    try:
        users.update_contact(
            ctx,
            g.actor,
            int(g.actor.user_id or 0),
            values["email"],
            values["mobile"],
            values["email_notices"] or None,
            values["language"] or None,
            values["sms_notices"],
        )
    except InvalidData as err:
        flash(_("Please correct the marked fields."), "error")
        return _profile_page(users.own_account(ctx, g.actor), values, err.errors), 422
    flash(_("Contact details saved."), "success")
    return redirect(url_for("admin.profile"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def password() -> tuple[str, int] | str | Response:
    ctx = engine_context()
    if request.method == "POST":
        form = request.form
        try:
            epoch = users.change_password(
                ctx, g.actor, form.get("current", ""), form.get("new", ""), form.get("repeated", "")
            )
        except InvalidData as err:
            flash(_("Please correct the marked fields."), "error")
            return render_template("admin/password.html", errors=err.errors), 422
        session["epoch"] = epoch  # this session stays signed in; every other one ends
        session.pop("must_change", None)
        flash(_("Password changed. Your other sessions are signed out."), "success")
        return redirect(url_for("admin.profile"))
    return render_template("admin/password.html", errors={})


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    name = users.revoke_token(engine_context(), g.actor, token_id)
    flash(_("Token %(name)s revoked.", name=name), "success")
    return redirect(local_path(request.form.get("next")) or url_for("admin.profile"))


def _profile_page(
    user: users.UserInfo, values: dict[str, str], errors: dict[str, str], token: str | None = None
) -> str:
    tokens = users.list_tokens(engine_context(), g.actor, user.id)
    return render_template(
        "admin/profile.html",
        user=user,
        values=values,
        errors=errors,
        token=token,
        tokens=tokens,
        email_choices=EMAIL_LABELS,
    )


@bp.get("/admin/templates")
@login_required
def template_list() -> str:
    return render_template("admin/templates.html", found=message_templates.list_templates(engine_context(), g.actor))


@bp.route("/admin/templates/<template_key>/<language>", methods=["GET", "POST"])
@login_required
def template_edit(template_key: str, language: str) -> tuple[str, int] | str | Response:
    """Reword one message: preview fills it in with sample values; save keeps it."""
    ctx = engine_context()
    state = message_templates.template(ctx, g.actor, template_key, language)
    values = {"subject": state.wording.subject, "body": state.wording.body}
    shown, errors = None, {}
    if request.method == "POST":
        values = {"subject": request.form.get("subject", ""), "body": request.form.get("body", "")}
        saving = request.form.get("action") == "save"
        try:
            if saving:
                message_templates.save_template(ctx, g.actor, template_key, language, values["subject"], values["body"])
                flash(_("Saved: the next message of this kind uses it."), "success")
                return redirect(url_for("admin.template_edit", template_key=template_key, language=language))
            shown = message_templates.preview(ctx, g.actor, template_key, language, values["subject"], values["body"])
        except InvalidData as err:
            flash(_("Please correct the marked fields."), "error")
            errors = err.errors
            return _template_page(state, values, errors, None), 422
    return _template_page(state, values, errors, shown)


def _template_page(
    state: message_templates.TemplateState, values: dict[str, str], errors: dict[str, str], shown: object
) -> str:
    return render_template("admin/template_edit.html", state=state, values=values, errors=errors, shown=shown)


@bp.post("/admin/templates/<template_key>/<language>/reset")
@login_required
def template_reset(template_key: str, language: str) -> Response:
    if message_templates.reset_template(engine_context(), g.actor, template_key, language):
        flash(_("The shipped wording is back in force."), "success")
    return redirect(url_for("admin.template_edit", template_key=template_key, language=language))


@bp.get("/admin/forms")
@login_required
def form_list() -> str:
    return render_template("admin/forms.html", found=printed_forms.form_wordings(engine_context(), g.actor))


@bp.route("/admin/forms/<form_key>", methods=["GET", "POST"])
@login_required
def form_edit(form_key: str) -> tuple[str, int] | str | Response:
    """A printed form's template: preview it as a PDF with sample values, save it."""
    ctx = engine_context()
    wording = printed_forms.form_wording(ctx, g.actor, form_key)
    source = wording.source
    if request.method == "POST":
        source = request.form.get("source", "")
        try:
            if request.form.get("action") == "preview":
                pdf = printed_forms.preview_form(ctx, g.actor, form_key, source)
                return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": "inline"})
            printed_forms.save_form_wording(ctx, g.actor, form_key, source)
        except InvalidData as err:
            return render_template("admin/form_edit.html", wording=wording, source=source, errors=err.errors), 422
        flash(_("Saved: the next print of this form uses it."), "success")
        return redirect(url_for("admin.form_edit", form_key=form_key))
    return render_template("admin/form_edit.html", wording=wording, source=source, errors={})


@bp.post("/admin/forms/<form_key>/reset")
@login_required
def form_reset(form_key: str) -> Response:
    if printed_forms.reset_form_wording(engine_context(), g.actor, form_key):
        flash(_("The shipped form prints again."), "success")
    return redirect(url_for("admin.form_edit", form_key=form_key))
