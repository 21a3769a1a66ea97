"""The comments' filters (the quotes workspace, the report, the API), read from and written to the URL
(bookmarkable, shareable).

    /quotes/?annee=2025&axe=linguistique-integration&dept=91&theme=echange+riche&ton=positive&q=reseau

The period and the catalogue are the one scope of every page (feedback/scope.py); the comment's own properties
are read here. A value that is not one of the known choices is ignored and the page says so: never an error page.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement

from feedback.analysis.quotes import QUOTE_WORDS
from feedback.analysis.text import fold, normalise
from feedback.disclosure import withheld_comment_sessions
from feedback.models import QuoteStatus, Response
from feedback.models.verbatims import TONES
from feedback.scope import Scope

MAX_SEARCH = 100


def search_text(text: str) -> str:
    """The folded form searched on: lower case, no accents, one kind of apostrophe ("Réseau" -> "reseau")."""
    return fold(normalise(text))


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
#: The tone filter's other value: verdicts the model was unsure of that no one has checked yet.
TO_CHECK = "a-verifier"
TO_CHECK_LABEL = "À vérifier (ton incertain)"
STATUS_LABELS = {
    QuoteStatus.NEW: "À trier",
    QuoteStatus.SHORTLISTED: "Présélectionné",
    QuoteStatus.APPROVED: "Approuvé",
    QuoteStatus.REJECTED: "Écarté",
}


@dataclass(frozen=True)
class CommentFilters:
    """Which comments: the one scope of every page (feedback/scope.py: period, catalogue, profile) and the comment's
    own properties (theme, tone, length, status, words)."""

    scope: Scope = field(default_factory=Scope.every_year)
    theme: str | None = None
    tone: str | None = None
    length: Length | None = None
    status: QuoteStatus | None = None
    search: str = ""
    #: The comment parameters that were given but not understood (the scope lists its own).
    ignored: tuple[str, ...] = field(default=(), compare=False)
    #: The viewer's disclosure threshold (feedback.disclosure.threshold): comments of sessions it withholds are left
    #: out of every page, theme, cloud and export built on these filters. 0 (admins, by default) withholds nothing.
    min_answers: int = 0

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], *, default_year: int | Callable[[], int] | None = None
    ) -> CommentFilters:
        """The scope (`default_year` None: every year) and the comment's own parameters."""
        ignored: list[str] = []
        values: dict = {}

        def choice(name: str, key: str, convert) -> None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return
            try:
                values[key] = convert(raw)
            except ValueError:
                ignored.append(name)

        def tone(raw: str) -> str:
            if raw not in TONES and raw != TO_CHECK:
                raise ValueError(raw)
            return raw

        def theme(raw: str) -> str:
            if len(raw) > 200:
                raise ValueError(raw)
            return raw

        choice("theme", "theme", theme)
        choice("ton", "tone", tone)
        choice("longueur", "length", Length)
        choice("statut", "status", QuoteStatus)
        search = " ".join((args.get("q") or "").split())[:MAX_SEARCH]
        scope = Scope.from_args(args, default_year)
        return cls(scope, **values, search=search, ignored=tuple(ignored))

    def messages(self) -> list[str]:
        """The scope's notices, this page's unread parameters with them (one message, as on every page)."""
        return self.scope.messages(self.ignored)

    def to_args(self, **changes) -> dict[str, str]:
        """The URL parameters of these filters (changes applied; None removes one)."""
        args = self.scope.to_args()
        for name, value in (
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

    # The scope's values, as the templates read them.
    start = property(lambda self: self.scope.start)
    end = property(lambda self: self.scope.end)
    axis = property(lambda self: self.scope.axis)
    modality = property(lambda self: self.scope.modality)
    department = property(lambda self: self.scope.department)
    training_id = property(lambda self: self.scope.training_id)
    speaker_id = property(lambda self: self.scope.speaker_id)
    profile = property(lambda self: self.scope.profile)

    @property
    def is_calendar_year(self) -> bool:
        return self.scope.is_calendar_year

    @property
    def period_label(self) -> str:
        return self.scope.label

    def previous_period(self) -> CommentFilters | None:
        """The same length of time just before (the previous year for a year); none without a bounded period."""
        previous = self.scope.previous_period()
        return replace(self, scope=previous) if previous is not None else None

    def catalogue_only(self) -> CommentFilters:
        """The scope, without the comment's own filters (theme, tone, length, status, search)."""
        return replace(self, theme=None, tone=None, length=None, status=None, search="")

    def response_conditions(self) -> list[ColumnElement]:
        """Conditions on `responses` for the scope and the disclosure rule."""
        conditions: list[ColumnElement] = list(self.scope.response_conditions())
        if self.min_answers:
            conditions.append(Response.session_id.not_in(withheld_comment_sessions(self.min_answers)))
        return conditions
