"""The filters of the score pages, read from and written to the URL so that every view can be bookmarked.

    /scores/?annee=2025&axe=acces-aux-droits&modalite=formation&dept=91&vue=formation&tri=taux

A value that is not one of the known choices is ignored (the page says so), never an error page: these URLs
are shared by e-mail and pasted in reports, and an old link must keep working.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, select
from werkzeug.datastructures import MultiDict

from feedback.labels import department_condition, parse_department
from feedback.models import Axis, Department, Modality, Response, Training, TrainingSession
from feedback.models.catalogue import session_speakers


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

SORT_KEYS = ("nom", "taux", "reponses", "sessions", "taux-reponse")
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class ScoreFilters:
    """A period (a year by default) and any combination of catalogue filters."""

    start: date
    end: date
    axis: Axis | None = None
    modality: Modality | None = None
    #: A Department, or NO_DEPARTMENT for the sessions without one (`dept=aucun`).
    department: Department | str | None = None
    training_id: int | None = None
    speaker_id: int | None = None
    profile: str | None = None
    #: Parameters that were given but not understood, to tell the user.
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def for_year(cls, year: int) -> ScoreFilters:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def from_args(cls, args: MultiDict, default_year: int) -> ScoreFilters:
        ignored: list[str] = []
        start, end = date(default_year, 1, 1), date(default_year, 12, 31)
        year = args.get("annee", "")
        if year:
            if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR:
                start, end = date(int(year), 1, 1), date(int(year), 12, 31)
            else:
                ignored.append("annee")
        explicit_start, explicit_end = _date(args.get("du")), _date(args.get("au"))
        for name, value in (("du", explicit_start), ("au", explicit_end)):
            if args.get(name) and value is None:
                ignored.append(name)
        if explicit_start or explicit_end:
            start, end = explicit_start or start, explicit_end or end
        if end < start:
            ignored.extend(["du", "au"])
            start, end = date(default_year, 1, 1), date(default_year, 12, 31)
        return cls(
            start=start,
            end=end,
            axis=_choice(Axis, args.get("axe"), "axe", ignored),
            modality=_choice(Modality, args.get("modalite"), "modalite", ignored),
            department=_choice(parse_department, args.get("dept"), "dept", ignored),
            training_id=_identifier(args.get("formation"), "formation", ignored),
            speaker_id=_identifier(args.get("intervenant"), "intervenant", ignored),
            profile=(args.get("profil") or "").strip()[:60] or None,
            ignored=tuple(dict.fromkeys(ignored)),
        )

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def catalogue_filters(self) -> dict[str, str]:
        """The filters other than the period, as URL parameters."""
        values = {
            "axe": self.axis,
            "modalite": self.modality,
            "dept": self.department,
            "formation": self.training_id,
            "intervenant": self.speaker_id,
            "profil": self.profile,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    @property
    def narrows_sessions(self) -> bool:
        """Whether a filter other than the period (and the profile, which is on the response) picks sessions."""
        return any(
            value is not None
            for value in (self.axis, self.modality, self.department, self.training_id, self.speaker_id)
        )

    def to_args(self) -> dict[str, str]:
        """URL parameters giving back these filters (for links, sorting, drill-down and exports)."""
        period = (
            {"annee": str(self.start.year)}
            if self.is_calendar_year
            else {"du": self.start.isoformat(), "au": self.end.isoformat()}
        )
        return {**period, **self.catalogue_filters}

    def previous_period(self) -> ScoreFilters:
        """The period of the same length just before (the previous year for a calendar year)."""
        if self.is_calendar_year:
            return replace(self, start=date(self.start.year - 1, 1, 1), end=date(self.start.year - 1, 12, 31))
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return replace(self, start=end - length, end=end)

    def without_catalogue_filters(self) -> ScoreFilters:
        """The whole centre over the same period (what a trainer's rate is compared with)."""
        return ScoreFilters(self.start, self.end)

    def session_condition(self) -> ColumnElement[bool]:
        """Conditions on TrainingSession (and its Training, joined by the caller) for every filter but the profile."""
        conditions = [TrainingSession.start_date >= self.start, TrainingSession.start_date <= self.end]
        if self.axis is not None:
            conditions.append(Training.axis == self.axis)
        if self.modality is not None:
            conditions.append(Training.modality == self.modality)
        if self.department is not None:
            conditions.append(department_condition(self.department))
        if self.training_id is not None:
            conditions.append(TrainingSession.training_id == self.training_id)
        if self.speaker_id is not None:
            # From the speaker's sessions (indexed), rather than a test on every session of the period.
            conditions.append(
                TrainingSession.id.in_(
                    select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == self.speaker_id)
                )
            )
        return and_(*conditions)

    def response_condition(self) -> ColumnElement[bool]:
        """Conditions on Response itself: the period again (the session's date copied on each response, which
        an index reads as one range) and the respondent's professional profile."""
        conditions = [Response.session_date >= self.start, Response.session_date <= self.end]
        if self.profile is not None:
            conditions.append(Response.profile == self.profile)
        return and_(*conditions)

    @property
    def label(self) -> str:
        if self.is_calendar_year:
            return str(self.start.year)
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


def _date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def _choice(enum_type, raw: str | None, name: str, ignored: list[str]):
    if not raw:
        return None
    try:
        return enum_type(raw)
    except ValueError:
        ignored.append(name)
        return None


def _identifier(raw: str | None, name: str, ignored: list[str]) -> int | None:
    if not raw:
        return None
    if raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    ignored.append(name)
    return None
