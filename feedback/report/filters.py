"""The report's filters: a period (a year by default) and an axis, a département, a modality, in the URL.

    /report/?annee=2025&axe=linguistique-integration&dept=91&modalite=formation
    /report/?du=2025-01-01&au=2025-06-30

They are read as the score pages read theirs (an unknown value is ignored and the page says so), and turned into
the filters of each source: the activity (imports), the scores (dashboard) and the comments (quotes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from feedback.dashboard.filters import MAX_YEAR, MIN_YEAR, ScoreFilters
from feedback.imports.queries import ActivityFilters
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_filter_label
from feedback.models import Axis, Department, Modality
from feedback.quotes.filters import CommentFilters

#: The parameters the report reads; any other (the score pages' `profil`, `vue`...) is left aside.
PARAMETERS = ("annee", "du", "au", "axe", "dept", "modalite")


class PeriodError(ValueError):
    """A period the command line cannot read; the message is for the user (French)."""


@dataclass(frozen=True)
class ReportFilters:
    """A period [start, end] (both days included) and optional axis, département and modality."""

    start: date
    end: date
    axis: Axis | None = None
    #: A Department, or NO_DEPARTMENT (`dept=aucun`) for the sessions without one.
    department: Department | str | None = None
    modality: Modality | None = None
    #: Parameters that were given but not understood, to tell the user.
    ignored: tuple[str, ...] = field(default=(), compare=False)
    #: The viewer's disclosure threshold (feedback.disclosure.threshold), set by `build_report`: the comments of
    #: anonymous sessions it withholds are left out of the themes, the cloud and the verbatims.
    min_answers: int = 0

    @classmethod
    def for_year(cls, year: int, **filters) -> ReportFilters:
        return cls(date(year, 1, 1), date(year, 12, 31), **filters)

    @classmethod
    def from_args(cls, args: MultiDict, default_year: int) -> ReportFilters:
        """From the URL, as the score pages read theirs (same names, same tolerance)."""
        kept = MultiDict([(key, value) for key, value in args.items(multi=True) if key in PARAMETERS])
        scores = ScoreFilters.from_args(kept, default_year)
        return cls(scores.start, scores.end, scores.axis, scores.department, scores.modality, scores.ignored)

    @classmethod
    def from_period(cls, period: str, **filters) -> ReportFilters:
        """From the command line: `2025`, or `2025-01-01:2025-06-30` (both days included)."""
        text = period.strip()
        if text.isdigit():
            year = int(text)
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise PeriodError(f"Année hors limites : « {period} » (de {MIN_YEAR} à {MAX_YEAR}).")
            return cls.for_year(year, **filters)
        first, separator, last = text.partition(":")
        try:
            start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            start = end = None
        if not separator or start is None or end is None:
            raise PeriodError(
                f"Période illisible : « {period} ». Donnez une année (2025) ou deux dates AAAA-MM-JJ:AAAA-MM-JJ."
            )
        if end < start:
            raise PeriodError(f"Période à l'envers : le {end:%d/%m/%Y} est avant le {start:%d/%m/%Y}.")
        if start.year < MIN_YEAR or end.year > MAX_YEAR:
            raise PeriodError(f"Dates hors limites : de {MIN_YEAR} à {MAX_YEAR}.")
        return cls(start, end, **filters)

    # --- the same filters for each source --------------------------------------------------------------------

    def scores(self) -> ScoreFilters:
        return ScoreFilters(self.start, self.end, axis=self.axis, modality=self.modality, department=self.department)

    def activity(self) -> ActivityFilters:
        # The activity's end is excluded: the day after the report's last day.
        return ActivityFilters(self.start, self.end + timedelta(days=1), self.axis, self.department, self.modality)

    def comments(self) -> CommentFilters:
        return CommentFilters(
            start=self.start,
            end=self.end,
            axis=self.axis,
            modality=self.modality,
            department=self.department,
            min_answers=self.min_answers,
        )

    def previous(self) -> ReportFilters:
        """The period of the same length just before (the previous year for a calendar year)."""
        previous = self.scores().previous_period()
        return ReportFilters(
            previous.start, previous.end, self.axis, self.department, self.modality, min_answers=self.min_answers
        )

    # --- for pages and links ---------------------------------------------------------------------------------

    @property
    def is_calendar_year(self) -> bool:
        return self.scores().is_calendar_year

    @property
    def label(self) -> str:
        return self.scores().label

    def to_args(self) -> dict[str, str]:
        """URL parameters giving back these filters (links, downloads, the word cloud)."""
        return self.scores().to_args()

    @property
    def catalogue_labels(self) -> list[tuple[str, str]]:
        """The active filters other than the period: (name, value label)."""
        labels = []
        if self.axis is not None:
            labels.append(("Axe", AXIS_LABELS[self.axis]))
        if self.department is not None:
            labels.append(("Département", department_filter_label(self.department)))
        if self.modality is not None:
            labels.append(("Modalité", MODALITY_LABELS[self.modality]))
        return labels
