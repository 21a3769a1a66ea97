"""Files built in the tests: the same rows as CSV (any encoding, separator) or as an XLSX workbook."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

REAL_CATALOGUE = Path(__file__).resolve().parents[2] / "feedback" / "data" / "activite-2025.csv"

SESSION_HEADER = [
    "titre",
    "axe",
    "modalite",
    "departement",
    "date_debut",
    "date_fin",
    "demi_journees",
    "participants",
    "lieu",
    "intervenants",
]


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_file(rows: list[list], kind: str) -> tuple[bytes, str]:
    """(bytes, file name) of the rows as a CSV ("csv") or an XLSX ("xlsx") file."""
    if kind == "xlsx":
        return xlsx_bytes(rows), "fichier.xlsx"
    return csv_bytes(rows), "fichier.csv"


def report_rows() -> list[list[str]]:
    """The real catalogue's rows, header first."""
    with REAL_CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle)]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the tables an import may touch, as text: equal snapshots mean nothing changed."""
    from sqlalchemy import select

    from feedback.db import db
    from feedback.models import Attendance, Speaker, Training, TrainingSession, session_speakers

    tables = (Training.__table__, TrainingSession.__table__, Speaker.__table__, session_speakers, Attendance.__table__)
    return {t.name: sorted(tuple(str(v) for v in row) for row in db.session.execute(select(t))) for t in tables}


def load_catalogue(data: bytes, name: str, **options):
    """Read, check and import a catalogue file as the CLI and the pages do; commits. Returns the plan."""
    from feedback.db import db
    from feedback.imports.catalogue import parse_catalogue
    from feedback.imports.operations import import_catalogue
    from feedback.imports.tables import read_table

    plan = import_catalogue(parse_catalogue(read_table(data, name), **options))
    db.session.commit()
    return plan


def load_attendance(data: bytes, name: str, *, session_id: int | None = None):
    from feedback.db import db
    from feedback.imports.attendance import parse_attendance
    from feedback.imports.operations import hashing_key, import_attendance, plan_attendance, resolve_attendance
    from feedback.imports.tables import read_table

    parsed = parse_attendance(read_table(data, name), hashing_key())
    lists, duplicates = resolve_attendance(parsed, session_id=session_id)
    plan = import_attendance(plan_attendance(lists, duplicates=duplicates))
    db.session.commit()
    return plan
