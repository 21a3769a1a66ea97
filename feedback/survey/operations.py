"""Storing a participant's response."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, select, update

from feedback.answers import ParsedSurvey
from feedback.db import affected_rows, db, insert_unless_duplicate, table_of, utcnow
from feedback.models import Answer, FollowUpContact, QuestionKind, Questionnaire, Response
from feedback.personal_links import FollowUpAlreadyAnswered, ParticipantQuestionnaire, ParticipantSession, pairing_key
from feedback.signals import comments_submitted, response_submitted


def find_response_by_token(nonce: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.submission_token == nonce))


class AlreadySubmitted(Exception):
    """This rendered form was stored before (double tap, replay, or a race between two workers)."""


def new_response_key() -> str:
    """The random pairing value of a first answer: 128 bits, shaped like a pairing key so that the two look alike."""
    return secrets.token_hex(16)


# Over the complexity limit: the submit's hot path: one pass over the answers builds both inserts.
def submit_response(  # noqa: C901
    session: ParticipantSession,
    parsed: ParsedSurvey,
    nonce: str,
    *,
    questionnaire: Questionnaire | ParticipantQuestionnaire | None = None,
    followup_key: str | None = None,
    submitted_dt: datetime | None = None,
) -> int:
    """Store one response with its answers in the request's transaction; return the response's id.

    The UNIQUE submission token makes a double tap or a replay store nothing more, even when two
    identical requests race on two workers: the second insert writes nothing and AlreadySubmitted is raised
    (FollowUpAlreadyAnswered when another form spent the follow-up link first). Two statements in all, written with
    Core rather than the unit of work: a room answering at once is the hot path. Comments are not analysed here:
    `comments_submitted` lets the quotes area analyse them once the participant's page has been sent.

    A follow-up answer gives its questionnaire (the version its link was sent with) and the pairing key of its
    first answer; a first answer gets a random key instead (see models.Response.followup_key). `submitted_dt` is
    for answers written after the fact (the demo); a participant's answer is stamped now.
    """
    questionnaire = questionnaire or session.questionnaire
    now = submitted_dt or utcnow()
    response = dict(
        session_id=session.id,
        session_date=session.start_date,
        questionnaire_id=questionnaire.id,
        submitted_dt=now,
        submission_token=nonce,
        followup_key=followup_key or new_response_key(),
        is_followup=followup_key is not None,
        consents_to_quote=parsed.consents_to_quote,
        consent_dt=now if parsed.consents_to_quote else None,
        consent_version=questionnaire.consent_version if parsed.consents_to_quote else None,
        overall_level=None,
        recommendation=None,
        profile=None,
    )
    # Ids, not relationships: the questions are the cached, detached views of questionnaire_structure.py.
    rows: list[dict] = []

    def add(question_id: int, option_id: int | None = None, number: int | None = None, text: str | None = None):
        rows.append(dict(question_id=question_id, option_id=option_id, number=number, text=text))

    for answer in parsed.answers.values():
        question = answer.question
        if answer.is_empty:
            continue
        option_ids = {o.value: o.id for o in question.options}
        if question.kind == QuestionKind.GRID:
            for item_value, level in answer.grid.items():
                add(question.id, option_id=option_ids[item_value], number=level)
        elif question.kind == QuestionKind.RATING:
            add(question.id, option_id=option_ids[answer.option_values[0]], number=answer.number)
        elif question.kind.has_options:
            for value in answer.option_values:
                add(question.id, option_id=option_ids[value])
            if question.code == "profile" and answer.option_values:
                response["profile"] = answer.option_values[0]
        else:
            add(question.id, number=answer.number, text=answer.text)
        if question.is_overall:
            response["overall_level"] = answer.number
        elif question.kind == QuestionKind.RECOMMENDATION and response["recommendation"] is None:
            response["recommendation"] = answer.number
    # Not written when a UNIQUE constraint refuses it: the same form sent twice (its submission token), or a
    # follow-up link answered by another form meanwhile (its pairing key). No error, so nothing to roll back.
    response_id = (
        db.session.connection()
        .execute(insert_unless_duplicate(table_of(Response)).returning(Response.id), response)
        .scalar_one_or_none()
    )
    if response_id is None:
        if find_response_by_token(nonce) is not None:
            raise AlreadySubmitted
        raise FollowUpAlreadyAnswered
    if rows:
        for row in rows:
            row["response_id"] = response_id
        # Every row has the same keys: one executemany statement for all the answers (on the table, not the
        # entity: the ORM's bulk insert would split the rows by the columns they leave empty).
        db.session.connection().execute(insert(table_of(Answer)), rows)
        if any(row["text"] for row in rows):
            comments_submitted.send(response_id=response_id)
    response_submitted.send(
        response_id=response_id,
        session_id=session.id,
        questionnaire_id=questionnaire.id,
        submitted_dt=now,
        overall_level=response["overall_level"],
        recommendation=response["recommendation"],
        is_followup=response["is_followup"],
    )
    return response_id


def submit_followup(contact: FollowUpContact, parsed: ParsedSurvey, nonce: str) -> int:
    """Store the follow-up answer, paired with the first one by key, and spend the link; the caller commits.

    Raises AlreadySubmitted for a replay of the same form (the answer is stored), FollowUpAlreadyAnswered when
    the link was spent by another answer. The address is erased in the same transaction: it is no longer needed.
    """
    response_id = submit_response(
        contact.session,
        parsed,
        nonce,
        questionnaire=contact.questionnaire,
        followup_key=pairing_key(contact.followup_key),
    )
    # Conditional: of two answers racing with the same link, only the first to commit spends it.
    spent = db.session.execute(
        update(FollowUpContact)
        .where(FollowUpContact.id == contact.id, FollowUpContact.is_used.is_(False))
        .values(is_used=True, email=None),
        execution_options={"synchronize_session": False},
    )
    if affected_rows(spent) != 1:
        raise FollowUpAlreadyAnswered
    return response_id
