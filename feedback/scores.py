"""The one score module: satisfaction, response rate and recommendation, in total and broken down by any dimension,
for a `Scope` or for the sessions a page picks (the answers per level of each question, which only the scores pages
show, are read by feedback/dashboard/queries.py). Every page, download, the report, `flask
report` and the API read their scores here; the disclosure rule (what too few answers may show) is applied by the
callers with `feedback.disclosure`, never rewritten here.

All of it is computed by the database with GROUP BY (never a loop over responses), in two levels: the responses
are first counted per session (per session and profile for the profile breakdown), then those counts are summed
per group with the session's own columns (people present), so that a session's attendance is counted once however
many responses it has. The same SQL on SQLite and PostgreSQL.

This module is below the areas (it imports models, labels, the scope and the pure statistics) so that dashboard,
report and API can all import it. It stays one module above 400 lines on purpose: every read here is built on the
same two private levels of SQL (`_counts_per_session`, `_summed_columns`); splitting it would make them public.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, extract, func, literal, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import SQLColumnExpression

from feedback.analysis.statistics import (
    NetScore,
    SatisfactionRate,
    net_score,
    response_rate,
    satisfaction_rate,
)
from feedback.db import db, utcnow
from feedback.disclosure import discloses
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_label
from feedback.models import (
    Response,
    Speaker,
    Training,
    TrainingSession,
)
from feedback.models.catalogue import session_speakers
from feedback.models.domain import PROFILES, SATISFIED_LEVELS
from feedback.scope import Scope

SATISFIED = func.coalesce(func.sum(case((Response.overall_level >= min(SATISFIED_LEVELS), 1), else_=0)), 0)
ANSWERED = func.count(Response.overall_level)
RESPONSES = func.count(Response.id)
#: The session's own answers: follow-up answers ("évaluation à froid") are compared apart (followup_comparison).
FIRST_ANSWERS = Response.is_followup.is_(False)


class Dimension(enum.StrEnum):
    """What a table of scores is broken down by (the `vue` parameter)."""

    TRAINING = "formation"
    SESSION = "session"
    SPEAKER = "intervenant"
    AXIS = "axe"
    MODALITY = "modalite"
    DEPARTMENT = "dept"
    PROFILE = "profil"
    MONTH = "mois"
    QUARTER = "trimestre"
    YEAR = "annee"


DIMENSION_LABELS = {
    Dimension.TRAINING: "Formation",
    Dimension.SESSION: "Session",
    Dimension.SPEAKER: "Intervenant·e",
    Dimension.AXIS: "Axe",
    Dimension.MODALITY: "Modalité",
    Dimension.DEPARTMENT: "Département",
    Dimension.PROFILE: "Profil professionnel",
    Dimension.MONTH: "Mois",
    Dimension.QUARTER: "Trimestre",
    Dimension.YEAR: "Année",
}
TIME_DIMENSIONS = (Dimension.MONTH, Dimension.QUARTER, Dimension.YEAR)

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
PROFILE_LABELS = {value: label for value, label, _en in PROFILES}
NOT_GIVEN = "Non renseigné"


def default_year(speaker_id: int | None = None) -> int:
    """The year a score page, the report or `flask report` opens on: never an empty one.

    The latest year with enough responses to show a rate (the disclosure threshold, the same for every viewer);
    else the latest year with any response; else the latest year whose sessions have started (a catalogue without
    answers); else this year. `speaker_id` narrows it to a trainer's own sessions (`/scores/mine`). One GROUP BY.
    """
    year = extract("year", Response.session_date)
    stmt = select(year.label("year"), func.count(Response.id).label("n")).group_by(year)
    if speaker_id is not None:
        stmt = stmt.where(Response.session_id.in_(_sessions_of(speaker_id)))
    counts = {int(row.year): row.n for row in db.session.execute(stmt)}
    # The rule of feedback/disclosure.py at the threshold of anyone but an admin: the same year for every viewer.
    enough = [y for y, n in counts.items() if discloses(n, current_app.config["MIN_ANSWERS_FOR_RATE"])]
    if enough or counts:
        return max(enough or counts)
    started = select(func.max(TrainingSession.start_date)).where(TrainingSession.start_date <= utcnow().date())
    if speaker_id is not None:
        started = started.where(TrainingSession.id.in_(_sessions_of(speaker_id)))
    latest = db.session.scalar(started)
    return latest.year if latest else utcnow().year


def _sessions_of(speaker_id: int) -> Select:
    return select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == speaker_id)


def catalogue_years() -> tuple[date, date] | None:
    """The first and last day of the years the catalogue's sessions span (what « every year » bounds to)."""
    first, last = db.session.execute(
        select(func.min(TrainingSession.start_date), func.max(TrainingSession.start_date))
    ).one()
    return (date(first.year, 1, 1), date(last.year, 12, 31)) if first else None


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


