"""The thank-you page's form for the follow-up questionnaire: its own signed token, bound to the session's code.

The survey blueprint is exempt from the staff CSRF check (participants have no login session); like the
questionnaire's token (form_tokens.py), this one needs no cookie and lasts SURVEY_TOKEN_MAX_AGE. Its own salt
keeps the two apart: neither can stand in for the other.

The submit of the questionnaire also leaves a cookie for the thank-you page (path /s/<code>/merci) with the
response's submission token, signed: an address left on that page pairs that response with the follow-up answer
(see models.FollowUpContact). Nothing of it is stored with the response but the pairing key.
"""

from __future__ import annotations

from feedback.form_tokens import TokenExpired, TokenInvalid, load_for_session, sign_for_session

SALT = "followup-contact-v1"


def issue_followup_token(session_code: str) -> str:
    return sign_for_session(session_code, salt=SALT)


def check_followup_token(token: str, session_code: str) -> None:
    """Raise TokenExpired or TokenInvalid unless the token was issued for this session's thank-you page."""
    load_for_session(token, session_code, salt=SALT)


#: The thank-you page's cookie naming the response just sent, so that an address left there pairs that response.
SUBMISSION_SALT = "followup-submission-v1"


def submission_cookie_name(session_code: str) -> str:
    return f"sent-{session_code}"


def sign_submission(session_code: str, nonce: str) -> str:
    """The response's submission token, signed: a forged cookie cannot pair an address with someone else's answer."""
    return sign_for_session(session_code, salt=SUBMISSION_SALT, n=nonce)


def read_submission(value: str | None, session_code: str) -> str | None:
    """The submission token in the cookie, or None when there is none, or it is forged, old or for another session."""
    try:
        data = load_for_session(value or "", session_code, salt=SUBMISSION_SALT)
    except (TokenExpired, TokenInvalid):
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) else None
