"""The thank-you page's form for the follow-up questionnaire: its own signed token, bound to the session's code.

The survey blueprint is exempt from the staff CSRF check (participants have no login session); like the
questionnaire's token (survey/tokens.py), this one needs no cookie and lasts SURVEY_TOKEN_MAX_AGE. Its own salt
keeps the two apart: neither can stand in for the other.
"""

from __future__ import annotations

from feedback.survey.tokens import load_for_session, sign_for_session

SALT = "followup-contact-v1"


def issue_followup_token(session_code: str) -> str:
    return sign_for_session(session_code, salt=SALT)


def check_followup_token(token: str, session_code: str) -> None:
    """Raise TokenExpired or TokenInvalid unless the token was issued for this session's thank-you page."""
    load_for_session(token, session_code, salt=SALT)
