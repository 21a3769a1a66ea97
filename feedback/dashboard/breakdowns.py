"""Scores broken down by any dimension under any combination of filters: two GROUP BY levels in one query.

The responses are first counted per session (per session and profile for the profile breakdown) inside the
database, then those counts are summed per group with the session's own columns (people present), so that
a session's attendance is counted once however many responses it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, case, cast, extract, func, literal, select

from feedback.analysis.statistics import NetScore, SatisfactionRate, net_score, satisfaction_rate
from feedback.dashboard.filters import Dimension, ScoreFilters
from feedback.dashboard.queries import ANSWERED, FIRST_ANSWERS, RESPONSES, SATISFIED, Scores, _to_scores
from feedback.db import db
from feedback.disclosure import discloses
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_label
from feedback.models import Response, Speaker, Training, TrainingSession
from feedback.models.catalogue import session_speakers
from feedback.models.domain import PROFILES

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
PROFILE_LABELS = {value: label for value, label, _en in PROFILES}
NOT_GIVEN = "Non renseigné"


@dataclass(frozen=True)
class BreakdownRow:
    #: Stable value of the group in URLs (an id, an enum value, 202503 for March 2025...).
    key: str
    label: str
    scores: Scores
    #: The session's or training's date, for the session breakdown's label and sorting.
    day: date | None = None


def _year() -> object:
    return cast(extract("year", TrainingSession.start_date), Integer)


def _month() -> object:
    return cast(extract("month", TrainingSession.start_date), Integer)


def _group_columns(dimension: Dimension, per_group) -> tuple[object, object | None, list]:
    """(key, label or None, other columns) of a dimension, all of them in the GROUP BY."""
    match dimension:
        case Dimension.TRAINING:
            return Training.id, Training.title, []
        case Dimension.SESSION:
            return TrainingSession.id, Training.title, [TrainingSession.start_date]
        case Dimension.SPEAKER:
            return Speaker.id, Speaker.name, []
        case Dimension.AXIS:
            return Training.axis, None, []
        case Dimension.MODALITY:
            return Training.modality, None, []
        case Dimension.DEPARTMENT:
            return TrainingSession.department, None, []
        case Dimension.PROFILE:
            return per_group.c.profile, None, []
        case Dimension.MONTH:
            return _year() * 100 + _month(), None, []
        case Dimension.QUARTER:
            # Floor division: SQLAlchemy 2 makes `/` a true division (a float key, 20264.67 for December).
            return _year() * 10 + (_month() + 2) // 3, None, []
        case Dimension.YEAR:
            return _year(), None, []
    raise ValueError(dimension)


def _label(dimension: Dimension, key, label: str) -> str:
    if key is None:
        return NOT_GIVEN
    match dimension:
        case Dimension.AXIS:
            return AXIS_LABELS.get(key, key)
        case Dimension.MODALITY:
            return MODALITY_LABELS.get(key, key)
        case Dimension.DEPARTMENT:
            return department_label(key)
        case Dimension.PROFILE:
            return PROFILE_LABELS.get(key, key)
        case Dimension.MONTH:
            return f"{MONTHS[int(key) % 100 - 1]} {int(key) // 100}"
        case Dimension.QUARTER:
            return f"T{int(key) % 10} {int(key) // 10}"
        case Dimension.YEAR:
            return str(key)
    return label


def _responses_in(filters: ScoreFilters) -> list:
    """Conditions picking the filters' first answers. The period is read on the response itself (one index
    range); the sessions are tested only when another filter picks some of them."""
    conditions = [FIRST_ANSWERS, filters.response_condition()]
    if filters.narrows_sessions:
        sessions = (
            select(TrainingSession.id)
            .join(Training, Training.id == TrainingSession.training_id)
            .where(filters.session_condition())
        )
        conditions.append(Response.session_id.in_(sessions))
    return conditions


def _scores_query(filters: ScoreFilters, *, by_profile: bool = False):
    """(select of the summed counts over the filtered sessions, the per-session counts it sums)."""
    counted = [Response.session_id.label("session_id")]
    if by_profile:
        counted.append(Response.profile.label("profile"))
    per_group = (
        select(*counted, RESPONSES.label("responses"), ANSWERED.label("answered"), SATISFIED.label("satisfied"))
        .where(*_responses_in(filters))
        .group_by(*counted)
        .subquery("per_group")
    )
    # People present are known per session: a share of them by profile (or among one profile) would be invented.
    attendance_known = not by_profile and filters.profile is None
    present_known = TrainingSession.participants_present.is_not(None)
    query = (
        select(
            func.count(func.distinct(TrainingSession.id)).label("sessions"),
            func.coalesce(func.sum(per_group.c.responses), 0).label("responses"),
            func.coalesce(func.sum(per_group.c.answered), 0).label("answered"),
            func.coalesce(func.sum(per_group.c.satisfied), 0).label("satisfied"),
            (func.sum(TrainingSession.participants_present) if attendance_known else literal(None)).label("present"),
            func.coalesce(func.sum(case((present_known, per_group.c.responses), else_=0)), 0).label("resp_present"),
        )
        .select_from(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(filters.session_condition())
    )
    if by_profile:
        return query.join(per_group, per_group.c.session_id == TrainingSession.id), per_group
    return query.outerjoin(per_group, per_group.c.session_id == TrainingSession.id), per_group


def scores_for(filters: ScoreFilters) -> Scores:
    """The totals over every session in the filters."""
    query, _ = _scores_query(filters)
    return _to_scores(db.session.execute(query).one())


def satisfaction_for(filters: ScoreFilters) -> SatisfactionRate:
    """The satisfaction rate alone, without the sessions' attendance: over the whole centre it reads one range of
    an index."""
    row = db.session.execute(
        select(ANSWERED.label("answered"), SATISFIED.label("satisfied")).where(*_responses_in(filters))
    ).one()
    return satisfaction_rate(row.satisfied, row.answered)


def net_score_for(filters: ScoreFilters) -> NetScore:
    """The 0-10 recommendation over the filters, from the value copied on each response."""
    counts = db.session.execute(
        select(Response.recommendation, func.count())
        .where(*_responses_in(filters), Response.recommendation.is_not(None))
        .group_by(Response.recommendation)
    ).all()
    return net_score({int(value): int(count) for value, count in counts})


def breakdown(filters: ScoreFilters, dimension: Dimension) -> list[BreakdownRow]:
    """One row per group that has sessions in the filters (groups without a response show n = 0)."""
    query, per_group = _scores_query(filters, by_profile=dimension == Dimension.PROFILE)
    key, label, extra = _group_columns(dimension, per_group)
    query = query.add_columns(key.label("key"), (label if label is not None else literal("")).label("label"), *extra)
    if dimension == Dimension.SPEAKER:
        query = query.join(session_speakers, session_speakers.c.session_id == TrainingSession.id).join(
            Speaker, Speaker.id == session_speakers.c.speaker_id
        )
    grouped = [key, *([label] if label is not None else []), *extra]
    rows = db.session.execute(query.group_by(*grouped)).all()
    return [
        BreakdownRow(
            key="" if row.key is None else str(row.key),
            label=_label(dimension, row.key, row.label),
            scores=_to_scores(row),
            day=row.start_date if dimension == Dimension.SESSION else None,
        )
        for row in rows
    ]


TIME_DIMENSIONS = (Dimension.MONTH, Dimension.QUARTER, Dimension.YEAR)


def sort_rows(
    rows: list[BreakdownRow], dimension: Dimension, key: str, descending: bool, min_answers: int
) -> list[BreakdownRow]:
    """Sort a breakdown's rows by a column (`SORT_KEYS`) or in the dimension's natural order.

    Rates too thin to show sort after every shown rate, whatever the direction: a 100 % from 2 answers must
    not top a table.
    """

    def shown_rate(row: BreakdownRow) -> float | None:
        rate = row.scores.satisfaction
        return rate.rate if discloses(rate.answered, min_answers) else None

    def missing_last(value: float | None, label: str):
        return (value is None, -(value or 0) if descending else (value or 0), label.casefold())

    match key:
        case "taux":
            return sorted(rows, key=lambda r: missing_last(shown_rate(r), r.label))
        case "taux-reponse":
            return sorted(rows, key=lambda r: missing_last(r.scores.response_rate, r.label))
        case "reponses":
            return sorted(rows, key=lambda r: (r.scores.responses, r.label.casefold()), reverse=descending)
        case "sessions":
            return sorted(rows, key=lambda r: (r.scores.sessions, r.label.casefold()), reverse=descending)
    if dimension in TIME_DIMENSIONS:
        return sorted(rows, key=lambda r: int(r.key), reverse=descending)
    if dimension == Dimension.SESSION:
        return sorted(rows, key=lambda r: (r.day, r.label), reverse=descending)
    return sorted(rows, key=lambda r: (r.key == "", r.label.casefold()), reverse=descending)


#: Per time dimension: how its key packs a period (year * base + part) and how many parts a year has.
_PERIOD_PARTS = {Dimension.MONTH: (100, 12), Dimension.QUARTER: (10, 4), Dimension.YEAR: (1, 1)}


def with_empty_periods(rows: list[BreakdownRow], dimension: Dimension) -> list[BreakdownRow]:
    """Month, quarter or year rows in time order, the periods between the first and the last that have no session
    put back as empty rows (n = 0): a trend keeps every period on its axis, a gap rather than a removal."""
    if dimension not in _PERIOD_PARTS or not rows:
        return rows
    base, parts = _PERIOD_PARTS[dimension]
    by_key = {int(row.key): row for row in rows if row.key}

    def index(key: int) -> int:
        return key if base == 1 else (key // base) * parts + key % base - 1

    def key_of(i: int) -> int:
        return i if base == 1 else (i // parts) * base + i % parts + 1

    first, last = index(min(by_key)), index(max(by_key))
    empty = Scores(0, None, 0, satisfaction_rate(0, 0), sessions=0)
    filled = []
    for i in range(first, last + 1):
        key = key_of(i)
        filled.append(by_key.get(key) or BreakdownRow(str(key), _label(dimension, key, ""), empty))
    return filled
