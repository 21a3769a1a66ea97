"""What a report holds (`Report` and its rows) and how it reads as JSON; built by report_figures.build.

Rates under `min_answers` answers are kept in the Report (n is a figure) and hidden wherever they are shown
(`Report.shows`, the disclosure rule of feedback/disclosure.py): the page's `rate` macro, the JSON, the spreadsheet
and the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import ngettext

from feedback.activity import ActivityFigures
from feedback.analysis.statistics import Difference, SatisfactionRate, rate_difference
from feedback.db import db
from feedback.disclosure import TOO_FEW_ANSWERS, discloses
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_filter_label
from feedback.models import Speaker, Training
from feedback.scope import Scope
from feedback.scores import (
    Scores,
)

#: What the report prints in place of a figure the data cannot give (a zero would be a claim).
NOT_AVAILABLE = "non disponible"
#: Why a figure is unknown, as the page, the downloads and the JSON say it.
NO_COUNT = "nombre de personnes présentes inconnu pour ces sessions"
NO_ATTENDANCE = "aucune liste d'émargement pour ces sessions"


@dataclass(frozen=True)
class Known:
    """A figure, or None with the reason it is unknown."""

    value: float | None
    reason: str | None = None


def known_figures(figures: ActivityFigures) -> dict[str, Known]:
    """Each activity figure of a period or a group, None where its source is missing (not a zero).

    Participations come from the sessions' counts of people present, distinct participants and visits from the
    attendance lists: without any of these among the group's sessions, the figure is unknown. Sessions and half-days
    come from the catalogue itself and are always known (a period without sessions has 0 of each).
    """
    has_sessions = figures.sessions > 0
    no_count = has_sessions and not figures.sessions_with_count
    no_list = has_sessions and not figures.sessions_with_attendance
    return {
        "participations": Known(None, NO_COUNT) if no_count else Known(figures.participations),
        "distinct_participants": Known(None, NO_ATTENDANCE) if no_list else Known(figures.distinct_participants),
        "average_visits": Known(None, NO_ATTENDANCE) if no_list else Known(figures.average_visits),
        "half_days": Known(figures.half_days),
        "sessions": Known(figures.sessions),
    }


@dataclass(frozen=True)
class Change:
    """A figure this period and in the previous one (None: unknown, or no previous period to compare with)."""

    current: float | None
    previous: float | None
    #: Why `current` is None.
    reason: str | None = None
    #: Why there is no comparison (the previous period has no data).
    previous_reason: str | None = None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def ratio(self) -> float | None:
        """The change as a share of the previous figure (+0.22 for « + 22 % »); none from zero."""
        if self.delta is None or not self.previous:
            return None
        return self.delta / self.previous


@dataclass(frozen=True)
class Headline:
    """One of the « EN CHIFFRES » figures."""

    key: str
    label: str
    change: Change


@dataclass(frozen=True)
class ActivityRow:
    """One département, axis or modality of the activity."""

    key: str
    label: str
    participations: int | None
    distinct_participants: int | None
    half_days: int
    sessions: int
    average_visits: float | None
    #: Why figures are missing (« participants distincts non disponibles : ... »), empty when all are known.
    note: str = ""


@dataclass(frozen=True)
class HalfDaysRow:
    """A département's half-days of intervention, this period against the previous one."""

    key: str
    label: str
    half_days: Change


@dataclass(frozen=True)
class ScoreRow:
    """One axis, département, modality or profile of the scores."""

    key: str
    label: str
    scores: Scores
    #: Share of the period's respondents (the profile breakdown).
    share: float | None = None


@dataclass(frozen=True)
class ThemeRow:
    phrase: str
    count: int
    share: float
    #: Comments praising the theme (positive clauses), and criticising it (negative or mixed).
    praised: int = 0
    criticised: int = 0


@dataclass(frozen=True)
class Verbatim:
    text: str
    attribution: str


@dataclass(frozen=True)
class VerbatimGroup:
    key: str
    label: str
    quotes: list[Verbatim]


