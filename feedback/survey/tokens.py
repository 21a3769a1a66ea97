"""The public form's own anti-forgery token.

Flask-WTF's session-bound CSRF token expires (one hour by default) and needs a cookie: the most common way
surveys lose answers. This token is signed, bound to one session's code, valid for SURVEY_TOKEN_MAX_AGE
(a day and a half by default), and carries a random nonce that becomes the response's UNIQUE dedup key.
Cross-site posts are stopped by the Origin / Sec-Fetch-Site check in the view.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "survey-form-v1"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


@dataclass(frozen=True)
class FormToken:
    session_code: str
    nonce: str


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign_for_session(session_code: str, *, salt: str, **extra: str) -> str:
    """A cookie-less signed token bound to one session's public code (each use has its own salt)."""
    return _serializer(salt).dumps({"s": session_code, **extra})


def load_for_session(token: str, session_code: str, *, salt: str) -> dict:
    """The token's data; TokenExpired after SURVEY_TOKEN_MAX_AGE, TokenInvalid if forged or for another session."""
    if not token or len(token) > 300:
        raise TokenInvalid
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config["SURVEY_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise TokenExpired from exc
    except BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or data.get("s") != session_code:
        raise TokenInvalid
    return data


def issue_token(session_code: str, *, salt: str = SALT) -> str:
    """The form's token; the follow-up questionnaire's form has its own salt, so neither stands in for the other."""
    return sign_for_session(session_code, salt=salt, n=secrets.token_urlsafe(18))


def read_token(token: str, session_code: str, *, salt: str = SALT) -> FormToken:
    data = load_for_session(token, session_code, salt=salt)
    if not isinstance(data.get("n"), str):
        raise TokenInvalid
    return FormToken(session_code=data["s"], nonce=data["n"])
