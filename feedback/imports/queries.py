"""The activity figures of a period: participations, distinct participants, visits, half-days, sessions.

Every figure is an SQL aggregate (GROUP BY), the same on SQLite and PostgreSQL:

- participations: the sum of the people present (`training_sessions.participants_present`, filled by the
  catalogue import or by hand); sessions whose count is unknown add nothing (see `sessions_with_count`);
- distinct participants and visits: from the attendance lists only (`attendances`, one keyed hash per person
  and session); `average_visits` = attendances / distinct participants. Sessions without a list are not in them
  (see `sessions_with_attendance`). Broken down by département, a person who came in two départements counts
  in both, as in the report's « participants distincts par département »;
- half-days and sessions: sums and counts of the sessions.

A session belongs to a period by its first day (both days of the period included). The scope is the one every page
reads (feedback/scope.py); the profile, a property of a response, does not narrow the activity. The report page
(and `flask report`) call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, distinct, func, select

from feedback.db import db
from feedback.models import Attendance, Training, TrainingSession
from feedback.scope import Scope

Dimension = Literal["department", "axis", "modality"]


_DIMENSIONS = {
    "department": TrainingSession.department,
    "axis": Training.axis,
    "modality": Training.modality,
}


@dataclass
class ActivityFigures:
    #: The group's value (a Department, Axis or Modality; None for the totals or for "no département").
    key: object | None
    sessions: int = 0
    participations: int = 0
    half_days: int = 0
    #: Sessions whose number of people present is known.
    sessions_with_count: int = 0
    attendances: int = 0
    distinct_participants: int = 0
    sessions_with_attendance: int = 0

    @property
    def average_visits(self) -> float | None:
        """How many sessions each participant attended on average (attendance lists only)."""
        return self.attendances / self.distinct_participants if self.distinct_participants else None


def session_figures(scope: Scope, by: Dimension | None = None) -> Select:
    """Sessions, participations, half-days and sessions with a known count, in total or per `by`."""
    columns = [
        func.count(TrainingSession.id).label("sessions"),
        func.coalesce(func.sum(TrainingSession.participants_present), 0).label("participations"),
        func.coalesce(func.sum(TrainingSession.half_days), 0).label("half_days"),
        func.count(TrainingSession.participants_present).label("sessions_with_count"),
    ]
    group = _DIMENSIONS[by] if by else None
    stmt = select(*([group.label("key")] if group is not None else []), *columns).join(
        Training, Training.id == TrainingSession.training_id
    )
    stmt = stmt.where(scope.session_condition())
    return stmt.group_by(group) if group is not None else stmt


def attendance_figures(scope: Scope, by: Dimension | None = None) -> Select:
    """Attendances, distinct participants and sessions with a list, in total or per `by`."""
    columns = [
        func.count().label("attendances"),
        func.count(distinct(Attendance.person_hash)).label("distinct_participants"),
        func.count(distinct(Attendance.session_id)).label("sessions_with_attendance"),
    ]
    group = _DIMENSIONS[by] if by else None
    stmt = (
        select(*([group.label("key")] if group is not None else []), *columns)
        .select_from(Attendance)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(scope.session_condition())
    )
    return stmt.group_by(group) if group is not None else stmt


def activity_totals(scope: Scope) -> ActivityFigures:
    """The period's figures: two aggregate queries."""
    figures = ActivityFigures(None)
    _fill(figures, db.session.execute(session_figures(scope)).one()._mapping)
    _fill(figures, db.session.execute(attendance_figures(scope)).one()._mapping)
    return figures


def activity_breakdown(scope: Scope, by: Dimension) -> list[ActivityFigures]:
    """The period's figures per département, axis or modality (two GROUP BY queries), largest participations first."""
    groups: dict[object, ActivityFigures] = {}
    for stmt in (session_figures(scope, by), attendance_figures(scope, by)):
        for row in db.session.execute(stmt):
            mapping = row._mapping
            _fill(groups.setdefault(mapping["key"], ActivityFigures(mapping["key"])), mapping)
    return sorted(groups.values(), key=lambda g: (-g.participations, -g.sessions, str(g.key or "")))


def participations_by_training(scope: Scope) -> Select:
    """Participations per training and département: the report's per-action blocks."""
    return (
        select(
            Training.id,
            Training.import_key,
            TrainingSession.department,
            func.count(TrainingSession.id).label("sessions"),
            func.coalesce(func.sum(TrainingSession.participants_present), 0).label("participations"),
        )
        .join(Training, Training.id == TrainingSession.training_id)
        .where(scope.session_condition())
        .group_by(Training.id, Training.import_key, TrainingSession.department)
    )


def _fill(figures: ActivityFigures, mapping) -> None:
    for name, value in mapping.items():
        if name != "key" and hasattr(figures, name):
            setattr(figures, name, int(value or 0))
