"""Kiosk links: one tablet at the door collects a whole room's responses in a row (the survey area's kiosk mode).

The kiosk link is signed for one session (a staff member takes it from the session's page): a participant cannot
turn an ordinary phone into a kiosk, which would let one phone answer again and again where the questionnaire asks
for one answer per device. A staff-only link would need a staff login on the tablet, and a tablet handed round the
room must never carry one. The link lasts KIOSK_LINK_MAX_AGE, long enough for a conference of several days.
Shared below the areas: the scores area's session page gives the link, the survey area checks it.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "survey-kiosk-v1"
KIOSK_LINK_MAX_AGE = 7 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign_kiosk(session_code: str) -> str:
    """The signed part of a session's kiosk link."""
    return _serializer().dumps({"s": session_code})


def is_kiosk(token: str | None, session_code: str) -> bool:
    """A genuine, unexpired kiosk signature for this session (anything else: the ordinary form)."""
    if not token or len(token) > 200:
        return False
    try:
        data = _serializer().loads(token, max_age=KIOSK_LINK_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(data, dict) and data.get("s") == session_code


def kiosk_url(session_code: str) -> str:
    """The kiosk link, from the configured base URL (never the request's Host header)."""
    return f"{current_app.config['BASE_URL']}/s/{session_code}/borne?k={sign_kiosk(session_code)}"
