"""Account changes: invitations, password resets, roles, deactivation. The caller commits, then sends the e-mail.

A link's token is 256 random bits; only its SHA-256 is stored. It works once, until it expires, and a newer link
of the same account makes the older ones unusable. Links are built from BASE_URL, never from the request's Host.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from babel.dates import format_datetime
from flask import current_app
from sqlalchemy import exists, select, update

from feedback import audit
from feedback.auth.operations import check_password_strength, end_all_login_sessions, get_user_by_email
from feedback.db import affected_rows, db, utcnow
from feedback.labels import ROLE_LABELS
from feedback.mail import new_message
from feedback.models import AccountToken, Role, TokenPurpose, User
from feedback.timeutil import local_zone

#: Paths of the links sent by e-mail (routes of accounts.views), joined to BASE_URL.
LINK_PATHS = {TokenPurpose.INVITATION: "/account/invitation/", TokenPurpose.RESET: "/account/reset/"}
#: A new "forgot password" e-mail is not sent while the previous one is this recent (a mailbox is not flooded).
RESET_RESEND_AFTER = timedelta(minutes=2)


class AccountRefused(ValueError):
    """An account change the rules do not allow; the message is for the admin (French)."""


class LinkUnusable(Exception):
    """The link is unknown, already used, expired, or its account was deactivated."""


@dataclass
class AccountMail:
    user_id: int
    email: str
    message: EmailMessage


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke_links(user: User, now: datetime, purpose: TokenPurpose | None = None) -> None:
    """Links not used yet stop working (they expire now)."""
    conditions = [AccountToken.user_id == user.id, AccountToken.used_dt.is_(None), AccountToken.expires_dt > now]
    if purpose is not None:
        conditions.append(AccountToken.purpose == purpose)
    db.session.execute(
        update(AccountToken).where(*conditions).values(expires_dt=now), execution_options={"synchronize_session": False}
    )


def _issue(user: User, purpose: TokenPurpose, now: datetime, created_by: User | None = None) -> str:
    _revoke_links(user, now, purpose)
    config = current_app.config
    if purpose == TokenPurpose.INVITATION:
        lifetime = timedelta(hours=config["ACCOUNT_INVITATION_MAX_AGE_HOURS"])
    else:
        lifetime = timedelta(minutes=config["PASSWORD_RESET_MAX_AGE_MINUTES"])
    token = new_token()
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_dt=now,
            expires_dt=now + lifetime,
            created_by_id=created_by.id if created_by is not None else None,
        )
    )
    db.session.flush()
    return token


def link_for(purpose: TokenPurpose, token: str) -> str:
    """The link of an e-mail: the configured public address, never the Host header of the request."""
    return f"{current_app.config['BASE_URL']}{LINK_PATHS[purpose]}{token}"


def _message(user: User, purpose: TokenPurpose, token: str, now: datetime, invited_by: User | None) -> EmailMessage:
    config = current_app.config
    if purpose == TokenPurpose.INVITATION:
        expires = now + timedelta(hours=config["ACCOUNT_INVITATION_MAX_AGE_HOURS"])
        template, subject = "mail/account_invitation.txt", "Votre compte Retours"
    else:
        expires = now + timedelta(minutes=config["PASSWORD_RESET_MAX_AGE_MINUTES"])
        template, subject = "mail/password_reset.txt", "Retours : choisir un nouveau mot de passe"
    body = current_app.jinja_env.get_template(template).render(
        link=link_for(purpose, token),
        email=user.email,
        role=ROLE_LABELS[user.role],
        invited_by=" ".join((invited_by.name or invited_by.email).split()) if invited_by is not None else None,
        expires=format_datetime(expires, "d MMMM y 'à' HH:mm", tzinfo=local_zone(), locale="fr_FR"),
        signature=parseaddr(config["MAIL_FROM"])[0] or "Retours",
    )
    return new_message(user.email, subject, body)


def is_pending(user: User) -> bool:
    """Invited, and no password chosen yet with any link."""
    invited = db.session.scalar(
        select(exists().where(AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.INVITATION))
    )
    used = db.session.scalar(select(exists().where(AccountToken.user_id == user.id, AccountToken.used_dt.is_not(None))))
    return bool(invited and not used)


# -- invitations ---------------------------------------------------------------------------------------------------


def invite(email: str, role: Role, name: str, admin: User, now: datetime | None = None) -> AccountMail:
    """Create the account (no usable password yet) and its invitation link; an invitation not accepted is renewed."""
    now = now or utcnow()
    email = email.strip().lower()
    user = get_user_by_email(email)
    if user is not None and not is_pending(user):
        raise AccountRefused(f"Un compte existe déjà pour {email}.")
    if user is None:
        user = User(email=email, role=role, name=name)
        # Nobody knows this password: the account is reached through the invitation's link only.
        user.set_password(secrets.token_urlsafe(32))
        db.session.add(user)
        db.session.flush()
    else:
        user.role, user.name, user.is_active_account = role, name or user.name, True
    token = _issue(user, TokenPurpose.INVITATION, now, created_by=admin)
    audit.record("account.invite", "user", user.id, {"email": email, "role": role.value}, user=admin)
    return AccountMail(user.id, user.email, _message(user, TokenPurpose.INVITATION, token, now, admin))


def resend_invitation(user: User, admin: User, now: datetime | None = None) -> AccountMail:
    if not is_pending(user):
        raise AccountRefused("Ce compte a déjà choisi son mot de passe : il n'y a plus d'invitation à renvoyer.")
    if not user.is_active_account:
        raise AccountRefused("Ce compte est désactivé : réactivez-le d'abord.")
    return invite(user.email, user.role, user.name, admin, now)


# -- links: choosing a password ------------------------------------------------------------------------------------


def find_link(token: str | None, purpose: TokenPurpose, now: datetime | None = None) -> AccountToken:
    """The link's row if it can still be used; LinkUnusable otherwise (unknown, used, expired, account off)."""
    now = now or utcnow()
    if not token or len(token) > 100:
        raise LinkUnusable
    link = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose)
    )
    if link is None or link.used_dt is not None or link.expires_dt <= now or not link.user.is_active_account:
        raise LinkUnusable
    return link


