"""The scope of every figure: which period and which part of the catalogue, read once from the URL.

    /scores/?annee=2025&axe=acces-aux-droits&modalite=formation&dept=91&formation=12&intervenant=3&profil=elu
    /scores/?trimestre=2025-T2          /report/?du=2025-01-01&au=2025-06-30          /quotes/?annee=toutes

The score pages, « Mes résultats », the quotes workspace, the report, their CSV/XLSX/DOCX downloads, `flask report`
and the JSON API all build a `Scope` with `Scope.from_args` and give it back to links with `to_args`: one name, one
meaning and one message for each parameter everywhere.

- period: `annee` (a year, or `toutes` for every year), `trimestre` (`2025-T2`, or `T2` with `annee`), or `du` and
  `au` (ISO dates, both days included; one alone keeps the other bound of the year or quarter asked, or of the
  default period). The dates win over the quarter, the quarter over the year. Without any, the page's default
  period (the latest year with responses, `feedback.scores.default_year`, or every year for the quotes list).
- A reversed range (`au` before `du`) is swapped, never refused nor reset: the page shows the period the two dates
  bound and says so (`REVERSED`). The same on every page, download and command.
- catalogue: `axe`, `modalite`, `dept` (a département, or `aucun` for the sessions without one), `formation` and
  `intervenant` (ids), `profil` (the respondent's professional profile, a response's property).
- A value that cannot be read is ignored and the page says which (`IGNORED`): shared links and bookmarks must keep
  working, never end on an error page.

This module is below the areas: it imports models and labels only, so that dashboard, quotes, report, imports and
the API can all use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, select

from feedback.labels import department_condition, parse_department
from feedback.models import Axis, Department, Modality, Response, Training, TrainingSession
from feedback.models.catalogue import session_speakers

MIN_YEAR, MAX_YEAR = 1990, 2100
#: `annee=toutes`: every year (the quotes list opens on it).
ALL_YEARS = "toutes"
#: The parameters a scope reads, in the order the messages list them.
PARAMETERS = ("annee", "trimestre", "du", "au", "axe", "modalite", "dept", "formation", "intervenant", "profil")

#: The one message of values that cannot be read (the names of the parameters follow).
IGNORED = "Filtres non reconnus, ignorés : {names}."
#: The one message of a reversed range: swapped, and the period shown is told.
REVERSED = "Dates inversées : la période affichée va du {start:%d/%m/%Y} au {end:%d/%m/%Y}."

_QUARTER = re.compile(r"^(?:(\d{4})\s*-?\s*)?[Tt]([1-4])$")


class PeriodError(ValueError):
    """A period a command cannot read; the message is for the user (French)."""


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def _date(raw: str) -> date | None:
    try:
        value = date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def _year(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR else None


def _identifier(raw: str) -> int:
    if raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    raise ValueError(raw)


def _profile(raw: str) -> str:
    if len(raw) > 60:
        raise ValueError(raw)
    return raw


def _text(args: Mapping[str, str], name: str) -> str:
    value = args.get(name)
    return "" if value is None else str(value).strip()


def _gives_period(args: Mapping[str, str]) -> bool:
    """Whether the parameters fix the period by themselves (no default year needed)."""
    quarter = _QUARTER.match(_text(args, "trimestre"))
    return (
        _text(args, "annee") == ALL_YEARS
        or _year(_text(args, "annee")) is not None
        or bool(quarter and quarter.group(1))
        or (_date(_text(args, "du")) is not None and _date(_text(args, "au")) is not None)
    )


def _year_or_quarter(
    args: Mapping[str, str], default_year: int | None, ignored: list[str]
) -> tuple[date | None, date | None]:
    """The period of `annee` and `trimestre` (the default year without them; every year for `annee=toutes`)."""
    start, end = (date(default_year, 1, 1), date(default_year, 12, 31)) if default_year is not None else (None, None)
    raw_year = _text(args, "annee")
    year = _year(raw_year) if raw_year and raw_year != ALL_YEARS else None
    if raw_year == ALL_YEARS:
        start = end = None
    elif raw_year and year is None:
        ignored.append("annee")
    elif year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
    raw_quarter = _text(args, "trimestre")
    if raw_quarter:
        match = _QUARTER.match(raw_quarter)
        quarter_year = (int(match.group(1)) if match.group(1) else year or default_year) if match else None
        if match and quarter_year is not None and MIN_YEAR <= quarter_year <= MAX_YEAR:
            start, end = quarter_bounds(quarter_year, int(match.group(2)))
        else:
            ignored.append("trimestre")
    return start, end


def _dates(
    args: Mapping[str, str], start: date | None, end: date | None, ignored: list[str]
) -> tuple[date | None, date | None, bool]:
    """`du` and `au` over the period so far (each alone replaces its own bound); swapped when reversed."""
    for name in ("du", "au"):
        raw = _text(args, name)
        day = _date(raw) if raw else None
        if raw and day is None:
            ignored.append(name)
        elif day is not None and name == "du":
            start = day
        elif day is not None:
            end = day
    if start is not None and end is not None and end < start:
        return end, start, True
    return start, end, False


def _catalogue(args: Mapping[str, str], ignored: list[str]) -> dict:
    """The catalogue filters, each converted or, when it cannot be read, named in `ignored`."""
    values: dict = {}
    for name, key, convert in (
        ("axe", "axis", Axis),
        ("modalite", "modality", Modality),
        ("dept", "department", parse_department),
        ("formation", "training_id", _identifier),
        ("intervenant", "speaker_id", _identifier),
        ("profil", "profile", _profile),
    ):
        raw = _text(args, name)
        if not raw:
            continue
        try:
            values[key] = convert(raw)
        except ValueError:
            ignored.append(name)
    return values


@dataclass(frozen=True)
class Scope:
    """A period [start, end] (both days included; both None for every year) and any catalogue filters."""

    start: date | None
    end: date | None
    axis: Axis | None = None
    modality: Modality | None = None
    #: A Department, or NO_DEPARTMENT (`dept=aucun`) for the sessions without one.
    department: Department | str | None = None
    training_id: int | None = None
    speaker_id: int | None = None
    profile: str | None = None
    #: Parameters that were given but not understood, to tell the user (`messages`).
    ignored: tuple[str, ...] = field(default=(), compare=False)
    #: Whether `du` and `au` came reversed and were swapped (`messages`).
    swapped: bool = field(default=False, compare=False)

    # --- building -------------------------------------------------------------------------------------------

    @classmethod
    def for_year(cls, year: int, **filters) -> Scope:
        return cls(date(year, 1, 1), date(year, 12, 31), **filters)

    @classmethod
    def for_quarter(cls, year: int, quarter: int, **filters) -> Scope:
        return cls(*quarter_bounds(year, quarter), **filters)

    @classmethod
    def every_year(cls, **filters) -> Scope:
        return cls(None, None, **filters)

    @classmethod
    def from_args(cls, args: Mapping[str, str], default_year: int | Callable[[], int] | None = None) -> Scope:
        """The scope of URL parameters (a dict, or request.args: only the first value of each is read).

        `default_year` is the period without any period parameter (None: every year); a function is called only
        when the parameters do not give the period (it costs a GROUP BY over the responses). Nothing raises: what
        cannot be read is listed in `ignored`.
        """
        ignored: list[str] = []
        if callable(default_year):
            default_year = None if _gives_period(args) else default_year()
        start, end = _year_or_quarter(args, default_year, ignored)
        start, end, swapped = _dates(args, start, end, ignored)
        values = _catalogue(args, ignored)
        return cls(start, end, **values, ignored=tuple(dict.fromkeys(ignored)), swapped=swapped)

    @classmethod
    def from_period(cls, period: str, **filters) -> Scope:
        """A command line's period, read as the URL's: `2025`, `2025-T2`, `toutes` or `2025-01-01:2025-06-30`
        (reversed dates are swapped, as on the pages); PeriodError when it cannot be read."""
        text = period.strip()
        first, separator, last = text.partition(":")
        if separator:
            args = {"du": first, "au": last}
        elif _QUARTER.match(text):
            args = {"trimestre": text}
        else:
            args = {"annee": text}
        scope = cls.from_args(args)
        if scope.ignored or (separator and (scope.start is None or scope.end is None)):
            raise PeriodError(
                f"Période illisible : « {period} ». Donnez une année (2025), un trimestre (2025-T2), « toutes » ou "
                f"deux dates AAAA-MM-JJ:AAAA-MM-JJ (de {MIN_YEAR} à {MAX_YEAR})."
            )
        return replace(scope, **filters)

    # --- what the user is told ------------------------------------------------------------------------------

    def messages(self, also_ignored: Iterable[str] = ()) -> list[str]:
        """The notices of the scope (and of a page's own parameters that were not understood), in French."""
        notices = []
        names = [*self.ignored, *also_ignored]
        if names:
            notices.append(IGNORED.format(names=", ".join(dict.fromkeys(names))))
        if self.swapped and self.start and self.end:
            notices.append(REVERSED.format(start=self.start, end=self.end))
        return notices

    # --- the period -----------------------------------------------------------------------------------------

    @property
    def is_bounded(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.start is not None
            and self.end is not None
            and (self.start.month, self.start.day) == (1, 1)
            and self.end == date(self.start.year, 12, 31)
        )

    @property
    def quarter(self) -> int | None:
        """The quarter (1-4) when the period is exactly one, else None."""
        if self.start is None or self.end is None or self.start.day != 1 or self.start.month % 3 != 1:
            return None
        number = (self.start.month + 2) // 3
        return number if (self.start, self.end) == quarter_bounds(self.start.year, number) else None

    @property
    def label(self) -> str:
        """« 2025 », « T2 2025 », « du 01/01/2025 au 30/06/2025 », « toutes années »."""
        if self.start is None and self.end is None:
            return "toutes années"
        # A year or a quarter has a start (the first check narrows it for the type checker).
        if self.start is not None and self.is_calendar_year:
            return str(self.start.year)
        if self.start is not None and self.quarter:
            return f"T{self.quarter} {self.start.year}"
        left = f"{self.start:%d/%m/%Y}" if self.start else "…"
        right = f"{self.end:%d/%m/%Y}" if self.end else "…"
        return f"du {left} au {right}"

    def bounded(self, first: date, last: date) -> Scope:
        """The same scope with a missing bound filled (every year: from `first` to `last`), for the pages whose
        figures need a period (a trend, a comparison, the report)."""
        return replace(self, start=self.start or first, end=self.end or last)

    def previous_period(self) -> Scope | None:
        """The period of the same length just before (previous year, previous quarter); None when unbounded."""
        if self.start is None or self.end is None:
            return None
        if self.is_calendar_year:
            return replace(self, start=date(self.start.year - 1, 1, 1), end=date(self.start.year - 1, 12, 31))
        if self.quarter:
            year, quarter = (self.start.year, self.quarter - 1) if self.quarter > 1 else (self.start.year - 1, 4)
            start, end = quarter_bounds(year, quarter)
            return replace(self, start=start, end=end)
        end = self.start - timedelta(days=1)
        return replace(self, start=end - (self.end - self.start), end=end)

    # --- the catalogue --------------------------------------------------------------------------------------

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

    def without_catalogue_filters(self) -> Scope:
        """The whole centre over the same period (what a trainer's rate is compared with)."""
        return Scope(self.start, self.end)

    def period_args(self) -> dict[str, str]:
        if self.start is None and self.end is None:
            return {"annee": ALL_YEARS}
        if self.start is not None and self.is_calendar_year:
            return {"annee": str(self.start.year)}
        if self.start is not None and self.quarter:
            return {"trimestre": f"{self.start.year}-T{self.quarter}"}
        args = {"annee": ALL_YEARS} if self.start is None or self.end is None else {}
        if self.start:
            args["du"] = self.start.isoformat()
        if self.end:
            args["au"] = self.end.isoformat()
        return args

    def to_args(self) -> dict[str, str]:
        """URL parameters giving back this scope: `Scope.from_args(scope.to_args()) == scope` whatever the default."""
        return {**self.period_args(), **self.catalogue_filters}

    # --- SQL ------------------------------------------------------------------------------------------------

    def session_condition(self) -> ColumnElement[bool]:
        """Conditions on TrainingSession (and its Training, joined by the caller) for every filter but the profile."""
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(TrainingSession.start_date >= self.start)
        if self.end is not None:
            conditions.append(TrainingSession.start_date <= self.end)
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
            conditions.append(TrainingSession.id.in_(self._speaker_sessions()))
        return and_(True, *conditions)

    def _speaker_sessions(self):
        return select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == self.speaker_id)

    def response_condition(self) -> ColumnElement[bool]:
        """Conditions on Response itself: the period (the session's date copied on each response, which an index
        reads as one range) and the respondent's professional profile."""
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(Response.session_date >= self.start)
        if self.end is not None:
            conditions.append(Response.session_date <= self.end)
        if self.profile is not None:
            conditions.append(Response.profile == self.profile)
        return and_(True, *conditions)

    def session_ids(self) -> Select:
        """The ids of the sessions the scope picks (every filter but the profile), for a query on sessions alone."""
        return (
            select(TrainingSession.id)
            .join(Training, Training.id == TrainingSession.training_id)
            .where(self.session_condition())
        )

    def response_conditions(self) -> list[ColumnElement[bool]]:
        """Every condition of the scope on `responses` alone: the period and profile, and the sessions the other
        filters pick (a sub-select, only when one does)."""
        conditions = [self.response_condition()]
        if self.narrows_sessions:
            conditions.append(Response.session_id.in_(self.session_ids()))
        return conditions
