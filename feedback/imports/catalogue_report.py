"""The activity report's format: one row per action and département, French dates, meetings to deal out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import ngettext

from feedback.imports.catalogue_rows import (
    MAX_MEETINGS,
    MAX_PARTICIPANTS,
    MAX_TITLE,
    REPORT,
    REPORT_COLUMNS,
    CatalogueFile,
    Cells,
    SessionSpec,
    TrainingSpec,
    read_date,
    split_participants,
)
from feedback.imports.parsing import (
    action_title,
    axis_from_text,
    consecutive_runs,
    half_days_per_day,
    modality_from_row,
    modality_from_text,
    scan_french_dates,
    title_head,
)
from feedback.imports.tables import Problem, Row, Table
from feedback.models.catalogue import Axis, Department, Modality

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


class ReportReader:
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
        cells = Cells(row, self.columns, self.labels, problems)
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
