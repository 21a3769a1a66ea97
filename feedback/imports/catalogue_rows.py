"""The catalogue's row rules, whatever its format: the columns, the specs built, each cell read and bounded, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from feedback.imports.parsing import (
    department_from_text,
    scan_french_dates,
)
from feedback.imports.tables import Cell, Problem, Row, Table, cell_text, header_key
from feedback.models.catalogue import Axis, Department, Modality

REPORT = "rapport"
SESSIONS = "sessions"
FORMAT_LABELS = {REPORT: "rapport d'activité (une ligne par action et département)", SESSIONS: "une ligne par session"}

MAX_TITLE = 300
MAX_PLACE = 300
MAX_SPEAKER = 200
MAX_REFERENCE = 80
MAX_PARTICIPANTS = 100_000
MAX_MEETINGS = 1_000
MAX_SESSION_DAYS = 60


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    #: The name written in the documentation and in error messages.
    label: str
    aliases: tuple[str, ...]
    required: bool = True


REPORT_COLUMNS = (
    ColumnSpec("axis", "axis", ("axis", "axe")),
    ColumnSpec("modality", "modality", ("modality", "modalite")),
    ColumnSpec("title", "title", ("title", "titre")),
    ColumnSpec("department", "department", ("department", "departement")),
    ColumnSpec("meetings", "meetings", ("meetings", "rencontres")),
    ColumnSpec("participations", "participations", ("participations",)),
    ColumnSpec("dates", "dates", ("dates",)),
    ColumnSpec("first_date_iso", "first_date_iso", ("firstdateiso", "premieredate"), required=False),
    ColumnSpec("source_line", "source_line", ("sourceline",)),
)
SESSION_COLUMNS = (
    ColumnSpec("title", "titre", ("titre", "title", "formation", "action")),
    ColumnSpec("axis", "axe", ("axe", "axis", "thematique")),
    ColumnSpec("modality", "modalite", ("modalite", "modality")),
    ColumnSpec("department", "departement", ("departement", "department", "dept"), required=False),
    ColumnSpec("start_date", "date_debut", ("datedebut", "datededebut", "startdate", "date", "debut")),
    ColumnSpec("end_date", "date_fin", ("datefin", "datedefin", "enddate", "fin"), required=False),
    ColumnSpec("half_days", "demi_journees", ("demijournees", "halfdays"), required=False),
    ColumnSpec(
        "participants", "participants", ("participants", "participations", "presents", "nombredepresents"), False
    ),
    ColumnSpec("place", "lieu", ("lieu", "place"), required=False),
    ColumnSpec("speakers", "intervenants", ("intervenants", "intervenantes", "speakers"), required=False),
    ColumnSpec("reference", "reference", ("reference", "ref", "cle", "key"), required=False),
)


@dataclass
class SessionSpec:
    """A session as the file describes it; `key` is its stable import key."""

    key: str
    start_date: date
    end_date: date | None
    half_days: int
    department: Department | None
    participants: int | None
    line: int
    place: str = ""
    speakers: tuple[str, ...] = ()


@dataclass
class TrainingSpec:
    key: str
    title: str
    axis: Axis
    modality: Modality
    #: File lines of its rows.
    lines: list[int]
    sessions: list[SessionSpec] = field(default_factory=list)


@dataclass
class CatalogueFile:
    format: str
    encoding: str
    rows: int
    trainings: list[TrainingSpec]
    #: Things said in the preview that do not stop the import (an action without a date...).
    notes: list[Problem] = field(default_factory=list)

    @property
    def sessions(self) -> list[SessionSpec]:
        return [s for t in self.trainings for s in t.sessions]

    @property
    def participations(self) -> int:
        return sum(s.participants or 0 for s in self.sessions)


# -- columns ---------------------------------------------------------------------------------------------------


def column_index(table: Table, specs: tuple[ColumnSpec, ...], format_name: str) -> tuple[dict[str, int], list[Problem]]:
    """Index of each known column; problems for missing, repeated or unknown ones."""
    problems: list[Problem] = []
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, name in enumerate(table.header):
        key = header_key(name)
        spec = next((s for s in specs if key in s.aliases), None)
        if spec is None:
            if name.strip():
                unknown.append(name)
            continue
        if spec.key in found:
            problems.append(Problem(table.header_line, name, f"la colonne « {spec.label} » apparaît deux fois."))
            continue
        found[spec.key] = index
    missing = [s.label for s in specs if s.required and s.key not in found]
    if missing:
        expected = ", ".join(s.label + ("" if s.required else " (facultative)") for s in specs)
        problems.append(
            Problem(
                table.header_line,
                None,
                f"colonnes manquantes pour le format « {FORMAT_LABELS[format_name]} » : {', '.join(missing)}. "
                f"Colonnes attendues : {expected}.",
            )
        )
    if unknown and not missing:
        problems.extend(
            Problem(table.header_line, name, "colonne inconnue : renommez-la ou retirez-la.") for name in unknown
        )
    return found, problems


def problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.column or "")


# -- cells -----------------------------------------------------------------------------------------------------


class Cells:
    """Typed reading of one row's cells; every problem lands in `problems` with the row's line and column."""

    def __init__(self, row: Row, columns: dict[str, int], labels: dict[str, str], problems: list[Problem]):
        self.row, self.columns, self.labels, self.problems = row, columns, labels, problems

    def raw(self, key: str) -> Cell:
        return self.row.get(self.columns.get(key))

    def refused(self, key: str) -> bool:
        """The cell was refused while reading the file (and reported then): no second problem for it."""
        return self.columns.get(key) in self.row.refused

    def text(self, key: str) -> str:
        return " ".join(cell_text(self.raw(key)).split())

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.row.line, self.labels[key], message))

    def integer(self, key: str, *, maximum: int) -> int | None:
        value = self.raw(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool | date):
            self.fail(key, "un nombre entier est attendu.")
            return None
        if isinstance(value, float):
            if not value.is_integer():
                self.fail(key, f"un nombre entier est attendu, pas « {cell_text(value)} ».")
                return None
            value = int(value)
        if isinstance(value, str):
            cleaned = value.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            if not re.fullmatch(r"-?\d+", cleaned):
                self.fail(key, f"un nombre entier est attendu, pas « {value[:40]} ».")
                return None
            value = int(cleaned)
        if value < 0:
            self.fail(key, "un nombre positif est attendu.")
            return None
        if value > maximum:
            self.fail(key, f"nombre trop grand (au plus {maximum}).")
            return None
        return value

    def bounded_text(self, key: str, maximum: int, *, required: bool = False) -> str:
        value = self.text(key)
        if required and not value and not self.refused(key):
            self.fail(key, "cette cellule est obligatoire.")
        elif len(value) > maximum:
            self.fail(key, f"texte trop long ({len(value)} caractères, au plus {maximum}).")
            return value[:maximum]
        return value

    def department(self, key: str) -> Department | None:
        value = self.text(key)
        if not value:
            return None
        found = department_from_text(value)
        if found is None:
            self.fail(key, f"département inconnu « {value[:40]} » (attendu : 91, 94, 77 ou vide).")
        return found

    def date(self, key: str, *, required: bool) -> date | None:
        value = self.raw(key)
        if value is None or value == "":
            if required and not self.refused(key):
                self.fail(key, "la date est obligatoire.")
            return None
        parsed, problem = read_date(value)
        if problem:
            self.fail(key, problem)
        return parsed


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")


def read_date(value: Cell) -> tuple[date | None, str | None]:
    """A date cell: an XLSX date, AAAA-MM-JJ, JJ/MM/AAAA or « 15 mai 2025 »; (None, French reason) otherwise."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = cell_text(value)
    parts: tuple[int, int, int] | None = None
    if match := _ISO_DATE.fullmatch(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _NUMERIC_DATE.fullmatch(text):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is not None:
        try:
            return date(*parts), None
        except ValueError:
            return None, f"la date « {text} » n'existe pas."
    if re.search(r"\b\d{4}\b", text):
        groups, problems = scan_french_dates(text, year=1)
        if problems:
            return None, f"date « {text[:40]} » : {problems[0]}."
        days = [d for group in groups for d in group]
        if len(days) == 1 and days[0].year != 1:
            return days[0], None
    return None, f"date illisible « {text[:40]} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)."


def split_participants(total: int | None, parts: int) -> list[int | None]:
    """`total` over `parts` sessions, as even as possible, the earliest sessions taking one more: the sum is exact."""
    if parts <= 0:
        return []
    if total is None:
        return [None] * parts
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
