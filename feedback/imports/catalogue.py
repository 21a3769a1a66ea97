"""A catalogue file turned into the trainings and sessions it describes: pure Python, deterministic, no database.

Two formats, told apart by their header (see the README, « Importer le catalogue »):

- **rapport**: the activity report's table (`feedback/data/activite-2025.csv`): one row per action and
  département; `meetings` is the action's total repeated on each of its rows; `dates` in French.
- **sessions**: one row per session, with ISO or French (JJ/MM/AAAA) dates.

Every row is checked before anything is built; `parse_catalogue` raises `FileRejected` with every problem found.
The same file always gives the same keys, so that importing it twice creates nothing the second time.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import ngettext

from feedback.imports.parsing import (
    action_title,
    axis_from_text,
    consecutive_runs,
    department_from_text,
    fold,
    half_days_per_day,
    modality_from_row,
    modality_from_text,
    scan_french_dates,
    title_head,
)
from feedback.imports.tables import Cell, FileRejected, Problem, Row, Table, cell_text, header_key
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


def _columns(table: Table, specs: tuple[ColumnSpec, ...], format_name: str) -> tuple[dict[str, int], list[Problem]]:
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


def detect_format(table: Table) -> str | None:
    keys = {header_key(name) for name in table.header}
    if "sourceline" in keys:
        return REPORT
    start_aliases = next(s for s in SESSION_COLUMNS if s.key == "start_date").aliases
    if keys & set(start_aliases):
        return SESSIONS
    return None


def parse_catalogue(table: Table, *, year: int | None = None) -> CatalogueFile:
    """The trainings and sessions of a catalogue table; raises FileRejected listing every problem."""
    format_name = detect_format(table)
    if format_name is None:
        found = ", ".join(f"« {name} »" for name in table.header if name) or "aucune"
        raise FileRejected(
            [
                *table.problems,
                Problem(
                    table.header_line,
                    None,
                    "format de fichier non reconnu (colonnes trouvées : "
                    f"{found}). Colonnes attendues, format rapport d'activité : "
                    f"{', '.join(s.label for s in REPORT_COLUMNS)} ; ou format une ligne par session : "
                    f"{', '.join(s.label for s in SESSION_COLUMNS)}.",
                ),
            ]
        )
    specs = REPORT_COLUMNS if format_name == REPORT else SESSION_COLUMNS
    columns, problems = _columns(table, specs, format_name)
    problems = [*table.problems, *problems]
    if any(p.column is None and p.line == table.header_line for p in problems):
        raise FileRejected(sorted(problems, key=_order))
    reader = _ReportReader if format_name == REPORT else _SessionReader
    result = reader(table, columns, year).read(problems)
    if problems:
        raise FileRejected(sorted(problems, key=_order))
    return result


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.column or "")


# -- cells -----------------------------------------------------------------------------------------------------


class _Cells:
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


# -- the report's format ---------------------------------------------------------------------------------------


@dataclass
class _ReportRow:
    line: int
    axis: Axis | None
    modality: Modality | None
    title: str
    department: Department | None
    meetings: int | None
    participations: int | None
    dates_text: str
    days: list[date]
    first_date: date | None
    source_line: str


class _ReportReader:
    def __init__(self, table: Table, columns: dict[str, int], year: int | None):
        self.table, self.columns, self.year = table, columns, year
        self.labels = {spec.key: spec.label for spec in REPORT_COLUMNS}
        for spec in REPORT_COLUMNS:
            if spec.key in columns:
                self.labels[spec.key] = table.header[columns[spec.key]]

    def read(self, problems: list[Problem]) -> CatalogueFile:
        notes: list[Problem] = []
        year = self.year or self._file_year()
        rows = [self._row(row, year, problems) for row in self.table.rows]
        if year is None and any(r.dates_text and r.first_date is None for r in rows):
            problems.append(
                Problem(None, None, "année des dates inconnue : ajoutez la colonne first_date_iso ou indiquez l'année.")
            )
            return CatalogueFile(REPORT, self.table.encoding, len(rows), [], notes)
        actions: dict[str, list[_ReportRow]] = {}
        for row in rows:
            if row.source_line:
                actions.setdefault(row.source_line, []).append(row)
        trainings = []
        for source_line, action_rows in actions.items():
            training = self._training(f"activite-{year}:{source_line}", action_rows, problems, notes)
            if training is not None:
                trainings.append(training)
        return CatalogueFile(REPORT, self.table.encoding, len(rows), trainings, notes)

    def _file_year(self) -> int | None:
        """The most frequent year of `first_date_iso`: the report's year."""
        years: Counter[int] = Counter()
        if "first_date_iso" in self.columns:
            for row in self.table.rows:
                parsed, _ = read_date(row.get(self.columns["first_date_iso"]))
                if parsed is not None:
                    years[parsed.year] += 1
        return years.most_common(1)[0][0] if years else None

    # Over the complexity limit: one branch per column of the activity table.
    def _row(self, row: Row, year: int | None, problems: list[Problem]) -> _ReportRow:  # noqa: C901
        cells = _Cells(row, self.columns, self.labels, problems)
        axis_text = cells.text("axis")
        axis = axis_from_text(axis_text)
        if not axis_text:
            cells.fail("axis", "l'axe est obligatoire.")
        elif axis is None:
            cells.fail(
                "axis",
                f"axe inconnu « {axis_text[:60]} » (attendu : l'un des six axes du rapport, "
                "ACTIVITÉ RÉGIONALE ou ACTIVITÉ NATIONALE).",
            )
        title = cells.bounded_text("title", MAX_TITLE, required=True)
        modality_text = cells.text("modality")
        modality = modality_from_text(modality_text) if modality_text else modality_from_row("", title)
        if modality is None:
            cells.fail("modality", f"modalité inconnue « {modality_text[:60]} ».")
        source_line = cells.text("source_line")
        if not source_line:
            cells.fail("source_line", "la référence de l'action est obligatoire (ses lignes la partagent).")
        elif not re.fullmatch(r"[\w.-]{1,40}", source_line):
            cells.fail("source_line", "référence d'action illisible (40 lettres ou chiffres au plus).")
            source_line = ""
        first_date = cells.date("first_date_iso", required=False) if "first_date_iso" in self.columns else None
        dates_text = cells.text("dates")
        row_year = first_date.year if first_date else year
        days: list[date] = []
        if dates_text and row_year is not None:
            groups, date_problems = scan_french_dates(dates_text, row_year)
            for problem in date_problems:
                cells.fail("dates", problem + ".")
            days = [_after(d, first_date) for group in groups for d in group]
            if not groups and not date_problems:
                cells.fail("dates", f"aucune date lue dans « {dates_text[:60]} ».")
            elif days and first_date and min(days) != first_date:
                cells.fail(
                    "dates",
                    f"la première date lue ({min(days):%d/%m/%Y}) n'est pas celle de first_date_iso "
                    f"({first_date:%d/%m/%Y}).",
                )
        if not days and first_date:
            days = [first_date]
        participations = cells.integer("participations", maximum=MAX_PARTICIPANTS)
        if participations is not None and not days and not dates_text:
            cells.fail("dates", "des participations sans aucune date : indiquez au moins une date.")
        return _ReportRow(
            line=row.line,
            axis=axis,
            modality=modality,
            title=title,
            department=cells.department("department"),
            meetings=cells.integer("meetings", maximum=MAX_MEETINGS),
            participations=participations,
            dates_text=dates_text,
            days=days,
            first_date=first_date,
            source_line=source_line,
        )

    def _training(
        self, key: str, rows: list[_ReportRow], problems: list[Problem], notes: list[Problem]
    ) -> TrainingSpec | None:
        first = rows[0]
        for row in rows[1:]:
            for attribute, label in (("axis", "axis"), ("modality", "modality")):
                if getattr(row, attribute) != getattr(first, attribute):
                    problems.append(
                        Problem(
                            row.line,
                            self.labels[label],
                            f"l'action {first.source_line} a une autre valeur à la ligne {first.line} : "
                            "les lignes d'une même action doivent la partager.",
                        )
                    )
            if title_head(row.title) != title_head(first.title):
                problems.append(
                    Problem(
                        row.line,
                        self.labels["title"],
                        f"titre différent de celui de la ligne {first.line} pour la même action "
                        f"{first.source_line} (un sous-titre peut suivre « — »).",
                    )
                )
        if first.axis is None or first.modality is None or not first.title:
            return None
        title = action_title([r.title for r in rows])
        if len(title) > MAX_TITLE:
            return None
        training = TrainingSpec(key, title, first.axis, first.modality, [r.line for r in rows])
        per_row_days, dealt_note = _deal_days(rows)
        if dealt_note:
            notes.append(Problem(first.line, None, dealt_note))
        training.sessions = self._sessions(key, rows, per_row_days, first.modality, notes)
        if not training.sessions:
            notes.append(
                Problem(first.line, None, f"l'action {first.source_line} n'a pas de date : créée sans session.")
            )
        return training

    def _sessions(
        self, key: str, rows: list[_ReportRow], per_row_days: list[list[date]], modality: Modality, notes: list[Problem]
    ) -> list[SessionSpec]:
        meetings = _action_meetings(rows)
        day_count = sum(len(days) for days in per_row_days)
        run_count = sum(len(consecutive_runs(days)) for days in per_row_days)
        by_run = meetings is not None and meetings != day_count and meetings == run_count
        if meetings is not None and meetings not in (day_count, run_count) and day_count:
            notes.append(
                Problem(
                    rows[0].line,
                    self.labels["meetings"],
                    f"l'action {rows[0].source_line} annonce "
                    + ngettext("%(num)d rencontre", "%(num)d rencontres", meetings)
                    + f" mais ses dates en donnent {day_count} : "
                    + ngettext("%(num)d session créée", "%(num)d sessions créées, une par date", day_count)
                    + ".",
                )
            )
        numbers: Counter[str] = Counter()
        sessions: list[SessionSpec] = []
        for row, days in zip(rows, per_row_days, strict=True):
            slots = consecutive_runs(days) if by_run else [[d] for d in sorted(days)]
            present = split_participants(row.participations, len(slots))
            for run, participants in zip(slots, present, strict=True):
                department = row.department.value if row.department else "x"
                numbers[department] += 1
                sessions.append(
                    SessionSpec(
                        key=f"{key}:{department}:{numbers[department]}",
                        start_date=run[0],
                        end_date=run[-1] if len(run) > 1 else None,
                        half_days=half_days_per_day(modality) * len(run),
                        department=row.department,
                        participants=participants,
                        line=row.line,
                    )
                )
        return sessions


