"""Score aggregates, computed by the database with GROUP BY (never a loop over responses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from feedback.analysis.statistics import SatisfactionRate, response_rate, satisfaction_rate
from feedback.db import db
from feedback.manage.library import SATISFIED_LEVELS
from feedback.models import Answer, Question, QuestionKind, Response, Training, TrainingSession

SATISFIED = func.coalesce(func.sum(case((Response.overall_level >= min(SATISFIED_LEVELS), 1), else_=0)), 0)
ANSWERED = func.count(Response.overall_level)
RESPONSES = func.count(Response.id)


@dataclass(frozen=True)
class Scores:
    """What a table row of scores shows."""

    responses: int
    present: int | None
    #: Responses of the sessions whose number of people present is known (the response rate's numerator).
    responses_with_present: int
    satisfaction: SatisfactionRate
    sessions: int = 1

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.responses_with_present, self.present)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _per_session_counts(session_filter: ColumnElement[bool] | None):
    query = select(
        Response.session_id.label("session_id"),
        RESPONSES.label("responses"),
        ANSWERED.label("answered"),
        SATISFIED.label("satisfied"),
    ).group_by(Response.session_id)
    if session_filter is not None:
        query = query.join(TrainingSession, TrainingSession.id == Response.session_id).where(session_filter)
    return query.subquery("per_session")


def _scores_columns(per_session):
    present_known = TrainingSession.participants_present.is_not(None)
    return (
        func.count(TrainingSession.id).label("sessions"),
        func.coalesce(func.sum(per_session.c.responses), 0).label("responses"),
        func.coalesce(func.sum(per_session.c.answered), 0).label("answered"),
        func.coalesce(func.sum(per_session.c.satisfied), 0).label("satisfied"),
        func.sum(TrainingSession.participants_present).label("present"),
        func.coalesce(func.sum(case((present_known, per_session.c.responses), else_=0)), 0).label("resp_present"),
    )


def _to_scores(row) -> Scores:
    return Scores(
        responses=int(row.responses),
        present=int(row.present) if row.present is not None else None,
        responses_with_present=int(row.resp_present),
        satisfaction=satisfaction_rate(row.satisfied, row.answered),
        sessions=int(row.sessions),
    )


def session_filter(
    *,
    sessions: Select | None = None,
    start: date | None = None,
    end: date | None = None,
    training_id: int | None = None,
) -> ColumnElement[bool]:
    """Conditions on TrainingSession: inside `sessions` (a select of sessions), a date range, a training."""
    conditions = []
    if sessions is not None:
        conditions.append(TrainingSession.id.in_(sessions.with_only_columns(TrainingSession.id)))
    if start is not None:
        conditions.append(TrainingSession.start_date >= start)
    if end is not None:
        conditions.append(TrainingSession.start_date <= end)
    if training_id is not None:
        conditions.append(TrainingSession.training_id == training_id)
    return and_(True, *conditions)


def total_scores(condition: ColumnElement[bool]) -> Scores:
    """One row of scores over every session matching the condition."""
    per_session = _per_session_counts(condition)
    row = db.session.execute(
        select(*_scores_columns(per_session))
        .select_from(TrainingSession)
        .outerjoin(per_session, per_session.c.session_id == TrainingSession.id)
        .where(condition)
    ).one()
    return _to_scores(row)


def scores_by_training(condition: ColumnElement[bool]) -> list[tuple[Training, Scores]]:
    per_session = _per_session_counts(condition)
    rows = db.session.execute(
        select(Training, *_scores_columns(per_session))
        .join(TrainingSession, TrainingSession.training_id == Training.id)
        .outerjoin(per_session, per_session.c.session_id == TrainingSession.id)
        .where(condition)
        .group_by(Training.id)
        .order_by(Training.title)
    ).all()
    return [(row.Training, _to_scores(row)) for row in rows]


def scores_by_session(condition: ColumnElement[bool]) -> list[tuple[TrainingSession, Scores]]:
    per_session = _per_session_counts(condition)
    rows = db.session.execute(
        select(TrainingSession, *_scores_columns(per_session))
        .outerjoin(per_session, per_session.c.session_id == TrainingSession.id)
        .where(condition)
        .group_by(TrainingSession.id)
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id)
    ).all()
    return [(row.TrainingSession, _to_scores(row)) for row in rows]


@dataclass(frozen=True)
class QuestionDistribution:
    code: str
    label: str
    kind: QuestionKind
    #: value -> number of answers (4..1 for satisfaction, 0..10 for recommendation)
    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def scale_distributions(condition: ColumnElement[bool]) -> list[QuestionDistribution]:
    """Answers per value of every scale question, grouped by question code (stable across versions)."""
    rows = db.session.execute(
        select(Question.code, func.min(Question.label), Question.kind, Answer.number, func.count(Answer.id))
        .join(Answer, Answer.question_id == Question.id)
        .join(Response, Response.id == Answer.response_id)
        .join(TrainingSession, TrainingSession.id == Response.session_id)
        .where(condition, Question.kind.in_([QuestionKind.SATISFACTION, QuestionKind.RECOMMENDATION]))
        .where(Answer.number.is_not(None))
        .group_by(Question.code, Question.kind, Answer.number)
    ).all()
    order: dict[str, QuestionDistribution] = {}
    for code, label, kind, number, count in rows:
        dist = order.setdefault(code, QuestionDistribution(code, label, kind, {}))
        dist.counts[int(number)] = int(count)
    positions = dict(
        db.session.execute(
            select(Question.code, func.min(Question.position)).where(Question.code.in_(order)).group_by(Question.code)
        ).all()
    )
    return sorted(order.values(), key=lambda d: (positions.get(d.code, 0), d.code))
