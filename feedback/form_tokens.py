"""The public form's own anti-forgery token.

Flask-WTF's session-bound CSRF token expires (one hour by default) and needs a cookie: the most common way
surveys lose answers. This token is signed, bound to one session's code, valid for SURVEY_TOKEN_MAX_AGE
(a day and a half by default), and carries a random nonce that becomes the response's UNIQUE dedup key and
the time the participant was first given the form (what the view's minimum answering time is measured from).
Cross-site posts are stopped by the Origin / Sec-Fetch-Site check in the view.
"""

from __future__ import annotations

import math
import secrets
import time
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
    #: When the participant was first given this form (epoch seconds): kept when the form is shown again with a new
    #: token, so a participant sending again at once is not taken for a script. None in tokens from older versions.
    started: float | None = None

    def age(self, now: float | None = None) -> float | None:
        """Seconds since the form was first given; None when unknown."""
        return None if self.started is None else (now or time.time()) - self.started


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign_for_session(session_code: str, *, salt: str, **extra: str | float) -> str:
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


def issue_token(session_code: str, *, salt: str = SALT, started: float | None = None) -> str:
    """The form's token; the follow-up questionnaire's form has its own salt, so neither stands in for the other.

    `started`: the time the form was first given, when it is shown again (by default, now).
    """
    # Tenths of a second, rounded down: a token is never younger than the time it says.
    started = math.floor((time.time() if started is None else started) * 10) / 10
    return sign_for_session(session_code, salt=salt, n=secrets.token_urlsafe(18), t=started)


def read_token(token: str, session_code: str, *, salt: str = SALT) -> FormToken:
    data = load_for_session(token, session_code, salt=salt)
    if not isinstance(data.get("n"), str):
        raise TokenInvalid
    started = data.get("t")
    if not isinstance(started, int | float) or isinstance(started, bool):
        started = None
    return FormToken(session_code=data["s"], nonce=data["n"], started=started)


def renew_token(token: str, session_code: str) -> str:
    """A fresh token for answers kept on a phone while the network was down: the same nonce and start, a new date.

    The nonce stays the response's dedup key, so answers sent before the network dropped (and stored, the reply lost
    on the way back) are still recognised when sent again. Only the date is checked no more: the signature and the
    session still are (TokenInvalid otherwise).
    """
    if not token or len(token) > 300:
        raise TokenInvalid
    try:
        data = _serializer().loads(token)  # no max_age: an expired token of ours is exactly what is renewed
    except BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or data.get("s") != session_code or not isinstance(data.get("n"), str):
        raise TokenInvalid
    return sign_for_session(session_code, salt=SALT, **{k: v for k, v in data.items() if k in ("n", "t")})
