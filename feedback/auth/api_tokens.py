"""Personal access tokens of the JSON API: made, listed and revoked by their account, checked at each API call.

A token is `rt_` and 40 random URL-safe characters (240 bits): its SHA-256 is stored, and a call finds its row by
that hash through a unique index (no secret is ever compared character by character in Python). Shared by the
account page, the `flask api-token` command and the API area, which all call these functions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from feedback import audit
from feedback.db import db, utcnow
from feedback.models import ApiToken, User

TOKEN_PREFIX = "rt_"  # noqa: S105  (the public start of every token, not a secret)
#: Characters of the token shown in the list of tokens ("rt_" and 8 more).
SHOWN_CHARACTERS = 11
MAX_NAME_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
#: last_used_dt is written at most this often per token: a script polling every second writes no row per call.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenRefused(ValueError):
    """A name or an expiry the account page or the command cannot accept; the message is for the user (French)."""


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    #: The token itself: shown once, never stored.
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def create_api_token(
    user: User, *, name: str, expires_days: int | None = None, now: datetime | None = None
) -> NewToken:
    """A new token for `user`; the caller shows `secret` once (it cannot be read again)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused("Donnez un nom au jeton (par exemple « site web »).")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenRefused(f"Le nom du jeton ne peut dépasser {MAX_NAME_LENGTH} caractères.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenRefused(f"La durée de validité va de 1 à {MAX_EXPIRY_DAYS} jours.")
    now = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:SHOWN_CHARACTERS],
        token_hash=hash_token(secret),
        created_dt=now,
        expires_dt=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", "api_token", token.id, {"name": name, "expires_days": expires_days}, user=user)
    return NewToken(token, secret)


def revoke_api_token(token: ApiToken, *, by: User, now: datetime | None = None) -> None:
    """The token opens nothing from now on (the row stays, so the list and the audit log still name it)."""
    if token.revoked_dt is not None:
        return
    token.revoked_dt = now or utcnow()
    audit.record("api_token.revoke", "api_token", token.id, {"name": token.name}, user=by)
    db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens, the newest first (revoked and expired ones included, marked as such)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_dt.desc(), ApiToken.id.desc())
        )
    )


def get_own_token(user: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def find_usable_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token a request presents, if it may be used now: not revoked, not expired, its account active."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.is_usable_at(now) or not token.user.is_active:
        return None
    return token


def record_use(token: ApiToken, now: datetime | None = None) -> bool:
    """Note when the token was last used (at most once a minute); True when the row changed (the caller commits)."""
    now = now or utcnow()
    if token.last_used_dt is not None and now - token.last_used_dt < LAST_USE_RESOLUTION:
        return False
    token.last_used_dt = now
    return True