def _after(day: date, first: date | None) -> date:
    """A date written without its year in a month before the action's first month is in the following year."""
    if first is not None and day.year == first.year and day.month < first.month:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day
    return day


def _action_meetings(rows: list[_ReportRow]) -> int | None:
    """The action's number of meetings: the value repeated on each row, or the rows' own values added up."""
    values = [r.meetings for r in rows]
    if any(v is None for v in values):
        return None
    if len(set(values)) == 1:
        return values[0]
    return sum(v for v in values if v is not None)


def _deal_days(rows: list[_ReportRow]) -> tuple[list[list[date]], str | None]:
    """The days of each row of an action.

    Rows that repeat the same list of dates (an action held in several départements) share them out: the report
    does not say which date was where, so the dates are dealt in the order written, in contiguous blocks as even
    as possible, the first rows taking one more (the report prints one département's dates after the other's).
    """
    if len(rows) < 2 or len({r.dates_text for r in rows}) != 1 or not rows[0].days:
        return [list(r.days) for r in rows], None
    days = rows[0].days
    if len(days) < len(rows):
        return [[days[i % len(days)]] for i in range(len(rows))], (
            f"l'action {rows[0].source_line} a moins de dates ({len(days)}) que de départements ({len(rows)}) : "
            "des départements partagent une date."
        )
    base, extra = divmod(len(days), len(rows))
    dealt, start = [], 0
    for index in range(len(rows)):
        size = base + (1 if index < extra else 0)
        dealt.append(days[start : start + size])
        start += size
    return dealt, None


