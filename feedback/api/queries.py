"""The API's reads: each one starts from the access functions of the pages, pages by id, and counts in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from feedback.auth.access import sessions_visible_to
from feedback.db import db
from feedback.disclosure import threshold, withheld_comment_sessions
from feedback.models import (
    Answer,
    CommentAnalysis,
    Question,
    Questionnaire,
    QuestionOption,
    Response,
    Role,
    Speaker,
    Training,
    TrainingSession,
)

MAX_ID = 2**31 - 1


class BadCursor(ValueError):
    pass


def encode_cursor(last_id: int) -> str:
    """The cursor is the id of the last row handed out: rows are read in id order, after it."""
    return str(last_id)


def decode_cursor(cursor: str | None) -> int:
    """The id after which the page starts (0: the first page); BadCursor for anything else than an id."""
    if not cursor:
        return 0
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18:
        raise BadCursor(cursor)
    # Ids are 32-bit integers on PostgreSQL: a larger cursor is past every row (an empty last page), not an error.
    return min(int(cursor), MAX_ID)


def page_of(query: Select, id_column, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Rows after the cursor in id order, and the next cursor (None on the last page). Rows added meanwhile get
    higher ids, so a client paging to the end sees each row once, with no gap."""
    after = decode_cursor(cursor)
    rows = list(db.session.scalars(query.where(id_column > after).order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].id) if more else None)


def visible_session_ids(user) -> Select:
    return sessions_visible_to(user).with_only_columns(TrainingSession.id)


# -- trainings and sessions ---------------------------------------------------------------------------------------


def trainings_query(user) -> Select:
    visible = visible_session_ids(user)
    if user.can_read_all_scores:
        return select(Training)
    return select(Training).where(Training.id.in_(visible.with_only_columns(TrainingSession.training_id)))


def session_counts(training_ids: Sequence[int], user) -> dict[int, int]:
    """Visible sessions per training, in one GROUP BY."""
    if not training_ids:
        return {}
    rows = db.session.execute(
        select(TrainingSession.training_id, func.count(TrainingSession.id))
        .where(TrainingSession.training_id.in_(training_ids), TrainingSession.id.in_(visible_session_ids(user)))
        .group_by(TrainingSession.training_id)
    )
    return {training_id: n for training_id, n in rows}


def sessions_query(user, training_id: int | None = None) -> Select:
    query = sessions_visible_to(user).options(
        selectinload(TrainingSession.speakers), selectinload(TrainingSession.training)
    )
    if training_id is not None:
        query = query.where(TrainingSession.training_id == training_id)
    return query


def response_counts(session_ids: Sequence[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Response.session_id, func.count(Response.id))
        .where(Response.session_id.in_(session_ids), Response.is_followup.is_(False))
        .group_by(Response.session_id)
    )
    return {session_id: n for session_id, n in rows}


def speakers_by_id(ids: Sequence[int]) -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).where(Speaker.id.in_(ids)))) if ids else []


def speaker_id_of(user) -> int:
    """The user's speaker profile (0, which matches no speaker, when they have none)."""
    return db.session.scalar(select(Speaker.id).where(Speaker.user_id == user.id)) or 0


# -- responses ----------------------------------------------------------------------------------------------------


def may_read_responses(user) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER, Role.TRAINER)


