"""The quotes workspace's filters, read from and written to the URL (bookmarkable, shareable).

    /quotes/?annee=2025&axe=linguistique-integration&dept=91&theme=echange+riche&ton=positive&q=reseau

A value that is not one of the known choices is ignored and the page says so: never an error page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from werkzeug.datastructures import MultiDict

from feedback.analysis.quotes import QUOTE_WORDS
from feedback.disclosure import withheld_comment_sessions
from feedback.labels import department_condition, parse_department
from feedback.models import Axis, Department, Modality, QuoteStatus, Response, Training, TrainingSession
from feedback.models.catalogue import session_speakers
from feedback.models.verbatims import TONES

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_SEARCH = 100


class Length(enum.StrEnum):
    SHORT = "court"
    QUOTE = "citation"
    LONG = "long"


LENGTH_LABELS = {
    Length.SHORT: f"Court (moins de {QUOTE_WORDS[0]} mots)",
    Length.QUOTE: f"Citable ({QUOTE_WORDS[0]} à {QUOTE_WORDS[1]} mots)",
    Length.LONG: f"Long (plus de {QUOTE_WORDS[1]} mots)",
}
TONE_LABELS = {"positive": "Positif", "mixed": "Mitigé", "negative": "Négatif", "neutral": "Neutre"}
STATUS_LABELS = {
    QuoteStatus.NEW: "À trier",
    QuoteStatus.SHORTLISTED: "Présélectionné",
    QuoteStatus.APPROVED: "Approuvé",
    QuoteStatus.REJECTED: "Écarté",
}


def _positive_int(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _date(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


@dataclass(frozen=True)
class CommentFilters:
    """Which comments: a period (none: every year), the catalogue, and the comment's own properties."""

    start: date | None = None
    end: date | None = None
    training_id: int | None = None
    speaker_id: int | None = None
    axis: Axis | None = None
    modality: Modality | None = None
    department: Department | None = None
    theme: str | None = None
    tone: str | None = None
    length: Length | None = None
    status: QuoteStatus | None = None
    search: str = ""
    ignored: tuple[str, ...] = field(default=(), compare=False)
    #: The viewer's disclosure threshold (feedback.disclosure.threshold): comments of sessions it withholds are left
    #: out of every page, theme, cloud and export built on these filters. 0 (admins, by default) withholds nothing.
    min_answers: int = 0

    @classmethod
    def from_args(cls, args: MultiDict, *, default_year: int | None = None) -> CommentFilters:
        ignored: list[str] = []
        values: dict = {}

        def choice(name: str, key: str, convert) -> None:
            raw = args.get(name, "").strip()
            if not raw:
                return
            try:
                values[key] = convert(raw)
            except ValueError:
                ignored.append(name)

        year = args.get("annee", "").strip()
        if year == "toutes":
            default_year = None
        elif year:
            if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR:
                default_year = int(year)
            else:
                ignored.append("annee")
        if default_year is not None:
            values["start"], values["end"] = date(default_year, 1, 1), date(default_year, 12, 31)
        start, end = _date(args.get("du", "")), _date(args.get("au", ""))
        for name, value in (("du", start), ("au", end)):
            if args.get(name) and value is None:
                ignored.append(name)
        if start or end:
            values["start"], values["end"] = start, end
            if start and end and end < start:
                values["start"], values["end"] = end, start

        def ident(raw: str) -> int:
            number = _positive_int(raw)
            if number is None:
                raise ValueError(raw)
            return number

        def tone(raw: str) -> str:
            if raw not in TONES:
                raise ValueError(raw)
            return raw

        def theme(raw: str) -> str:
            if len(raw) > 200:
                raise ValueError(raw)
            return raw

        choice("formation", "training_id", ident)
        choice("intervenant", "speaker_id", ident)
        choice("axe", "axis", Axis)
        choice("modalite", "modality", Modality)
        choice("dept", "department", parse_department)
        choice("theme", "theme", theme)
        choice("ton", "tone", tone)
        choice("longueur", "length", Length)
        choice("statut", "status", QuoteStatus)
        search = " ".join(args.get("q", "").split())[:MAX_SEARCH]
        return cls(**values, search=search, ignored=tuple(ignored))

    def to_args(self, **changes) -> dict[str, str]:
        """The URL parameters of these filters (changes applied; None removes one)."""
        args: dict[str, str] = {}
        if (
            self.start
            and self.end
            and self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            args["annee"] = str(self.start.year)
        else:
            if self.start is None and self.end is None:
                args["annee"] = "toutes"
            if self.start:
                args["du"] = self.start.isoformat()
            if self.end:
                args["au"] = self.end.isoformat()
        for name, value in (
            ("formation", self.training_id),
            ("intervenant", self.speaker_id),
            ("axe", self.axis),
            ("modalite", self.modality),
            ("dept", self.department),
            ("theme", self.theme),
            ("ton", self.tone),
            ("longueur", self.length),
            ("statut", self.status),
            ("q", self.search),
        ):
            if value:
                args[name] = str(value)
        for name, value in changes.items():
            if value is None:
                args.pop(name, None)
            else:
                args[name] = str(value)
        return args

    @property
    def period_label(self) -> str:
        if self.start is None and self.end is None:
            return "toutes années"
        if self.start and self.end and self.to_args().get("annee"):
            return str(self.start.year)
        left = self.start.strftime("%d/%m/%Y") if self.start else "…"
        right = self.end.strftime("%d/%m/%Y") if self.end else "…"
        return f"du {left} au {right}"

    def previous_period(self) -> CommentFilters | None:
        """The same length of time just before (the previous year for a year); none without a bounded period."""
        if self.start is None or self.end is None:
            return None
        if self.to_args().get("annee"):
            year = self.start.year - 1
            return replace(self, start=date(year, 1, 1), end=date(year, 12, 31))
        end = self.start - timedelta(days=1)
        return replace(self, start=end - (self.end - self.start), end=end)

    def catalogue_only(self) -> CommentFilters:
        """The period and catalogue filters, without the comment's own (theme, tone, length, status, search)."""
        return replace(self, theme=None, tone=None, length=None, status=None, search="")

    def response_conditions(self) -> list[ColumnElement]:
        """Conditions on `responses` for the period and the catalogue filters."""
        conditions: list[ColumnElement] = []
        if self.start:
            conditions.append(Response.session_date >= self.start)
        if self.end:
            conditions.append(Response.session_date <= self.end)
        sessions = select(TrainingSession.id)
        narrowed = False
        if self.training_id:
            sessions, narrowed = sessions.where(TrainingSession.training_id == self.training_id), True
        if self.department:
            sessions, narrowed = sessions.where(department_condition(self.department)), True
        if self.axis or self.modality:
            trainings = select(Training.id)
            if self.axis:
                trainings = trainings.where(Training.axis == self.axis)
            if self.modality:
                trainings = trainings.where(Training.modality == self.modality)
            sessions, narrowed = sessions.where(TrainingSession.training_id.in_(trainings)), True
        if self.speaker_id:
            spoken = select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == self.speaker_id)
            sessions, narrowed = sessions.where(TrainingSession.id.in_(spoken)), True
        if narrowed:
            conditions.append(Response.session_id.in_(sessions))
        if self.min_answers:
            conditions.append(Response.session_id.not_in(withheld_comment_sessions(self.min_answers)))
        return conditions
