"""The public questionnaire: /s/<code>, answered on a phone, no account."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from feedback.answers import ParsedSurvey, parse_survey
from feedback.db import db, utcnow
from feedback.errors import take_back
from feedback.extensions import csrf, limiter
from feedback.followup_tokens import (
    check_followup_token,
    issue_followup_token,
    read_submission,
    sign_submission,
    submission_cookie_name,
)
from feedback.form_page import render_form_page
from feedback.form_tokens import FormToken, TokenExpired, TokenInvalid, issue_token
from feedback.kiosk_links import is_kiosk
from feedback.mail import normalise_email
from feedback.models import QuestionnaireStatus
from feedback.personal_links import (
    InvitationAlreadyUsed,
    find_invitation,
    is_link_token,
    store_followup_contact,
    use_invitation,
)
from feedback.questionnaire_structure import questions_of
from feedback.survey.limits import filled_honeypot, is_too_fast, take_blank_form
from feedback.survey.operations import AlreadySubmitted, find_response_by_token, submit_response
from feedback.survey.page_cache import cached_page, page_key
from feedback.survey.queries import PublicSession, public_session
from feedback.survey.refusals import (
    SubmitRefused,
    checked_token,
    is_cross_site,
    kept_answers,
    posted_token,
    salvaged_form,
)

bp = Blueprint("survey", __name__, url_prefix="/s")
# Participants have no staff session: the form carries its own signed, long-lived token (feedback/form_tokens.py) and
# cross-site posts are refused by is_cross_site(). The session-bound staff CSRF check would refuse every answer.
csrf.exempt(bp)

#: The alphabet of `new_public_code` (secrets.token_urlsafe); anything else (a NUL byte...) never reaches the database.
_PUBLIC_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def get_public_session_or_404(code: str) -> PublicSession:
    if not _PUBLIC_CODE.fullmatch(code):
        raise NotFound
    session = public_session(code)
    if session is None:
        raise NotFound
    return session


def _submit_limit() -> str:
    return current_app.config["SURVEY_SUBMIT_RATE_LIMIT"]


def _render_blank_form(session):
    """The empty questionnaire, from the cache when it was rendered before (published versions only)."""
    if session.questionnaire.status == QuestionnaireStatus.DRAFT:
        return _render_form(session, token=issue_token(session.public_code))
    return cached_page(
        page_key("form", session),
        lambda token: _render_form(session, token=token)[0],
        issue_token(session.public_code),
    )


def _render_form(session, *, submitted=None, errors=None, notice=None, status=200, token=None, started=None):
    """The questionnaire; shown again after a refusal (token None), with a new token counted like a blank form's.

    `started`: when the refused form was first given, kept in the new token so that sending again at once is
    not taken for a script.
    """
    if token is None:
        if take_blank_form(session.public_code):
            token = issue_token(session.public_code, started=started)
        else:
            # Only a script gets here (README): the answers are kept all the same, and sent once the minute is over.
            token, status = "", 429
            notice = _(
                "Trop de formulaires ont été demandés depuis cette connexion en peu de temps. "
                "Vos réponses sont conservées : patientez une minute, puis envoyez à nouveau."
            )
    page = render_form_page(
        session,
        token=token,
        submitted=submitted,
        errors=errors,
        notice=notice,
        invitation=_personal_token(),
        kiosk=_kiosk_token(session),
    )
    return page, status


def _kiosk_token(session) -> str | None:
    """The kiosk link's signature (?k= when opened, a hidden field when sent), if genuine for this session."""
    token = posted_form().get("kiosk") if request.method == "POST" else request.args.get("k")
    return token if is_kiosk(token, session.public_code) else None


def _personal_token() -> str | None:
    """The token of a personal link (?i= when opened, a hidden field when sent); anything else is ignored."""
    token = posted_form().get("invitation") if request.method == "POST" else request.args.get("i")
    return token if is_link_token(token) else None


@bp.get("/<code>")
def show_form(code: str):
    """The questionnaire, or a clear page when it is not open."""
    session = get_public_session_or_404(code)
    if not session.is_open:
        return _render_closed(session)
    # Looked up, never spent: mail scanners open links before the person does.
    invitation = find_invitation(session, _personal_token())
    if invitation is not None and invitation.is_used:
        return _render_link_used(session)
    if _answered_from_this_device(session):
        return render_template("survey/thanks.html", session=session, already_answered=True)
    if not take_blank_form(session.public_code):
        abort(429)  # far beyond any room (README): nothing typed yet, the page says to wait a minute
    if invitation is None and _personal_token() is None:
        return _render_blank_form(session)
    return _render_form(session, token=issue_token(session.public_code))