def split_participants(total: int | None, parts: int) -> list[int | None]:
    """`total` over `parts` sessions, as even as possible, the earliest sessions taking one more: the sum is exact."""
    if parts <= 0:
        return []
    if total is None:
        return [None] * parts
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# -- one row per session ---------------------------------------------------------------------------------------


def _title_hash(title: str) -> str:
    normal = " ".join(fold(title).split())
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


class _SessionReader:
    def __init__(self, table: Table, columns: dict[str, int], year: int | None):
        self.table, self.columns = table, columns
        self.labels = {spec.key: spec.label for spec in SESSION_COLUMNS}
        for spec in SESSION_COLUMNS:
            if spec.key in columns:
                self.labels[spec.key] = table.header[columns[spec.key]]

    # Over the complexity limit: groups rows into trainings and sessions, with a problem per inconsistency.
    def read(self, problems: list[Problem]) -> CatalogueFile:  # noqa: C901
        trainings: dict[str, TrainingSpec] = {}
        references: dict[str, int] = {}
        numbers: Counter[tuple] = Counter()
        for row in self.table.rows:
            cells = _Cells(row, self.columns, self.labels, problems)
            before = len(problems)
            title = cells.bounded_text("title", MAX_TITLE, required=True)
            axis = self._choice(cells, "axis", axis_from_text, "axe")
            modality = self._choice(cells, "modality", modality_from_text, "modalité")
            department = cells.department("department")
            start = cells.date("start_date", required=True)
            end = cells.date("end_date", required=False)
            if start and end:
                if end < start:
                    cells.fail("end_date", "la date de fin précède la date de début.")
                elif (end - start).days >= MAX_SESSION_DAYS:
                    cells.fail("end_date", f"une session de plus de {MAX_SESSION_DAYS} jours : vérifiez les dates.")
            half_days = cells.integer("half_days", maximum=100)
            participants = cells.integer("participants", maximum=MAX_PARTICIPANTS)
            place = cells.bounded_text("place", MAX_PLACE)
            speakers = self._speakers(cells)
            reference = cells.bounded_text("reference", MAX_REFERENCE)
            if reference:
                if reference in references:
                    cells.fail("reference", f"référence déjà donnée à la ligne {references[reference]}.")
                references.setdefault(reference, row.line)
            if len(problems) > before or not (title and axis and modality and start):
                continue
            training_key = f"formation:{_title_hash(title)}"
            training = trainings.get(training_key)
            if training is None:
                training = trainings[training_key] = TrainingSpec(training_key, title, axis, modality, [])
            elif (training.axis, training.modality) != (axis, modality):
                cells.fail(
                    "axis" if training.axis != axis else "modality",
                    f"la formation « {title[:60]} » a un autre axe ou une autre modalité à la ligne "
                    f"{training.lines[0]}.",
                )
                continue
            training.lines.append(row.line)
            end = end if end and end != start else None
            days = ((end - start).days + 1) if end else 1
            if reference:
                key = f"session:{reference}"
            else:
                slot = (training_key, start, department)
                numbers[slot] += 1
                key = (
                    f"session:{training_key[10:26]}:{start.isoformat()}:"
                    f"{department.value if department else 'x'}:{numbers[slot]}"
                )
            training.sessions.append(
                SessionSpec(
                    key=key,
                    start_date=start,
                    end_date=end,
                    half_days=half_days if half_days is not None else half_days_per_day(modality) * days,
                    department=department,
                    participants=participants,
                    line=row.line,
                    place=place,
                    speakers=speakers,
                )
            )
        return CatalogueFile(SESSIONS, self.table.encoding, len(self.table.rows), list(trainings.values()))

    @staticmethod
    def _choice(cells: _Cells, key: str, reader, what: str):
        value = cells.text(key)
        if not value:
            if not cells.refused(key):
                cells.fail(key, f"{what} obligatoire.")
            return None
        found = reader(value)
        if found is None:
            enum = Axis if key == "axis" else Modality
            codes = ", ".join(m.value for m in enum)
            cells.fail(key, f"{what} inconnu(e) « {value[:60]} » (codes acceptés : {codes}, ou leur libellé).")
        return found

    @staticmethod
    def _speakers(cells: _Cells) -> tuple[str, ...]:
        value = cells.text("speakers")
        names = []
        for name in re.split(r"[;|\n]", value):
            name = " ".join(name.split())
            if not name:
                continue
            if len(name) > MAX_SPEAKER:
                cells.fail("speakers", f"nom d'intervenant·e trop long (au plus {MAX_SPEAKER} caractères).")
                continue
            if name not in names:
                names.append(name)
        return tuple(names)


__all__ = [
    "FORMAT_LABELS",
    "REPORT",
    "REPORT_COLUMNS",
    "SESSIONS",
    "SESSION_COLUMNS",
    "CatalogueFile",
    "FileRejected",
    "SessionSpec",
    "TrainingSpec",
    "detect_format",
    "parse_catalogue",
    "read_date",
    "split_participants",
]
