"""A trainer's own questionnaire on their sessions (« Le regard de l'intervenant·e »), from their own pages.

Only the session's own speakers reach its questionnaire: anyone else, managers included, gets a 404 (managers read
the answers on the session's score page). Saved answers can be changed until the session's form closes.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from feedback.answers import field_name, parse_survey
from feedback.auth.access import staff_only
from feedback.catalogue.library import TRAINER_FAMILY
from feedback.catalogue.operations import ensure_family_questionnaire
from feedback.db import db, utcnow
from feedback.questionnaire_structure import questions_of
from feedback.reviews.operations import ReviewClosed, save_trainer_review
from feedback.reviews.queries import (
    is_open_for_review,
    own_review_rows,
    own_session_or_none,
    review_of,
    speaker_of,
)

bp = Blueprint("reviews", __name__, url_prefix="/intervenant")


def _own_session_or_404(session_id: int):
    speaker = speaker_of(current_user)
    session = own_session_or_none(speaker, session_id) if speaker is not None else None
    if session is None:
        abort(404)
    return speaker, session


def _submitted_of(review) -> MultiDict:
    """The stored answers as the form's fields, to fill the form again."""
    form: MultiDict = MultiDict()
    if review is None:
        return form
    for code, answer in review.answers.items():
        name = f"q-{code}"
        if answer.get("number") is not None and not answer.get("values"):
            form.add(name, str(answer["number"]))
        for value in answer.get("values") or ():
            form.add(name, value)
        if answer.get("text"):
            form.add(name, answer["text"])
    return form


def _render(session, questionnaire, review, *, submitted=None, errors=None, status=200):
    return (
        render_template(
            "reviews/form.html",
            session=session,
            questionnaire=questionnaire,
            questions=questions_of(questionnaire),
            review=review,
            submitted=submitted if submitted is not None else _submitted_of(review),
            errors=errors or {},
            editable=is_open_for_review(session, utcnow()),
            field_name=field_name,
        ),
        status,
    )


@bp.get("/regards")
@staff_only
def mine():
    """The trainer's sessions, each with their questionnaire: to fill, filled, or closed."""
    speaker = speaker_of(current_user)
    rows = own_review_rows(speaker, utcnow()) if speaker is not None else []
    return render_template("reviews/mine.html", speaker=speaker, rows=rows)


def _review_or_404(session_id: int):
    """(speaker, session, their review or None, the questionnaire to fill): the trainer's own session only."""
    speaker, session = _own_session_or_404(session_id)
    review = review_of(session, speaker)
    questionnaire = review.questionnaire if review is not None else ensure_family_questionnaire(TRAINER_FAMILY)
    if questionnaire is None:
        abort(404)
    return speaker, session, review, questionnaire


@bp.get("/sessions/<int:session_id>/regard")
@staff_only
def edit(session_id: int):
    _speaker, session, review, questionnaire = _review_or_404(session_id)
    return _render(session, questionnaire, review)


@bp.post("/sessions/<int:session_id>/regard")
@staff_only
def save(session_id: int):
    speaker, session, review, questionnaire = _review_or_404(session_id)
    parsed = parse_survey(
        questions_of(questionnaire), request.form, max_text_length=current_app.config["MAX_TEXT_ANSWER_LENGTH"]
    )
    submitted = MultiDict([(k, v) for k, values in parsed.submitted.items() for v in values])
    if not parsed.is_valid:
        return _render(session, questionnaire, review, submitted=submitted, errors=parsed.errors, status=422)
    try:
        save_trainer_review(session, speaker, questionnaire, parsed)
    except ReviewClosed:
        db.session.rollback()
        flash("Le questionnaire de cette session est fermé : vos réponses n'ont pas été enregistrées.", "error")
        return _render(session, questionnaire, review, submitted=submitted, status=409)
    db.session.commit()
    flash("Votre regard sur la session est enregistré.", "success")
    return redirect(url_for("reviews.mine"), code=303)
