"""What only the scores pages show: the answers per level of each scale question, the follow-up comparison of a
training (first answers against « évaluation à froid » answers), where its mailing stands, and the trainers'
reviews of a session; every other score is read from feedback/scores.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from feedback.analysis.statistics import SatisfactionRate, satisfaction_rate
from feedback.db import db
from feedback.models import (
    Answer,
    FollowUpContact,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionOption,
    Response,
    TrainerReview,
    TrainingSession,
)
from feedback.models.domain import SATISFACTION_LEVELS, SATISFIED_LEVELS
from feedback.scores import ANSWERED, FIRST_ANSWERS, RESPONSES, SATISFIED

# -- the answers per level of each scale question ------------------------------------------------------------


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
        assert number is not None  # the query keeps the answers with a number
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


@dataclass(frozen=True)
class FollowUpCounts:
    #: Addresses waiting for the follow-up (e-mail kept, not sent yet).
    waiting: int
    sent: int
    reminded: int
    answered: int


def followup_counts(training_id: int) -> FollowUpCounts:
    """Where the follow-up of a training stands, from its contacts (one aggregate)."""
    waiting = (FollowUpContact.sent_dt.is_(None)) & FollowUpContact.email.is_not(None)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
            func.count(FollowUpContact.sent_dt),
            func.count(FollowUpContact.reminded_dt),
            func.coalesce(func.sum(case((FollowUpContact.is_used, 1), else_=0)), 0),
        )
        .join(TrainingSession, TrainingSession.id == FollowUpContact.session_id)
        .where(TrainingSession.training_id == training_id)
    ).one()
    return FollowUpCounts(*(int(value) for value in row))


# -- the trainers' reviews ("Le regard de l'intervenant·e") ------------------------------------------------------


def reviews_of_session(session: TrainingSession) -> list[TrainerReview]:
    """Every speaker's questionnaire on this session, for the managers' session page."""
    return list(
        db.session.scalars(
            select(TrainerReview)
            .where(TrainerReview.session_id == session.id)
            .options(selectinload(TrainerReview.speaker), selectinload(TrainerReview.questionnaire))
            .order_by(TrainerReview.id)
        )
    )
