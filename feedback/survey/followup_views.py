"""The follow-up questionnaire ("évaluation à froid"): /s/suivi/<token>, the personal link of `flask send-followups`.

The questionnaire's own machinery answers it (questionnaire_structure.py, answers.py, operations.py,
templates/survey/form.html); only the link differs: it names a follow-up contact instead of a session's public
code. Opening it spends nothing (mail scanners open links first); the stored answer spends it, once.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from feedback.answers import field_name, parse_survey
from feedback.db import db
from feedback.errors import take_back
from feedback.extensions import csrf, limiter
from feedback.form_tokens import issue_token
from feedback.models import FollowUpContact, Questionnaire
from feedback.personal_links import FollowUpAlreadyAnswered, find_followup_contact, is_followup_link_expired
from feedback.questionnaire_structure import questions_of
from feedback.survey.operations import AlreadySubmitted, submit_followup
from feedback.survey.refusals import SubmitRefused, checked_token
from feedback.survey.views import _submit_limit, posted_form

bp = Blueprint("followup", __name__, url_prefix="/s/suivi")
# Like the questionnaire (survey/views.py): no staff session, its own signed token, cross-site posts refused.
csrf.exempt(bp)

#: The form's token has its own salt: a questionnaire's token cannot stand in for a follow-up's, nor the reverse.
FORM_SALT = "followup-form-v1"


def _autosave_key(contact: FollowUpContact) -> str:
    """Answers kept in the browser apart from those of the same session's first questionnaire."""
    return f"suivi-{contact.session.public_code}"


def _questionnaire(contact: FollowUpContact) -> Questionnaire:
    """The version the link was sent with (`find_followup_contact` finds only contacts that were sent one)."""
    if contact.questionnaire is None:
        raise LookupError(f"follow-up contact {contact.id} was never sent a questionnaire")
    return contact.questionnaire


def _render_form(contact: FollowUpContact, token: str, *, submitted=None, errors=None, notice=None, status=200):
    session, questionnaire = contact.session, _questionnaire(contact)
    return (
        render_template(
            "survey/form.html",
            session=session,
            questionnaire=questionnaire,
            questions=questions_of(questionnaire),
            token=issue_token(session.public_code, salt=FORM_SALT),
            submitted=submitted or MultiDict(),
            errors=errors or {},
            notice=notice,
            field_name=field_name,
            english=str(get_locale()) == "en",
            invitation=None,
            form_action=url_for("followup.submit_form", token=token),
            autosave_key=_autosave_key(contact),
            language_url=lambda lang: url_for("followup.show_form", token=token, lang=lang),
        ),
        status,
    )


def _render_unknown():
    return render_template("survey/followup_unknown.html"), 404


def _render_expired(contact: FollowUpContact, *, texts=None):
    """Past the link's lifetime: closed, as a questionnaire is, with any text just typed shown back."""
    late = texts is not None
    page = render_template("survey/closed.html", session=contact.session, texts=texts or [], late=late, has_closed=True)
    return page, 410


def _render_used(contact: FollowUpContact, *, texts=None):
    late = texts is not None
    return (
        render_template("survey/link_used.html", session=contact.session, texts=texts or [], late=late),
        409 if late else 410,
    )


@bp.get("/<token>")
def show_form(token: str):
    """The follow-up questionnaire of a personal link; opening it spends nothing."""
    contact = find_followup_contact(token)
    if contact is None:
        return _render_unknown()
    if contact.is_used:
        return _render_used(contact)
    if is_followup_link_expired(contact):
        return _render_expired(contact)
    return _render_form(contact, token)


@bp.post("/<token>")
@limiter.limit(_submit_limit)
def submit_form(token: str):
    """Store the follow-up answer once, paired with the first one by key; any problem keeps every answer."""
    contact = find_followup_contact(token)
    if contact is None:
        return _render_unknown()
    parsed = parse_survey(
        questions_of(_questionnaire(contact)),
        request.form,
        max_text_length=current_app.config["MAX_TEXT_ANSWER_LENGTH"],
    )
    texts = [(a.question, a.text) for a in parsed.answers.values() if a.text]
    submitted = MultiDict([(k, v) for k, values in parsed.submitted.items() for v in values])
    if is_followup_link_expired(contact):
        return _render_expired(contact, texts=texts)
    try:
        form_token = checked_token(contact.session.public_code, salt=FORM_SALT)
        if not parsed.is_valid:
            raise SubmitRefused(status=422, errors=parsed.errors)
    except SubmitRefused as refusal:
        return _render_form(
            contact, token, submitted=submitted, errors=refusal.errors, status=refusal.status, notice=refusal.notice
        )
    try:
        submit_followup(contact, parsed, form_token.nonce)
        db.session.commit()
    except AlreadySubmitted:
        pass  # a double tap: the first one was stored (nothing was written by this request)
    except FollowUpAlreadyAnswered as refusal:
        take_back(refusal)
        return _render_used(contact, texts=texts)
    return redirect(url_for("followup.thanks", token=token), code=303)


@bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    """Over the per-address ceiling: the answers are shown back, to send again a minute later."""
    notice = _(
        "Trop d'envois sont arrivés depuis cette connexion en peu de temps : vos réponses n'ont pas été "
        "enregistrées. Elles sont conservées ci-dessous : patientez une minute, puis envoyez à nouveau."
    )
    return _refused_submit(notice, 429) or error


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the size cap: what can be read of it is shown back, to shorten and send again."""
    notice = _(
        "Vos réponses sont trop longues pour être envoyées ensemble et n'ont pas été enregistrées. "
        "Voici ce qui a pu être lu : raccourcissez la réponse la plus longue, puis envoyez à nouveau."
    )
    return _refused_submit(notice, 413) or error


def _refused_submit(notice: str, status: int):
    """The follow-up's form shown again with what was sent (None for any other request: the generic error page)."""
    if request.method != "POST" or request.endpoint != "followup.submit_form":
        return None
    token = (request.view_args or {})["token"]
    contact = find_followup_contact(token)
    if contact is None or contact.is_used:
        return None
    formdata = posted_form()
    parsed = parse_survey(
        questions_of(_questionnaire(contact)), formdata, max_text_length=current_app.config["MAX_TEXT_ANSWER_LENGTH"]
    )
    submitted = MultiDict([(k, v) for k, values in parsed.submitted.items() for v in values])
    return _render_form(contact, token, submitted=submitted, notice=notice, status=status)


@bp.get("/<token>/merci")
def thanks(token: str):
    """Thank-you page of the follow-up; before any answer, the link leads back to the questionnaire."""
    contact = find_followup_contact(token)
    if contact is None:
        return _render_unknown()
    if not contact.is_used:
        return redirect(url_for("followup.show_form", token=token))
    return render_template("survey/thanks.html", session=contact.session, autosave_key=_autosave_key(contact))