def _device_cookie(session) -> str:
    return f"answered-{session.public_code}"


def _answered_from_this_device(session) -> bool:
    """Only for questionnaires that ask for one answer per device (off by default: shared tablets); never a kiosk."""
    return (
        session.questionnaire.is_one_per_device
        and request.cookies.get(_device_cookie(session)) == "1"
        and _kiosk_token(session) is None
    )


@bp.post("/<code>")
@limiter.limit(_submit_limit)
def submit_form(code: str):
    """Store the answers once; any refusal re-shows the form with every answer kept and a new token."""
    session = get_public_session_or_404(code)
    parsed = _parse(session, request.form)
    if not session.is_open:
        return _render_closed(session, parsed=parsed, late=True)
    try:
        token = checked_token(session.public_code)
        if find_response_by_token(token.nonce) is not None:
            # Stored before (a double tap, a replayed body): its thank-you page, without analysing the answers again.
            return redirect(url_for("survey.thanks", code=code), code=303)
        _check_answers(parsed, token)
    except SubmitRefused as refusal:
        return _render_form(
            session,
            submitted=_submitted(parsed),
            errors=refusal.errors,
            notice=refusal.notice,
            status=refusal.status,
            started=refusal.started,
        )
    if _answered_from_this_device(session):
        return render_template("survey/thanks.html", session=session, already_answered=True)
    # Read before the commit, which expires every loaded object (one more query otherwise).
    one_per_device = session.questionnaire.is_one_per_device
    kiosk = _kiosk_token(session) is not None
    try:
        submit_response(session, parsed, token.nonce)
        use_invitation(session, _personal_token())  # in the same transaction: both stored, or neither
        db.session.commit()
    except AlreadySubmitted:
        pass  # a double tap that raced this one: its thank-you page (nothing was written by this request)
    except InvitationAlreadyUsed as refusal:
        take_back(refusal)
        return _render_link_used(session, parsed=parsed)
    response = redirect(url_for("survey.thanks", code=code), code=303)
    if kiosk:
        return response  # a shared tablet: no cookie ties the next person to this response, or stops them
    # For the thank-you page only: an address left there pairs this response with the follow-up answer.
    response.set_cookie(
        submission_cookie_name(code),
        sign_submission(code, token.nonce),
        max_age=current_app.config["SURVEY_TOKEN_MAX_AGE"],
        path=f"/s/{code}/merci",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    if one_per_device:
        response.set_cookie(
            _device_cookie(session),
            "1",
            max_age=180 * 24 * 3600,
            path=f"/s/{code}",
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def _check_answers(parsed: ParsedSurvey, token: FormToken) -> None:
    """A person's answers, complete: `SubmitRefused` for a script's marks or for answers to correct."""
    if filled_honeypot(request.form) or is_too_fast(token):
        # A script's marks; a person who really was that quick just sends again (the new token keeps the start).
        raise SubmitRefused(
            _(
                "Vos réponses sont arrivées plus vite qu'une personne ne peut répondre et n'ont pas été "
                "enregistrées. Elles sont conservées ci-dessous : vérifiez-les et envoyez à nouveau."
            ),
            started=token.started,
        )
    if not parsed.is_valid:
        raise SubmitRefused(status=422, errors=parsed.errors, started=token.started)


def _parse(session, formdata) -> ParsedSurvey:
    return parse_survey(
        questions_of(session.questionnaire), formdata, max_text_length=current_app.config["MAX_TEXT_ANSWER_LENGTH"]
    )


def _submitted(parsed: ParsedSurvey) -> MultiDict:
    return MultiDict([(k, v) for k, values in parsed.submitted.items() for v in values])


@bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    """Over the per-address ceiling: a submit is shown back with every answer, to send again a minute later."""
    notice = _(
        "Trop d'envois sont arrivés depuis cette connexion en peu de temps : vos réponses n'ont pas été "
        "enregistrées. Elles sont conservées ci-dessous : patientez une minute, puis envoyez à nouveau."
    )
    return _refused_submit(posted_form(), notice, 429) or error


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the size cap: what can be read of it is shown back, to shorten and send again."""
    notice = _(
        "Vos réponses sont trop longues pour être envoyées ensemble et n'ont pas été enregistrées. "
        "Voici ce qui a pu être lu : raccourcissez la réponse la plus longue, puis envoyez à nouveau."
    )
    return _refused_submit(posted_form(), notice, 413) or error


def posted_form():
    """The submitted fields; for a body over the size cap, what can be read of it (read once, then kept)."""
    try:
        return request.form
    except RequestEntityTooLarge:
        if "salvaged_form" not in g:
            g.salvaged_form = salvaged_form()
        return g.salvaged_form


def _refused_submit(formdata, notice: str, status: int):
    """The submit's form shown again with what was sent (None for any other request: the generic error page)."""
    if request.method != "POST" or request.endpoint not in ("survey.submit_form", "survey.leave_followup_email"):
        return None
    code = (request.view_args or {})["code"]
    session = public_session(code) if _PUBLIC_CODE.fullmatch(code) else None
    if session is None:
        return None  # no such questionnaire: the error page (a 404 for an unknown code would say the same)
    if request.endpoint == "survey.leave_followup_email":
        typed = (formdata.get("email") or "")[:320]
        return _render_thanks(session, status, followup_email=typed, followup_problem="busy")
    parsed = _parse(session, formdata)
    if not session.is_open:
        return _render_closed(session, parsed=parsed, late=True)
    token = posted_token(formdata, session.public_code)
    if token is not None and find_response_by_token(token.nonce) is not None:
        # A second tap caught by the limit: the first one was stored, say so rather than invite a duplicate (the
        # status stays the refusal's, for the scripts that replay a body).
        return render_template("survey/thanks.html", session=session, already_received=True), status
    page, _status = _render_form(
        session, submitted=_submitted(parsed), notice=notice, started=token.started if token else None
    )
    return page, status


@bp.get("/<code>/merci")
def thanks(code: str):
    """Thank-you page (also shown again for a replayed submit)."""
    session = get_public_session_or_404(code)
    if request.args.get("suivi") == "ok":
        return _render_thanks(session, followup_saved=True)
    return cached_page(
        page_key("thanks", session),
        lambda token: render_template("survey/thanks.html", session=session, followup_token=token),
        issue_followup_token(session.public_code),
    )


def _render_thanks(session, status=200, **context):
    token = issue_followup_token(session.public_code)
    return render_template("survey/thanks.html", session=session, followup_token=token, **context), status


@bp.post("/<code>/merci")
@limiter.limit(_submit_limit)
def leave_followup_email(code: str):
    """Keep an e-mail for the follow-up questionnaire, apart from the answers; any problem keeps what was typed."""
    session = get_public_session_or_404(code)
    typed = request.form.get("email", "")[:320]
    problem = None
    try:
        check_followup_token(request.form.get("token", ""), session.public_code)
    except TokenExpired:
        problem = "expired"
    except TokenInvalid:
        problem = "token"
    if problem is None and is_cross_site():
        problem = "token"
    if problem is None and not typed.strip():
        problem = "empty"
    if problem is None:
        try:
            email = normalise_email(typed)
        except ValueError:
            problem = "email"
    if problem is not None:
        status = 422 if problem in ("empty", "email") else 400
        return _render_thanks(session, status, followup_email=typed, followup_problem=problem)
    cookie = submission_cookie_name(code)
    store_followup_contact(session, email, nonce=read_submission(request.cookies.get(cookie), code))
    db.session.commit()
    response = redirect(url_for("survey.thanks", code=code, suivi="ok", _anchor="suivi"), code=303)
    response.delete_cookie(cookie, path=f"/s/{code}/merci")  # one response pairs with one address
    return response


def _render_closed(session, *, parsed=None, late=False):
    """Closed (or not yet open): a late submit gets every answer back, read-only, to copy."""
    texts = kept_answers(parsed, english=str(get_locale()) == "en") if parsed is not None else []
    has_closed = session.closes_dt is not None and session.closes_dt <= utcnow()
    # 410 once closed; a POST before the opening is refused (409) but its text is shown back all the same.
    status = 410 if has_closed else (409 if late else 200)
    return (
        render_template("survey/closed.html", session=session, texts=texts, late=late, has_closed=has_closed),
        status,
    )


def _render_link_used(session, *, parsed=None):
    """A personal link spent by an earlier response: said plainly, and any text just typed is shown back."""
    texts = [(a.question, a.text) for a in parsed.answers.values() if a.text] if parsed is not None else []
    late = parsed is not None
    return render_template("survey/link_used.html", session=session, texts=texts, late=late), 409 if late else 410
