"""Account changes, and the login sessions that the cookies point to."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from feedback.db import affected_rows, db, utcnow
from feedback.models import LoginSession, Role, User

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
#: Refused whatever the case, and with digits or punctuation added at the end ("Password123!").
COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


class PasswordRejected(ValueError):
    pass


def check_password_strength(password: str, *, email: str = "") -> None:
    """8 to 128 characters (a 64-character passphrase is welcome), not a common password, not the address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"Le mot de passe ne peut dépasser {MAX_PASSWORD_LENGTH} caractères.")
    lowered = password.lower()
    core = lowered.rstrip("0123456789!?.*_-@#$%&+= ")
    if lowered in COMMON_PASSWORDS or core in COMMON_PASSWORDS or len(set(lowered)) < 3:
        raise PasswordRejected("Ce mot de passe est trop courant ; choisissez-en un autre.")
    local_part = email.strip().lower().partition("@")[0]
    if email and (lowered == email.strip().lower() or (len(local_part) >= 4 and core == local_part)):
        raise PasswordRejected("Le mot de passe ne doit pas reprendre l'adresse e-mail.")


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, role: Role, password: str, *, name: str = "") -> User:
    check_password_strength(password, email=email)
    user = User(email=email.strip().lower(), role=role, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)


# -- login sessions ----------------------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_login_session(user: User, now: datetime | None = None) -> str:
    """A new login session for the account (login_user() then puts its key in the cookies); returns the key."""
    now = now or utcnow()
    # The account's logins that have expired go at the same time: the table holds live logins only.
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_dt <= now))
    key = secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["LOGIN_SESSION_MAX_AGE_DAYS"])
    db.session.add(LoginSession(user_id=user.id, key_hash=_key_hash(key), created_dt=now, expires_dt=now + lifetime))
    db.session.flush()
    user.login_key = key
    return key


def load_logged_in_user(cookie_id: str, now: datetime | None = None) -> User | None:
    """The account of a cookie ("user id:key"), while its login session exists and has not expired; else None."""
    user_id, _, key = cookie_id.partition(":")
    if not user_id.isdigit() or not key or len(key) > 100:
        return None
    login = db.session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user))  # one query per request, as before
        .where(
            LoginSession.key_hash == _key_hash(key),
            LoginSession.user_id == int(user_id),
            LoginSession.expires_dt > (now or utcnow()),
        )
    )
    if login is None or not login.user.is_active_account:
        return None
    login.user.login_key = key
    return login.user


def end_login_session(user: User) -> None:
    """This login ends on the server: its cookies, or any copy of them, open nothing any more."""
    if user.login_key:
        db.session.execute(delete(LoginSession).where(LoginSession.key_hash == _key_hash(user.login_key)))
        user.login_key = None


def end_all_login_sessions(user: User) -> int:
    """Every login of the account ends, on every device (« se déconnecter partout »); returns how many."""
    ended = affected_rows(db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)))
    user.login_key = None
    return ended


def open_login_sessions(user: User) -> list[LoginSession]:
    """The account's live logins, newest first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_dt > utcnow())
            .order_by(LoginSession.created_dt.desc(), LoginSession.id.desc())
        )
    )


def is_current_login(login: LoginSession, user: User) -> bool:
    return user.login_key is not None and user.login_key != "" and login.key_hash == _key_hash(user.login_key)
