"""The questionnaire's page as a participant sees it, rendered for the public form and for the builder's preview.

One template and one set of values, so that the preview is the real form: the public form (survey area) adds its
token, its refusals and the personal link; the preview gives a sample session.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from feedback.answers import field_name
from feedback.questionnaire_structure import questions_of

#: The hidden field's name: plain enough for a form-filling script to fill it, unknown to browsers' autofill.
HONEYPOT_FIELD = "website_url"


def render_form_page(
    session: Any,
    *,
    token: str,
    submitted: MultiDict | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    invitation: str | None = None,
    kiosk: str | None = None,
) -> str:
    """The questionnaire of `session` (a session, or any object with its attributes), with what was sent shown back."""
    return render_template(
        "survey/form.html",
        session=session,
        questionnaire=session.questionnaire,
        questions=questions_of(session.questionnaire),
        token=token,
        honeypot=HONEYPOT_FIELD,
        submitted=submitted or MultiDict(),
        errors=errors or {},
        notice=notice,
        field_name=field_name,
        english=str(get_locale()) == "en",
        # The personal link's token rides along in a hidden field; only a stored response spends it.
        invitation=invitation,
        # Kiosk mode (feedback/kiosk_links.py): the link's signature rides along too; nothing kept for the next person.
        kiosk=kiosk,
    )
