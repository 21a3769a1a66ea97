"""What stops a script flooding the public form without ever stopping a room behind one address.

A plenary answers on the venue's Wi-Fi: hundreds of phones share one public address, so the address alone
cannot tell a crowd from a script. What a script cannot fake cheaply is what each response needs:

- a blank form, carrying a signed single-use token (feedback/form_tokens.py; one response per token, UNIQUE in the
  database): SURVEY_FORM_RATE_LIMIT counts the forms handed to one address for one session, at a level a
  plenary never reaches (a 500-person room loads about 500 in its 2 minutes);
- time: a response sent less than SURVEY_MIN_ANSWER_SECONDS after its form was given is refused;
- a field hidden from people (not shown, not announced, not tabbable) that form-filling scripts fill in.

SURVEY_SUBMIT_RATE_LIMIT (the view's decorator) stays as a high per-address ceiling against raw floods. The
counters live in Flask-Limiter's storage (RATELIMIT_STORAGE_URI), shared with its other limits.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from feedback.extensions import limiter
from feedback.form_page import HONEYPOT_FIELD
from feedback.form_tokens import FormToken


def take_blank_form(session_code: str) -> bool:
    """Count one more form (a new token) handed to this address for this session; False once over the limit."""
    if not limiter.enabled:
        return True
    address = get_remote_address()
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "retours"
    try:
        # Every window is counted, even after one refused: a script cannot wait out the short one to fill the long one.
        taken = [
            limiter.limiter.hit(item, prefix, "survey-form", session_code, address)
            for item in parse_many(current_app.config["SURVEY_FORM_RATE_LIMIT"])
        ]
    except Exception:  # the counters' storage is down: people still get their form (the other checks stand)
        current_app.logger.exception("the blank-form counter could not be reached")
        return True
    return all(taken)


def is_too_fast(token: FormToken) -> bool:
    """Sent sooner after its form was given than any person can read and answer it."""
    least = current_app.config["SURVEY_MIN_ANSWER_SECONDS"]
    age = token.age()
    return bool(least) and age is not None and age < least


def filled_honeypot(formdata) -> bool:
    """The field people never see was filled in: a script filling every input it finds."""
    return bool((formdata.get(HONEYPOT_FIELD) or "").strip())
