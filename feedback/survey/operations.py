"""Storing a participant's response."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from feedback.db import db, utcnow
from feedback.models import Answer, QuestionKind, Response, TrainingSession
from feedback.survey.forms import ParsedSurvey


def find_response_by_token(nonce: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.submission_token == nonce))


class AlreadySubmitted(Exception):
    """This rendered form was stored before (double tap, replay, or a race between two workers)."""


def submit_response(session: TrainingSession, parsed: ParsedSurvey, nonce: str) -> Response:
    """Store one response with its answers in the request's transaction.

    The UNIQUE submission token makes a double tap or a replay store nothing more, even when two
    identical requests race on two workers: the loser's flush fails and it raises AlreadySubmitted
    after rolling back (the submit is the request's only write).
    """
    if find_response_by_token(nonce) is not None:
        raise AlreadySubmitted
    questionnaire = session.questionnaire
    now = utcnow()
    response = Response(
        session=session,
        questionnaire=questionnaire,
        submitted_dt=now,
        submission_token=nonce,
        consents_to_quote=parsed.consents_to_quote,
        consent_dt=now if parsed.consents_to_quote else None,
        consent_version=questionnaire.consent_version if parsed.consents_to_quote else None,
    )
    # Ids, not relationships: the questions may be the cached, detached views of structure.py. The answers go
    # in as one executemany after the response row: a room answering at once is the hot path.
    rows: list[dict] = []
    for answer in parsed.answers.values():
        question = answer.question
        if answer.is_empty:
            continue
        option_ids = {o.value: o.id for o in question.options}
        if question.kind == QuestionKind.GRID:
            for item_value, level in answer.grid.items():
                rows.append(dict(question_id=question.id, option_id=option_ids[item_value], number=level))
        elif question.kind == QuestionKind.RATING:
            option_id = option_ids[answer.option_values[0]]
            rows.append(dict(question_id=question.id, option_id=option_id, number=answer.number))
        elif question.kind.has_options:
            for value in answer.option_values:
                rows.append(dict(question_id=question.id, option_id=option_ids[value]))
            if question.code == "profile" and answer.option_values:
                response.profile = answer.option_values[0]
        else:
            rows.append(dict(question_id=question.id, number=answer.number, text=answer.text))
        if question.is_overall:
            response.overall_level = answer.number
        elif question.kind == QuestionKind.RECOMMENDATION and response.recommendation is None:
            response.recommendation = answer.number
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if find_response_by_token(nonce) is not None:
            raise AlreadySubmitted from None
        raise
    if rows:
        for row in rows:
            row.setdefault("option_id", None)
            row.setdefault("number", None)
            row.setdefault("text", None)
            row["response_id"] = response.id
        db.session.execute(insert(Answer), rows)
    return response