def choose_password(token: str, purpose: TokenPurpose, password: str, now: datetime | None = None) -> User:
    """Set the account's password with a link, once: its other links stop working and its sessions end."""
    now = now or utcnow()
    link = find_link(token, purpose, now)
    user = link.user
    check_password_strength(password, email=user.email)
    # Spent in the same statement that checks it: two tabs sending the form at once set one password.
    spent = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == link.id, AccountToken.used_dt.is_(None), AccountToken.expires_dt > now)
        .values(used_dt=now),
        execution_options={"synchronize_session": False},
    )
    if affected_rows(spent) != 1:
        raise LinkUnusable
    user.set_password(password)
    end_all_login_sessions(user)
    _revoke_links(user, now)
    action = "account.activate" if purpose == TokenPurpose.INVITATION else "account.password_reset"
    audit.record(action, "user", user.id, {"email": user.email}, user=user)
    db.session.flush()
    return user


def request_reset(email: str, now: datetime | None = None) -> AccountMail | None:
    """A reset link for an active account; None (and nothing said to the visitor) for any other address."""
    now = now or utcnow()
    user = get_user_by_email(email)
    if user is None or not user.is_active_account:
        return None
    recent = db.session.scalar(
        select(
            exists().where(
                AccountToken.user_id == user.id,
                AccountToken.purpose == TokenPurpose.RESET,
                AccountToken.created_dt > now - RESET_RESEND_AFTER,
            )
        )
    )
    if recent:
        return None
    token = _issue(user, TokenPurpose.RESET, now)
    return AccountMail(user.id, user.email, _message(user, TokenPurpose.RESET, token, now, None))


# -- roles and deactivation ----------------------------------------------------------------------------------------


def change_role(user: User, role: Role, admin: User) -> None:
    if user.id == admin.id:
        raise AccountRefused("Vous ne pouvez pas changer votre propre rôle : demandez-le à un·e autre admin.")
    if user.role == role:
        return
    audit.record(
        "account.role", "user", user.id, {"email": user.email, "from": user.role.value, "to": role.value}, user=admin
    )
    user.role = role
    db.session.flush()


def deactivate(user: User, admin: User, now: datetime | None = None) -> None:
    """The account can no longer log in, and its open sessions end at their next request."""
    if user.id == admin.id:
        raise AccountRefused("Vous ne pouvez pas désactiver votre propre compte.")
    if not user.is_active_account:
        return
    user.is_active_account = False
    end_all_login_sessions(user)
    _revoke_links(user, now or utcnow())
    audit.record("account.deactivate", "user", user.id, {"email": user.email}, user=admin)
    db.session.flush()


def reactivate(user: User, admin: User) -> None:
    if user.is_active_account:
        return
    user.is_active_account = True
    end_all_login_sessions(user)  # none should be left; a session opened before the deactivation never comes back
    audit.record("account.reactivate", "user", user.id, {"email": user.email}, user=admin)
    db.session.flush()
