"""Login, logout (of this device or of all of them), and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from feedback.auth import throttle
from feedback.auth.api_tokens import TokenRefused, create_api_token, get_own_token, revoke_api_token, tokens_of
from feedback.auth.forms import ApiTokenForm, ConfirmForm, LoginForm
from feedback.auth.operations import (
    end_all_login_sessions,
    end_login_session,
    get_user_by_email,
    is_current_login,
    open_login_sessions,
    start_login_session,
)
from feedback.db import db, utcnow
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
    return _account_page()


def _account_page(token_form: ApiTokenForm | None = None, new_token: str | None = None, status: int = 200):
    logins = open_login_sessions(current_user)
    current = {login.id for login in logins if is_current_login(login, current_user)}
    page = render_template(
        "auth/account.html",
        logins=logins,
        current=current,
        form=ConfirmForm(),
        token_form=token_form or ApiTokenForm(formdata=None),
        tokens=tokens_of(current_user),
        new_token=new_token,
        now=utcnow(),
    )
    return page, status


@bp.post("/account/api-tokens")
@login_required
def create_token():
    """A new personal access token of the API: shown on this page once, never again (only its hash is kept)."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(form, status=422)
    try:
        new = create_api_token(current_user, name=form.name.data, expires_days=form.expires_days.data)
    except TokenRefused as error:
        form.name.errors.append(str(error))
        return _account_page(form, status=422)
    db.session.commit()
    # Rendered, not redirected: the token must not travel through a flash message in the session cookie.
    return _account_page(new_token=new.secret, status=201)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the account's own tokens (another account's is a 404)."""
    token = get_own_token(current_user, token_id)
    if token is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        revoke_api_token(token, by=current_user)
        db.session.commit()
        flash(_("Le jeton « %(name)s » est révoqué.", name=token.name), "info")
    return redirect(url_for("auth.account"))


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