def may_read_comments(user) -> bool:
    """Managers, admins and trainers (their own sessions') read comments; communication reads quotes."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.TRAINER)


def responses_query(user, *, session_id: int | None, since: datetime | None) -> Select:
    """The responses a token may read: managers and admins all; a trainer those of their own sessions whose
    response count passes the disclosure rule (one response of a small group tells who answered what)."""
    query = select(Response)
    if not user.can_read_all_scores:  # every session is visible to the others: no semi-join over the whole table
        query = query.where(Response.session_id.in_(visible_session_ids(user)))
    if user.role == Role.TRAINER:
        counts = (
            select(Response.session_id)
            .where(Response.is_followup.is_(False))
            .group_by(Response.session_id)
            .having(func.count(Response.id) >= threshold(user))
        )
        query = query.where(Response.session_id.in_(counts))
    if session_id is not None:
        query = query.where(Response.session_id == session_id)
    if since is not None:
        query = query.where(Response.submitted_dt >= since)
    return query


def answers_of(response_ids: Sequence[int], *, with_text: bool) -> dict[int, list[dict]]:
    """The answers of these responses by question code: numbers, option values, grid levels, and the masked text of
    comments when `with_text` (never the text as written). One query for the answers, without joins; the few
    questions and options they refer to are read apart (a page holds a handful of questionnaire versions)."""
    if not response_ids:
        return {}
    ids = sorted(response_ids)
    # A page of a manager's responses is a run of consecutive ids: a range reads the index in one sweep, where a
    # thousand-item IN list costs more to send and plan than to run. A sparse page (a trainer's) keeps the list.
    if ids[-1] - ids[0] < 2 * len(ids):
        picked = Answer.response_id.between(ids[0], ids[-1])
    else:
        picked = Answer.response_id.in_(ids)
    # Through the connection (SQLAlchemy Core) and fetched at once: plain tuples, without the ORM's row processing
    # or the driver's per-row calls, which a page's eight thousand answers would spend most of their time in.
    answer_query = select(
        Answer.response_id,
        Answer.question_id,
        Answer.option_id,
        Answer.number,
        Answer.text.is_not(None).label("has_text"),
        CommentAnalysis.masked_text,
    ).outerjoin(CommentAnalysis, CommentAnalysis.answer_id == Answer.id)
    rows = db.session.connection().execute(answer_query.where(picked).order_by(Answer.response_id, Answer.id)).all()
    question_ids = {row.question_id for row in rows}
    questions = {
        qid: (code, str(kind), position)
        for qid, code, kind, position in db.session.execute(
            select(Question.id, Question.code, Question.kind, Question.position).where(Question.id.in_(question_ids))
        )
    }
    option_ids = {row.option_id for row in rows if row.option_id is not None}
    options = {
        option_id: value
        for option_id, value in db.session.execute(
            select(QuestionOption.id, QuestionOption.value).where(QuestionOption.id.in_(option_ids))
        )
    }
    wanted = set(ids)
    grouped: dict[int, dict[str, dict]] = defaultdict(dict)
    for response_id, question_id, option_id, number, has_text, masked in rows:
        if response_id in wanted:  # else in the range, not in the page
            code, kind, _position = questions[question_id]
            option = options.get(option_id) if option_id is not None else None
            text = (masked if with_text else None) if has_text else None
            _place(grouped[response_id], code, kind, option, number, has_text, text)
    # In the questionnaire's order, as the form asked them.
    order = {code: position for code, _kind, position in questions.values()}
    return {
        response_id: sorted(answers.values(), key=lambda answer: order.get(answer["question"], 0))
        for response_id, answers in grouped.items()
    }


def _place(
    answers: dict[str, dict], code: str, kind: str, option: str | None, number: int | None, has_text: bool, text
) -> None:
    """One answer row into its response's answers by question code."""
    if has_text:
        # The masked text, for the roles that read comments; none before the analysis (which masks): never the text
        # as written.
        if text is not None:
            answers[code] = {"question": code, "kind": kind, "value": text}
    elif kind == "grid" and option is not None:
        answers.setdefault(code, {"question": code, "kind": kind, "value": {}})["value"][option] = number
    elif kind == "multiple_choice" and option is not None:
        answers.setdefault(code, {"question": code, "kind": kind, "value": []})["value"].append(option)
    elif option is not None:
        answers[code] = {"question": code, "kind": kind, "value": option}
    elif number is not None:
        answers[code] = {"question": code, "kind": kind, "value": number}


def response_page(query: Select, cursor: str | None, limit: int) -> tuple[Sequence[Any], str | None]:
    """A page of responses as plain rows (id, session_id, session_date, questionnaire_id, submitted_dt,
    is_followup), read through the connection like their answers."""
    after = decode_cursor(cursor)
    columns = query.with_only_columns(
        Response.id,
        Response.session_id,
        Response.session_date,
        Response.questionnaire_id,
        Response.submitted_dt,
        Response.is_followup,
    )
    rows = (
        db.session.connection().execute(columns.where(Response.id > after).order_by(Response.id).limit(limit + 1)).all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].id) if more else None)


def questionnaire_names(ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Questionnaire.id, Questionnaire.family, Questionnaire.version).where(Questionnaire.id.in_(ids))
    )
    return {qid: f"{family}@{version}" for qid, family, version in rows}


# -- comments -----------------------------------------------------------------------------------------------------


def comments_query(user, *, session_id: int | None) -> Select:
    """Comments as the pages show them: a trainer's own sessions (withheld below the threshold when the
    questionnaire promises anonymity), every session for managers and admins."""
    query = (
        select(CommentAnalysis, Response.session_id, Response.session_date, Question.code)
        .join(Response, Response.id == CommentAnalysis.response_id)
        .join(Answer, Answer.id == CommentAnalysis.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Response.session_id.in_(visible_session_ids(user)))
        .where(Response.session_id.not_in(withheld_comment_sessions(threshold(user))))
    )
    if session_id is not None:
        query = query.where(Response.session_id == session_id)
    return query


def comment_page(user, *, session_id: int | None, cursor: str | None, limit: int):
    after = decode_cursor(cursor)
    rows = db.session.execute(
        comments_query(user, session_id=session_id)
        .where(CommentAnalysis.answer_id > after)
        .order_by(CommentAnalysis.answer_id)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1][0].answer_id) if more else None)


def base_url() -> str:
    return current_app.config["BASE_URL"]
