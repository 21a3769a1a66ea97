"""Accounts: the admins' pages (accounts, audit log), and the links sent by e-mail to choose a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.accounts import operations, queries
from feedback.accounts.forms import AuditFilterForm, ChoosePasswordForm, ForgotPasswordForm, InviteForm, RoleForm
from feedback.audit import ACTION_LABELS
from feedback.auth import throttle
from feedback.auth.access import roles_required
from feedback.auth.forms import ConfirmForm
from feedback.auth.operations import PasswordRejected
from feedback.db import db
from feedback.extensions import limiter
from feedback.labels import ROLE_LABELS
from feedback.mail import send_batch
from feedback.models import Role, TokenPurpose, User

bp = Blueprint("accounts", __name__)

admins_only = roles_required(Role.ADMIN)


def _get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _send(mail: operations.AccountMail) -> str | None:
    """Send one account e-mail (after the commit that stored its link); the French reason when it did not leave."""
    result = send_batch([mail.message])
    if result.sent:
        return None
    return result.error or "le serveur de messagerie a refusé l'adresse"


def _send_later(app, mail: operations.AccountMail):
    def send() -> None:
        with app.app_context():
            problem = _send(mail)
            if problem:  # for the admins' log; the visitor was told nothing that depends on the account
                app.logger.warning("password reset e-mail for user %s not sent: %s", mail.user_id, problem)

    return send


# -- admins: accounts --------------------------------------------------------------------------------------------


@bp.get("/admin/accounts")
@admins_only
def users():
    """Every account: role, state (active, deactivated, invitation waiting), and what can be done with it."""
    return render_template(
        "accounts/users.html",
        rows=queries.account_rows(),
        role_labels=ROLE_LABELS,
        role_form=RoleForm(),
        confirm=ConfirmForm(),
    )


@bp.route("/admin/accounts/invite", methods=["GET", "POST"])
@admins_only
def invite():
    """Invite someone by e-mail: they choose their password through a single-use link."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            mail = operations.invite(form.email.data, Role(form.role.data), form.name.data or "", current_user)
        except operations.AccountRefused as refused:
            db.session.rollback()
            form.email.errors.append(str(refused))
        else:
            db.session.commit()  # the link is stored before the e-mail leaves
            problem = _send(mail)
            if problem:
                flash(f"Compte créé, mais l'invitation n'est pas partie ({problem}) : renvoyez-la plus tard.", "error")
            else:
                flash(f"Invitation envoyée à {mail.email}.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/invite.html", form=form), 422 if form.errors else 200


@bp.post("/admin/accounts/<int:user_id>/resend")
@admins_only
def resend_invitation(user_id: int):
    user = _get_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            mail = operations.resend_invitation(user, current_user)
        except operations.AccountRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            problem = _send(mail)
            flash(
                f"L'invitation n'est pas partie ({problem})." if problem else "Invitation renvoyée.",
                "error" if problem else "success",
            )
    return redirect(url_for("accounts.users"))


@bp.post("/admin/accounts/<int:user_id>/role")
@admins_only
def change_role(user_id: int):
    user = _get_user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            operations.change_role(user, Role(form.role.data), current_user)
        except operations.AccountRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(f"{user.email} : {ROLE_LABELS[user.role]}.", "success")
    else:
        flash("Rôle inconnu : rien n'a changé.", "error")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/accounts/<int:user_id>/deactivate")
@admins_only
def deactivate(user_id: int):
    """The account can no longer log in; its open sessions end at once."""
    user = _get_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.deactivate(user, current_user)
        except operations.AccountRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(f"{user.email} est désactivé : ses sessions ouvertes sont fermées.", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/accounts/<int:user_id>/reactivate")
@admins_only
def reactivate(user_id: int):
    user = _get_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        operations.reactivate(user, current_user)
        db.session.commit()
        flash(f"{user.email} est réactivé.", "success")
    return redirect(url_for("accounts.users"))


# -- admins: audit log -------------------------------------------------------------------------------------------


@bp.get("/admin/audit")
@admins_only
def audit_log():
    """Who exported what, who changed a questionnaire, a quote or an account: newest first, filtered, paged."""
    form = AuditFilterForm(request.args)
    users_list = queries.user_choices()
    actions = sorted(set(queries.audit_actions()) | set(ACTION_LABELS))
    form.user.choices = [("", "Tous les comptes")] + [(str(user_id), email) for user_id, email in users_list]
    form.action.choices = [("", "Toutes les actions")] + [(a, ACTION_LABELS.get(a, a)) for a in actions]
    raw_user = request.args.get("user", "")
    user_id = int(raw_user) if raw_user.isdigit() and len(raw_user) < 12 else None
    action = request.args.get("action", "")
    action = action if action in actions else None
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
    result = queries.audit_page(user_id=user_id, action=action, page=page)
    filters = {key: value for key, value in (("user", user_id), ("action", action)) if value}
    return render_template("accounts/audit.html", form=form, result=result, labels=ACTION_LABELS, filters=filters)


# -- links sent by e-mail ----------------------------------------------------------------------------------------


def _choose_password(token: str, purpose: TokenPurpose, template: str):
    """The page of an invitation or reset link: opening it spends nothing, the password chosen spends it."""
    try:
        link = operations.find_link(token, purpose)
    except operations.LinkUnusable:
        return render_template("accounts/link_unusable.html", purpose=purpose.value), 410
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = operations.choose_password(token, purpose, form.password.data)
        except PasswordRejected as rejected:
            db.session.rollback()
            form.password.errors.append(str(rejected))
        except operations.LinkUnusable:
            db.session.rollback()
            return render_template("accounts/link_unusable.html", purpose=purpose.value), 410
        else:
            db.session.commit()
            throttle.clear_account(user.email)
            flash("Mot de passe enregistré : connectez-vous avec votre adresse et ce mot de passe.", "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template(template, form=form, user=link.user, role_labels=ROLE_LABELS), status


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, TokenPurpose.INVITATION, "accounts/accept_invitation.html")


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, TokenPurpose.RESET, "accounts/reset_password.html")


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a reset link: the same answer whether an account has this address or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        mail = operations.request_reset(form.email.data)
        db.session.commit()
        response = make_response(render_template("accounts/forgot_password.html", form=None, sent=True))
        if mail is not None:
            # Sent once the answer has left: its timing does not tell either whether the account exists.
            response.call_on_close(_send_later(current_app._get_current_object(), mail))
        return response
    return render_template("accounts/forgot_password.html", form=form, sent=False), 422 if form.errors else 200
