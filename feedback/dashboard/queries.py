"""Score aggregates, computed by the database with GROUP BY (never a loop over responses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, extract, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from feedback.analysis.statistics import SatisfactionRate, response_rate, satisfaction_rate
from feedback.db import db, utcnow
from feedback.models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionOption,
    Response,
    TrainingSession,
)
from feedback.models.catalogue import session_speakers
from feedback.models.domain import SATISFACTION_LEVELS, SATISFIED_LEVELS

SATISFIED = func.coalesce(func.sum(case((Response.overall_level >= min(SATISFIED_LEVELS), 1), else_=0)), 0)
ANSWERED = func.count(Response.overall_level)
RESPONSES = func.count(Response.id)


def default_year(speaker_id: int | None = None) -> int:
    """The year a score page or the report opens on: never an empty one.

    The latest year with enough responses to show a rate (the disclosure threshold, the same for every viewer);
    else the latest year with any response; else the latest year whose sessions have started (a catalogue without
    answers); else this year. `speaker_id` narrows it to a trainer's own sessions (`/scores/mine`). One GROUP BY.
    """
    year = extract("year", Response.session_date)
    stmt = select(year.label("year"), func.count(Response.id).label("n")).group_by(year)
    if speaker_id is not None:
        stmt = stmt.where(
            Response.session_id.in_(
                select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == speaker_id)
            )
        )
    counts = {int(row.year): row.n for row in db.session.execute(stmt)}
    enough = [y for y, n in counts.items() if n >= current_app.config["MIN_ANSWERS_FOR_RATE"]]
    if enough or counts:
        return max(enough or counts)
    started = select(func.max(TrainingSession.start_date)).where(TrainingSession.start_date <= utcnow().date())
    if speaker_id is not None:
        started = started.where(
            TrainingSession.id.in_(
                select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == speaker_id)
            )
        )
    latest = db.session.scalar(started)
    return latest.year if latest else utcnow().year


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


#: The session's own answers: follow-up answers ("évaluation à froid") are compared apart (followup_comparison).
FIRST_ANSWERS = Response.is_followup.is_(False)


def _per_session_counts(session_filter: ColumnElement[bool] | None):
    query = (
        select(
            Response.session_id.label("session_id"),
            RESPONSES.label("responses"),
            ANSWERED.label("answered"),
            SATISFIED.label("satisfied"),
        )
        .where(FIRST_ANSWERS)
        .group_by(Response.session_id)
    )
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


def scores_by_session(condition: ColumnElement[bool]) -> list[tuple[TrainingSession, Scores]]:
    per_session = _per_session_counts(condition)
    rows = (
        db.session.execute(
            select(TrainingSession, *_scores_columns(per_session))
            .outerjoin(per_session, per_session.c.session_id == TrainingSession.id)
            .where(condition)
            .group_by(TrainingSession.id)
            .order_by(TrainingSession.start_date.desc(), TrainingSession.id)
            # The table shows each session's training and speakers: loaded with the rows, not one query per row.
            .options(joinedload(TrainingSession.training), selectinload(TrainingSession.speakers))
        )
        .unique()
        .all()
    )
    return [(row.TrainingSession, _to_scores(row)) for row in rows]


@dataclass(frozen=True)
class QuestionDistribution:
    code: str
    label: str
    kind: QuestionKind
    #: (value, label) from the best level down, as the table lists them.
    levels: list[tuple[int, str]]
    #: value -> number of answers
    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        total = self.total
        return sum(v * c for v, c in self.counts.items()) / total if total else None


SCALE_KINDS = (QuestionKind.SATISFACTION, QuestionKind.RECOMMENDATION, QuestionKind.RATING, QuestionKind.GRID)


def scale_distributions(condition: ColumnElement[bool]) -> list[QuestionDistribution]:
    """Answers per value of every scale question (grid items apart), grouped by the stable question code.

    One GROUP BY over the answers; then, read once, the wording of the versions those answers were given to (the
    newest of them when the answers span versions): never that of a draft or of another questionnaire that
    happens to reuse the code.
    """
    item = aliased(QuestionOption)
    answered = (
        select(Question.code, Question.kind, item.value, Answer.number, func.count(Answer.id))
        .join(Answer, Answer.question_id == Question.id)
        .join(Response, Response.id == Answer.response_id)
        .join(TrainingSession, TrainingSession.id == Response.session_id)
        .outerjoin(item, and_(Question.kind == QuestionKind.GRID, item.id == Answer.option_id))
        .where(condition, FIRST_ANSWERS, Question.kind.in_(SCALE_KINDS), Answer.number.is_not(None))
    )
    counts = db.session.execute(answered.group_by(Question.code, Question.kind, item.value, Answer.number)).all()
    if not counts:
        return []
    # The questions (versions) these answers were given to: one DISTINCT over the same join, used by both reads.
    answered_questions = answered.with_only_columns(Question.id).distinct()
    # The newest version wins: versions of one family are numbered upwards, and a questionnaire id orders the rest.
    newest_last = (Questionnaire.published_dt.is_not(None), Questionnaire.published_dt, Questionnaire.id)
    labels, positions = {}, {}
    for code, label, position in db.session.execute(
        select(Question.code, Question.label, Question.position)
        .join(Questionnaire, Questionnaire.id == Question.questionnaire_id)
        .where(Question.id.in_(answered_questions))
        .order_by(*newest_last, Question.id)
    ):
        labels[code], positions[code] = label, position
    option_labels: dict[tuple[str, str], str] = {}
    for code, value, label in db.session.execute(
        select(Question.code, QuestionOption.value, QuestionOption.label)
        .join(QuestionOption, QuestionOption.question_id == Question.id)
        .join(Questionnaire, Questionnaire.id == Question.questionnaire_id)
        .where(Question.id.in_(answered_questions), Question.kind.in_([QuestionKind.RATING, QuestionKind.GRID]))
        .order_by(*newest_last, QuestionOption.id)
    ):
        option_labels[(code, value)] = label

    satisfaction_levels = [(value, label) for value, label, _en in SATISFACTION_LEVELS]
    found: dict[tuple[str, str | None], QuestionDistribution] = {}
    for code, kind, item_value, number, count in counts:
        key = (code, item_value)
        if key not in found:
            label = labels.get(code, code)
            if kind == QuestionKind.RECOMMENDATION:
                levels = [(v, str(v)) for v in range(10, -1, -1)]
            elif kind == QuestionKind.RATING:
                levels = sorted(
                    ((int(v), lb) for (c, v), lb in option_labels.items() if c == code and v.isdigit()), reverse=True
                )
            else:
                levels = satisfaction_levels
            if kind == QuestionKind.GRID:
                label = f"{label} — {option_labels.get((code, item_value), item_value)}"
            found[key] = QuestionDistribution(f"{code}:{item_value}" if item_value else code, label, kind, levels, {})
        found[key].counts[int(number)] = int(count)
    return sorted(found.values(), key=lambda d: (positions.get(d.code.split(":")[0], 0), d.code))


# -- the follow-up questionnaire ("évaluation à froid") ----------------------------------------------------------

#: The question compared: usefulness for one's practice right after the training, and, months later, whether what
#: was learnt could be applied (the library's "évaluation à chaud" and "évaluation à froid" codes).
INITIAL_CODE = "usefulness"
FOLLOWUP_CODE = "applied"
#: A level counted as positive on the 4-level scale (top-2 box), as for satisfaction.
POSITIVE = min(SATISFIED_LEVELS)


@dataclass(frozen=True)
class FollowUpComparison:
    """A training's first answers against its follow-up answers, and the same people's two answers (pairs)."""

    first_responses: int
    followup_responses: int
    #: "Useful for my practice" among first answers; "applied in my practice" among follow-up answers.
    usefulness: SatisfactionRate
    applied: SatisfactionRate
    #: The overall-satisfaction question, right after and looking back.
    satisfaction: SatisfactionRate
    satisfaction_later: SatisfactionRate
    #: Follow-up answers paired (by key) with a first answer.
    pairs: int
    #: Among the pairs that answered both questions: useful then, applied now (same people, same n).
    paired_usefulness: SatisfactionRate
    paired_applied: SatisfactionRate
    #: Among the same pairs: found it useful but could not apply it; the reverse.
    useful_not_applied: int
    applied_not_useful: int
    paired_satisfaction: SatisfactionRate
    paired_satisfaction_later: SatisfactionRate


def _positive(column) -> ColumnElement:
    return func.coalesce(func.sum(case((column >= POSITIVE, 1), else_=0)), 0)


def _scale_answers(code: str):
    """(response_id, number) of the answers to the satisfaction-scale question of this code, any version."""
    return (
        select(Answer.response_id.label("response_id"), Answer.number.label("number"))
        .join(Question, Question.id == Answer.question_id)
        .where(Question.code == code, Question.kind == QuestionKind.SATISFACTION, Answer.number.is_not(None))
        .subquery()
    )


def followup_comparison(training_id: int) -> FollowUpComparison:
    """Three GROUP BY queries: the overall question per side, the compared questions per side, and the pairs."""
    in_training = TrainingSession.training_id == training_id
    overall = {
        row.is_followup: row
        for row in db.session.execute(
            select(
                Response.is_followup,
                RESPONSES.label("responses"),
                ANSWERED.label("answered"),
                SATISFIED.label("satisfied"),
            )
            .join(TrainingSession, TrainingSession.id == Response.session_id)
            .where(in_training)
            .group_by(Response.is_followup)
        )
    }
    compared = {
        (row.is_followup, row.code): satisfaction_rate(row.positive, row.answered)
        for row in db.session.execute(
            select(
                Response.is_followup,
                Question.code,
                func.count(Answer.id).label("answered"),
                _positive(Answer.number).label("positive"),
            )
            .join(Question, Question.id == Answer.question_id)
            .join(Response, Response.id == Answer.response_id)
            .join(TrainingSession, TrainingSession.id == Response.session_id)
            .where(
                in_training,
                Question.kind == QuestionKind.SATISFACTION,
                Answer.number.is_not(None),
                or_(
                    and_(Response.is_followup.is_(False), Question.code == INITIAL_CODE),
                    and_(Response.is_followup.is_(True), Question.code == FOLLOWUP_CODE),
                ),
            )
            .group_by(Response.is_followup, Question.code)
        )
    }

    later, first = aliased(Response), aliased(Response)
    useful, applied = _scale_answers(INITIAL_CODE), _scale_answers(FOLLOWUP_CODE)
    both = useful.c.number.is_not(None) & applied.c.number.is_not(None)
    both_overall = first.overall_level.is_not(None) & later.overall_level.is_not(None)
    pairs = db.session.execute(
        select(
            func.count(later.id).label("pairs"),
            func.coalesce(func.sum(case((both, 1), else_=0)), 0).label("both"),
            _positive(case((both, useful.c.number))).label("useful"),
            _positive(case((both, applied.c.number))).label("applied"),
            func.coalesce(
                func.sum(case((both & (useful.c.number >= POSITIVE) & (applied.c.number < POSITIVE), 1), else_=0)), 0
            ).label("useful_not_applied"),
            func.coalesce(
                func.sum(case((both & (useful.c.number < POSITIVE) & (applied.c.number >= POSITIVE), 1), else_=0)), 0
            ).label("applied_not_useful"),
            func.coalesce(func.sum(case((both_overall, 1), else_=0)), 0).label("both_overall"),
            _positive(case((both_overall, first.overall_level))).label("satisfied"),
            _positive(case((both_overall, later.overall_level))).label("satisfied_later"),
        )
        .select_from(later)
        .join(first, (first.followup_key == later.followup_key) & first.is_followup.is_(False))
        .join(TrainingSession, TrainingSession.id == later.session_id)
        .outerjoin(useful, useful.c.response_id == first.id)
        .outerjoin(applied, applied.c.response_id == later.id)
        .where(in_training, later.is_followup.is_(True))
    ).one()

    none = satisfaction_rate(0, 0)

    def side(is_followup: bool) -> tuple[int, SatisfactionRate]:
        row = overall.get(is_followup)
        return (int(row.responses), satisfaction_rate(row.satisfied, row.answered)) if row else (0, none)

    first_responses, satisfaction = side(False)
    followup_responses, satisfaction_later = side(True)
    return FollowUpComparison(
        first_responses=first_responses,
        followup_responses=followup_responses,
        usefulness=compared.get((False, INITIAL_CODE), none),
        applied=compared.get((True, FOLLOWUP_CODE), none),
        satisfaction=satisfaction,
        satisfaction_later=satisfaction_later,
        pairs=int(pairs.pairs),
        paired_usefulness=satisfaction_rate(pairs.useful, pairs.both),
        paired_applied=satisfaction_rate(pairs.applied, pairs.both),
        useful_not_applied=int(pairs.useful_not_applied),
        applied_not_useful=int(pairs.applied_not_useful),
        paired_satisfaction=satisfaction_rate(pairs.satisfied, pairs.both_overall),
        paired_satisfaction_later=satisfaction_rate(pairs.satisfied_later, pairs.both_overall),
    )
