"""Staff accounts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from feedback.db import Model, UTCDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    COMMUNICATION = "communication"
    TRAINER = "trainer"


class User(UserMixin, Model):  # type: ignore[misc]  # flask_login ships no types: UserMixin is Any
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the login identifier.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=True, length=20, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    #: Not a column: the key of the login session this object was loaded for (auth/operations.py), which the
    #: session cookie and the "remember me" cookie carry.
    login_key = None  # type: str | None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the account and its login session, never the account alone."""
        if not self.login_key:
            raise RuntimeError("A login needs a login session first: auth.operations.start_login_session(user).")
        return f"{self.id}:{self.login_key}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def can_read_all_scores(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class LoginSession(Model):
    """One login of an account, on one device: its cookies are worth something only while this row exists.

    Logging out deletes the row, so a copy of the cookie taken before opens nothing afterwards; « se déconnecter
    partout », a new password and deactivation delete every row of the account. Only the SHA-256 of the key that
    the cookies carry is stored: a copy of the database opens no session.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 (hex) of the random key in the cookies.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The login ends then at the latest, even with "remember me" (LOGIN_SESSION_MAX_AGE_DAYS).
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
