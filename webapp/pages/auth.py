"""Sign-in and sign-out for staff; loads the signed-in actor on every request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from engine.services import users
from webapp import engine_context
from webapp.redirects import local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


@bp.before_app_request
def load_actor() -> Response | None:
    user_id, epoch = session.get("user_id"), session.get("epoch")
    signed_in = isinstance(user_id, int) and isinstance(epoch, int)
    g.actor = users.actor_by_id(engine_context(), user_id, epoch) if signed_in else None
    if g.actor is not None and session.get("must_change") and request.endpoint not in PASSWORD_CHANGE_ALLOWS:
        return redirect(url_for("admin.password"))
    return None


# After an administrator's reset the user may do nothing but choose a new password (or leave).
PASSWORD_CHANGE_ALLOWS = {"admin.password", "auth.logout", "i18n.switch", "static", "home.healthz"}


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.actor is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        limiter = current_app.extensions["login_limiter"]
        address = request.remote_addr or "?"
        if limiter.blocked(form.username.data, address):
            flash(_("Too many failed sign-ins. Wait a few minutes and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        actor = users.authenticate(engine_context(), form.username.data, form.password.data)
        if actor is None:
            limiter.failed(form.username.data, address)
            flash(_("Wrong user name or password."), "error")
            return render_template("auth/login.html", form=form), 401
        limiter.succeeded(form.username.data, address)
        session.clear()
        session["user_id"] = actor.user_id
        session["epoch"] = users.session_epoch(engine_context(), actor)
        if users.must_change_password(engine_context(), actor):
            session["must_change"] = True
            flash(_("Your password was reset by an administrator: choose a new one."), "error")
            return redirect(url_for("admin.password"))
        return redirect(local_path(request.args.get("next")) or url_for("inbox.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if g.actor is not None:
        users.end_sessions(engine_context(), g.actor)
    session.clear()
    return redirect(url_for("auth.login"))
