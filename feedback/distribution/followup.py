"""The thank-you page's form for the follow-up questionnaire: its own signed token, bound to the session's code.

The survey blueprint is exempt from the staff CSRF check (participants have no login session); like the
questionnaire's token (survey/tokens.py), this one needs no cookie and lasts SURVEY_TOKEN_MAX_AGE. Its own salt
keeps the two apart: neither can stand in for the other.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from feedback.survey.tokens import TokenExpired, TokenInvalid

SALT = "followup-contact-v1"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_followup_token(session_code: str) -> str:
    return _serializer().dumps({"s": session_code})


def check_followup_token(token: str, session_code: str) -> None:
    """Raise TokenExpired or TokenInvalid unless the token was issued for this session's thank-you page."""
    if not token or len(token) > 300:
        raise TokenInvalid
    try:
        data = _serializer().loads(token, max_age=current_app.config["SURVEY_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise TokenExpired from exc
    except BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or data.get("s") != session_code:
        raise TokenInvalid