@dataclass(frozen=True)
class Report:
    filters: Scope
    previous_filters: Scope
    #: Rates from fewer answers are not shown (0 for admins).
    min_answers: int
    totals: ActivityFigures
    previous_totals: ActivityFigures
    headline: list[Headline]
    by_department: list[ActivityRow]
    by_axis: list[ActivityRow]
    by_modality: list[ActivityRow]
    half_days_by_department: list[HalfDaysRow]
    satisfaction: Scores
    previous_satisfaction: SatisfactionRate
    satisfaction_by_axis: list[ScoreRow]
    satisfaction_by_department: list[ScoreRow]
    satisfaction_by_modality: list[ScoreRow]
    by_profile: list[ScoreRow]
    themes: list[ThemeRow]
    #: Comments analysed in the period (what the themes' shares are out of).
    comments: int
    verbatims: list[VerbatimGroup]

    @property
    def catalogue_labels(self) -> list[tuple[str, str]]:
        """The active filters other than the period: (name, value label)."""
        scope, labels = self.filters, []
        if scope.axis is not None:
            labels.append(("Axe", AXIS_LABELS[scope.axis]))
        if scope.department is not None:
            labels.append(("Département", department_filter_label(scope.department)))
        if scope.modality is not None:
            labels.append(("Modalité", MODALITY_LABELS[scope.modality]))
        if scope.training_id is not None:
            training = db.session.get(Training, scope.training_id)
            labels.append(("Formation", training.title if training else "?"))
        if scope.speaker_id is not None:
            speaker = db.session.get(Speaker, scope.speaker_id)
            labels.append(("Intervenant·e", speaker.name if speaker else "?"))
        return labels

    @property
    def has_previous(self) -> bool:
        """Whether the previous period has sessions to compare with (else no change is computed nor shown)."""
        return self.no_comparison is None

    @property
    def no_comparison(self) -> str | None:
        """Why the report makes no comparison, as the page, the document and the JSON say it."""
        return no_comparison_reason(self.previous_filters, self.previous_totals)

    @property
    def counting_note(self) -> str:
        """What the report counts, so that its totals can be reconciled with the catalogue."""
        return counting_note(self.filters, self.totals)

    def shows(self, rate: SatisfactionRate) -> bool:
        """Whether a rate is shown: the disclosure rule at the report's threshold (admins see every rate)."""
        return discloses(rate.answered, self.min_answers)

    def shown_rate(self, rate: SatisfactionRate) -> float | None:
        return rate.rate if self.shows(rate) else None

    @property
    def satisfaction_difference(self) -> Difference | None:
        """This period's rate minus the previous one's, when both are shown (flag it only when `is_real`)."""
        current, previous = self.satisfaction.satisfaction, self.previous_satisfaction
        if not (self.shows(current) and self.shows(previous)):
            return None
        return rate_difference(current, previous)

    def to_dict(self) -> dict[str, Any]:
        """The report's numbers for scripts and the website (`flask report --json`): what the page shows."""
        return {
            "period": _period(self.filters),
            "previous_period": _period(self.previous_filters),
            "filters": {
                "axis": self.filters.axis,
                "department": self.filters.department,
                "modality": self.filters.modality,
                "training": self.filters.training_id,
                "speaker": self.filters.speaker_id,
            },
            "scope": self.filters.to_args(),
            "notices": self.filters.messages(),
            "min_answers_for_rate": self.min_answers,
            "figures": {
                item.key: {
                    "value": item.change.current,
                    "previous": item.change.previous,
                    "change": item.change.delta,
                    "change_ratio": item.change.ratio,
                    "reason": item.change.reason,
                    "previous_reason": item.change.previous_reason,
                }
                for item in self.headline
            },
            "coverage": {
                "sessions": self.totals.sessions,
                "sessions_with_count": self.totals.sessions_with_count,
                "sessions_with_attendance": self.totals.sessions_with_attendance,
                "note": self.counting_note,
            },
            "comparison": {"made": self.has_previous, "reason": self.no_comparison},
            "satisfaction": {
                **self._rate(self.satisfaction.satisfaction),
                "previous": self._rate(self.previous_satisfaction),
                "responses": self.satisfaction.responses,
                "response_rate": self.satisfaction.response_rate,
            },
            "by_department": [_activity(row) for row in self.by_department],
            "by_axis": [_activity(row) for row in self.by_axis],
            "by_modality": [_activity(row) for row in self.by_modality],
            "half_days_by_department": [
                {
                    "key": row.key,
                    "label": row.label,
                    "half_days": row.half_days.current,
                    "previous": row.half_days.previous,
                    "change_ratio": row.half_days.ratio,
                    "previous_reason": row.half_days.previous_reason,
                }
                for row in self.half_days_by_department
            ],
            "satisfaction_by_axis": [self._score(row) for row in self.satisfaction_by_axis],
            "satisfaction_by_department": [self._score(row) for row in self.satisfaction_by_department],
            "satisfaction_by_modality": [self._score(row) for row in self.satisfaction_by_modality],
            "by_profile": [{**self._score(row), "share": row.share} for row in self.by_profile],
            "themes": {
                "comments": self.comments,
                "top": [
                    {
                        "theme": t.phrase,
                        "comments": t.count,
                        "share": t.share,
                        "praised": t.praised,
                        "criticised": t.criticised,
                    }
                    for t in self.themes
                ],
            },
            "verbatims": [
                {
                    "axis": group.key,
                    "label": group.label,
                    "quotes": [{"text": q.text, "attribution": q.attribution} for q in group.quotes],
                }
                for group in self.verbatims
            ],
        }

    def _rate(self, rate: SatisfactionRate) -> dict[str, Any]:
        shown = self.shows(rate)
        return {
            "n": rate.answered,
            "rate": rate.rate if shown else None,
            "low": rate.interval.low if shown and rate.interval else None,
            "high": rate.interval.high if shown and rate.interval else None,
            # Why a rate is missing, as the page says it (none when shown, or when nobody answered).
            "note": TOO_FEW_ANSWERS if rate.answered and not shown else None,
        }

    def _score(self, row: ScoreRow) -> dict[str, Any]:
        return {
            "key": row.key,
            "label": row.label,
            "sessions": row.scores.sessions,
            "responses": row.scores.responses,
            "response_rate": row.scores.response_rate,
            "satisfaction": self._rate(row.scores.satisfaction),
        }


