"""A catalogue file turned into the trainings and sessions it describes: pure Python, deterministic, no database.

Two formats, told apart by their header (see the README, « Importer le catalogue »):

- **rapport**: the activity report's table (`feedback/data/activite-2025.csv`): one row per action and
  département; `meetings` is the action's total repeated on each of its rows; `dates` in French.
- **sessions**: one row per session, with ISO or French (JJ/MM/AAAA) dates.

Every row is checked before anything is built; `parse_catalogue` raises `FileRejected` with every problem found.
The same file always gives the same keys, so that importing it twice creates nothing the second time.

This module tells the formats apart and runs the reader of one: `catalogue_report` (the report's format) and
`catalogue_sessions` (one row per session), both on the row rules of `catalogue_rows` (columns, cells, dates).
"""

from __future__ import annotations

from feedback.imports.catalogue_report import ReportReader
from feedback.imports.catalogue_rows import (
    FORMAT_LABELS,
    REPORT,
    REPORT_COLUMNS,
    SESSION_COLUMNS,
    SESSIONS,
    CatalogueFile,
    SessionSpec,
    TrainingSpec,
    column_index,
    problem_order,
    read_date,
    split_participants,
)
from feedback.imports.catalogue_sessions import SessionReader
from feedback.imports.tables import FileRejected, Problem, Table, header_key


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
    columns, problems = column_index(table, specs, format_name)
    problems = [*table.problems, *problems]
    if any(p.column is None and p.line == table.header_line for p in problems):
        raise FileRejected(sorted(problems, key=problem_order))
    reader = ReportReader if format_name == REPORT else SessionReader
    result = reader(table, columns, year).read(problems)
    if problems:
        raise FileRejected(sorted(problems, key=problem_order))
    return result


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