def to_scores(row) -> Scores:
    return Scores(
        responses=int(row.responses),
        present=int(row.present) if row.present is not None else None,
        responses_with_present=int(row.resp_present),
        satisfaction=satisfaction_rate(row.satisfied, row.answered),
        sessions=int(row.sessions),
    )


# --- the one score SQL --------------------------------------------------------------------------------------------


def _counts_per_session(response_conditions: list, *, by_profile: bool = False):
    """First level: the first answers matching the conditions, counted per session (and profile)."""
    counted: list[ColumnElement[Any]] = [Response.session_id.label("session_id")]
    if by_profile:
        counted.append(Response.profile.label("profile"))
    return (
        select(*counted, RESPONSES.label("responses"), ANSWERED.label("answered"), SATISFIED.label("satisfied"))
        .where(FIRST_ANSWERS, *response_conditions)
        .group_by(*counted)
        .subquery("per_group")
    )


def _summed_columns(per_group, *, attendance_known: bool = True) -> tuple:
    """Second level: the per-session counts summed with each session's people present (counted once)."""
    present_known = TrainingSession.participants_present.is_not(None)
    present = func.sum(TrainingSession.participants_present) if attendance_known else literal(None)
    return (
        func.count(func.distinct(TrainingSession.id)).label("sessions"),
        func.coalesce(func.sum(per_group.c.responses), 0).label("responses"),
        func.coalesce(func.sum(per_group.c.answered), 0).label("answered"),
        func.coalesce(func.sum(per_group.c.satisfied), 0).label("satisfied"),
        present.label("present"),
        func.coalesce(func.sum(case((present_known, per_group.c.responses), else_=0)), 0).label("resp_present"),
    )