def _period(filters: Scope) -> dict[str, str]:
    start, end = filters.start, filters.end
    assert start is not None and end is not None  # a report's scope is bounded (build.report_scope)
    return {"start": start.isoformat(), "end": end.isoformat(), "label": filters.label}


def _activity(row: ActivityRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "participations": row.participations,
        "distinct_participants": row.distinct_participants,
        "half_days": row.half_days,
        "sessions": row.sessions,
        "average_visits": row.average_visits,
        "note": row.note or None,
    }


def no_comparison_reason(previous: Scope, totals: ActivityFigures) -> str | None:
    """Why a period is not compared with the previous one: it has no sessions (nothing to compare with)."""
    if totals.sessions:
        return None
    return f"pas de comparaison : aucune session en {previous.label} pour ces filtres"


def counting_note(filters: Scope, totals: ActivityFigures) -> str:
    """What the report counts (which sessions, participations and half-days), in the page's words."""
    sessions = ngettext("%(num)d session", "%(num)d sessions", totals.sessions)
    counted = ngettext("%(num)d session", "%(num)d sessions", totals.sessions_with_count)
    listed = ngettext("%(num)d session", "%(num)d sessions", totals.sessions_with_attendance)
    return (
        f"Ce rapport compte les sessions du catalogue dont le premier jour tombe du {filters.start:%d/%m/%Y} au "
        f"{filters.end:%d/%m/%Y}, filtres compris ({sessions} au total), qu'elles aient un questionnaire ou non. "
        f"Participations : la somme des personnes présentes déclarées pour chaque session (une personne venue à "
        f"trois sessions compte trois fois), connue pour {counted} sur {totals.sessions} ; les sessions sans ce "
        f"nombre n'ajoutent rien. Participants distincts et venues par participant : d'après les listes "
        f"d'émargement de {listed}. Demi-journées : la somme des demi-journées d'intervention de chaque session "
        f"(une journée en compte deux)."
    )
