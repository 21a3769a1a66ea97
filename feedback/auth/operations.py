"""Account changes."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select

from feedback.db import db
from feedback.models import Role, User

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
    user = User(email=email.strip().lower(), role=role, name=name, session_nonce=secrets.token_hex(8))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)
