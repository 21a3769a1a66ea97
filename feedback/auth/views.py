"""Login, logout (of this device or of all of them), and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from feedback.auth import throttle
from feedback.auth.forms import ConfirmForm, LoginForm
from feedback.auth.operations import (
    end_all_login_sessions,
    end_login_session,
    get_user_by_email,
    is_current_login,
    open_login_sessions,
    start_login_session,
)
from feedback.db import db
from feedback.extensions import limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_url_for(user) -> str:
    if user.can_read_all_scores:
        return url_for("dashboard.overview")
    return url_for("dashboard.my_sessions")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Staff login; the same message whether the account exists or not."""
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        if throttle.is_blocked(email, request.remote_addr):
            # Said the same way for an account that exists and one that does not; the right password waits too.
            flash(_("Trop de tentatives de connexion : patientez quelques minutes avant de réessayer."), "error")
            return render_template("auth/login.html", form=form), 429
        user = get_user_by_email(email)
        if user is not None and user.is_active and user.check_password(form.password.data):
            throttle.clear_account(email)
            session.clear()  # a fresh session at login: no fixation
            start_login_session(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or home_url_for(user))
        throttle.record_failure(email, request.remote_addr)
        flash(_("Adresse e-mail ou mot de passe incorrect."), "error")
    return render_template("auth/login.html", form=form)


def _forget_this_browser() -> None:
    """Empty the session cookie and delete the "remember me" one."""
    session.clear()
    logout_user()  # after clear(): it leaves the order to delete the "remember me" cookie in the session


@bp.post("/logout")
def logout():
    """End this login on the server: a copy of its cookie taken before opens nothing afterwards."""
    if current_user.is_authenticated:
        end_login_session(current_user)
        db.session.commit()
    _forget_this_browser()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    """The person's own account: who they are, their open logins, and a way to end them all."""
    logins = open_login_sessions(current_user)
    current = {login.id for login in logins if is_current_login(login, current_user)}
    return render_template("auth/account.html", logins=logins, current=current, form=ConfirmForm())


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """« Se déconnecter partout »: every login of the account ends, on this device and on all the others."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    end_all_login_sessions(current_user)
    db.session.commit()
    _forget_this_browser()
    flash(_("Vous êtes déconnecté·e sur tous vos appareils."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    """Staff land on their home page; anyone else on the login page."""
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    return redirect(url_for("auth.login"))
