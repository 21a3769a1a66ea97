"""Personal links (invitations, reminders, follow-ups): random tokens of which only the SHA-256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

#: The alphabet and length of `new_link_token`; anything else is not looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def new_link_token() -> str:
    """192 random bits, URL-safe: the part of a personal link that makes it personal."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_link_token(value: str | None) -> bool:
    """Shaped like a token of `new_link_token`: anything else is never looked up nor carried in a page."""
    return bool(value) and _TOKEN.fullmatch(value) is not None