def _scope_query(scope: Scope, *, by_profile: bool = False):
    """(select of the summed counts over the scope's sessions, the per-session counts it sums)."""
    per_group = _counts_per_session(scope.response_conditions(), by_profile=by_profile)
    # People present are known per session: a share of them by profile (or among one profile) would be invented.
    attendance_known = not by_profile and scope.profile is None
    query = (
        select(*_summed_columns(per_group, attendance_known=attendance_known))
        .select_from(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(scope.session_condition())
    )
    if by_profile:
        return query.join(per_group, per_group.c.session_id == TrainingSession.id), per_group
    return query.outerjoin(per_group, per_group.c.session_id == TrainingSession.id), per_group


def _picked(condition: ColumnElement[bool]):
    """The per-session counts of the sessions a condition on TrainingSession picks (a session's, a training's
    page, a trainer's own sessions)."""
    return _counts_per_session([Response.session_id.in_(select(TrainingSession.id).where(condition))])


# --- a scope -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    #: Stable value of the group in URLs (an id, an enum value, 202503 for March 2025, 20252 for T2 2025...).
    key: str
    label: str
    scores: Scores
    #: The session's date, for the session breakdown's label and sorting.
    day: date | None = None


def scores_for(scope: Scope) -> Scores:
    """The totals over every session of the scope."""
    query, _ = _scope_query(scope)
    return to_scores(db.session.execute(query).one())


def satisfaction_for(scope: Scope) -> SatisfactionRate:
    """The satisfaction rate alone, without the sessions' attendance: over the whole centre it reads one range of
    an index."""
    row = db.session.execute(
        select(ANSWERED.label("answered"), SATISFIED.label("satisfied")).where(
            FIRST_ANSWERS, *scope.response_conditions()
        )
    ).one()
    return satisfaction_rate(row.satisfied, row.answered)


def net_score_for(scope: Scope) -> NetScore:
    """The 0-10 recommendation over the scope, from the value copied on each response."""
    counts = db.session.execute(
        select(Response.recommendation, func.count())
        .where(FIRST_ANSWERS, *scope.response_conditions(), Response.recommendation.is_not(None))
        .group_by(Response.recommendation)
    ).all()
    return net_score({int(value): int(count) for value, count in counts if value is not None})


def _year() -> ColumnElement[int]:
    return cast(extract("year", TrainingSession.start_date), Integer)


def _month() -> ColumnElement[int]:
    return cast(extract("month", TrainingSession.start_date), Integer)


# Over the complexity limit: one case per dimension of the breakdowns.
def _group_columns(  # noqa: C901
    dimension: Dimension, per_group
) -> tuple[SQLColumnExpression[Any], SQLColumnExpression[Any] | None, list[SQLColumnExpression[Any]]]:
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


def group_label(dimension: Dimension, key, label: str = "") -> str:
    if key is None or key == "":
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


def breakdown(scope: Scope, dimension: Dimension) -> list[BreakdownRow]:
    """One row per group that has sessions in the scope (groups without a response show n = 0)."""
    query, per_group = _scope_query(scope, by_profile=dimension == Dimension.PROFILE)
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
            label=group_label(dimension, row.key, row.label),
            scores=to_scores(row),
            day=row.start_date if dimension == Dimension.SESSION else None,
        )
        for row in rows
    ]


def sort_rows(
    rows: list[BreakdownRow], dimension: Dimension, key: str, descending: bool, min_answers: int
) -> list[BreakdownRow]:
    """Sort a breakdown's rows by a column (`nom`, `taux`, `reponses`, `sessions`, `taux-reponse`) or in the
    dimension's natural order.

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
        filled.append(by_key.get(key) or BreakdownRow(str(key), group_label(dimension, key), empty))
    return filled


# --- the sessions a page picks (a session, a training, a trainer's own sessions) ---------------------------------


def session_filter(
    *,
    sessions: Select | None = None,
    start: date | None = None,
    end: date | None = None,
    training_id: int | None = None,
) -> ColumnElement[bool]:
    """Conditions on TrainingSession: inside `sessions` (a select of sessions), a date range, a training."""
    conditions: list[ColumnElement[bool]] = []
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
    per_group = _picked(condition)
    row = db.session.execute(
        select(*_summed_columns(per_group))
        .select_from(TrainingSession)
        .outerjoin(per_group, per_group.c.session_id == TrainingSession.id)
        .where(condition)
    ).one()
    return to_scores(row)


def scores_by_session(condition: ColumnElement[bool]) -> list[tuple[TrainingSession, Scores]]:
    """Each session matching the condition with its scores, newest first."""
    per_group = _picked(condition)
    rows = (
        db.session.execute(
            select(TrainingSession, *_summed_columns(per_group))
            .outerjoin(per_group, per_group.c.session_id == TrainingSession.id)
            .where(condition)
            .group_by(TrainingSession.id)
            .order_by(TrainingSession.start_date.desc(), TrainingSession.id)
            # The table shows each session's training and speakers: loaded with the rows, not one query per row.
            .options(joinedload(TrainingSession.training), selectinload(TrainingSession.speakers))
        )
        .unique()
        .all()
    )
    return [(row.TrainingSession, to_scores(row)) for row in rows]


def response_count(session_id: int) -> int:
    """Responses received so far by one session (the live counter polls it: one indexed COUNT)."""
    return db.session.scalar(select(RESPONSES).where(Response.session_id == session_id, FIRST_ANSWERS)) or 0
