"""Account changes."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from feedback.db import db
from feedback.models import Role, User

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "motdepasse",
        "12345678",
        "123456789",
        "azertyuiop",
        "qwertyuiop",
        "password1",
        "11111111",
        "00000000",
        "iloveyou",
        "soleil123",
        "bonjour1",
        "azerty123",
        "admin123",
        "changeme",
        "retours123",
    }
)


class PasswordRejected(ValueError):
    pass


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"Le mot de passe ne peut dépasser {MAX_PASSWORD_LENGTH} caractères.")
    if password.lower() in COMMON_PASSWORDS:
        raise PasswordRejected("Ce mot de passe est trop courant ; choisissez-en un autre.")


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, role: Role, password: str, *, name: str = "") -> User:
    check_password_strength(password)
    user = User(email=email.strip().lower(), role=role, name=name, session_nonce=secrets.token_hex(8))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)
