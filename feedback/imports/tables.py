"""A CSV or XLSX file as a table of cells, read defensively: the file comes from outside and may be hostile.

Pure Python (no Flask, no database). Guards: a size cap (bytes, rows, columns, and the unzipped size of an XLSX),
the encoding (UTF-8 with or without BOM, else Windows-1252, and we say which), binary files, empty files, malformed
CSV quoting, and cells that a spreadsheet would run as a formula. Every problem is given with its line and column,
in French, so that the person who made the file can fix all of them at once.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from feedback.imports.parsing import fold

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_LENGTH = 2_000
#: An XLSX is a zip: refuse one that would unpack to far more than its size (a "zip bomb").
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: What a spreadsheet reads as the start of a formula (CSV injection): refused, never stored.
_FORMULA_START = ("=", "+", "@", "\uff1d", "\uff0b", "\uff20")
_FUNCTION_CALL = re.compile(r"^-\s*[A-Za-z_][\w.]*\s*\(")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file: where (line and column, when known) and what, in French."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


class FileRejected(Exception):
    """The file is refused whole; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Row:
    #: Line of the file (CSV: the line where the record starts; XLSX: the row number).
    line: int
    cells: list[Cell]
    #: Columns whose cell was refused while reading (a formula...): read as blank, already reported.
    refused: set[int] = field(default_factory=set)

    def get(self, index: int | None) -> Cell:
        if index is None or index >= len(self.cells) or index in self.refused:
            return None
        return self.cells[index]


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    #: How the file was read, said to the person importing it: "UTF-8", "Windows-1252", "classeur XLSX"...
    encoding: str
    #: Line of the header.
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)


def header_key(name: str) -> str:
    """A column name compared without case, accents, spaces, dashes or underscores: "Date de début" ~ "date_debut"."""
    return re.sub(r"[^a-z0-9]", "", fold(str(name or "")))


def cell_text(value: Cell) -> str:
    """A cell as text: integral numbers without ".0", dates in ISO form, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def looks_like_formula(text: str) -> bool:
    stripped = text.lstrip(" \u00a0\t\r\n")
    return stripped.startswith(_FORMULA_START) or bool(_FUNCTION_CALL.match(stripped))


def read_table(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Table:
    """The file's first sheet (XLSX) or its rows (CSV), header first; raises FileRejected when it cannot be read.

    Cell-level problems (formulas, control characters, over-long cells) do not stop the reading: they are
    collected in `Table.problems`, so that the caller reports them together with its own.
    """
    if not data:
        raise FileRejected([Problem(None, None, "Le fichier est vide.")])
    if len(data) > max_bytes:
        size = f"{max_bytes / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")
        raise FileRejected([Problem(None, None, f"Le fichier dépasse la taille permise ({size} Mo).")])
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == ".xls":
        raise FileRejected(
            [Problem(None, None, "L'ancien format .xls n'est pas lu : enregistrez le classeur en .xlsx ou en CSV.")]
        )
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix in XLSX_SUFFIXES or (is_zip and suffix not in CSV_SUFFIXES):
        table = _read_xlsx(data, max_rows)
    elif is_zip:
        raise FileRejected([Problem(None, None, "Ce fichier est un classeur, pas un CSV : importez-le en .xlsx.")])
    else:
        table = _read_csv(data, max_rows)
    _check_cells(table)
    return table


# -- CSV -------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected([Problem(None, None, "Fichier en UTF-16, non accepté : enregistrez-le en « CSV UTF-8 ».")])
    if b"\x00" in data:
        raise FileRejected(
            [Problem(None, None, "Ce fichier n'est pas un fichier texte : importez un CSV ou un classeur .xlsx.")]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (avec BOM)"
        except UnicodeDecodeError as error:
            raise FileRejected([_encoding_problem(data, error)]) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (séparateur : point-virgule)" on a French Windows.
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileRejected([_encoding_problem(data, error)]) from None


def _encoding_problem(data: bytes, error: UnicodeDecodeError) -> Problem:
    line = data[: error.start].count(b"\n") + 1
    return Problem(
        line, None, "encodage non reconnu (ni UTF-8 ni Windows-1252) : enregistrez le fichier en « CSV UTF-8 »."
    )


def _delimiter(first_line: str) -> str:
    """The separator of the header line: what Excel writes in France (;), elsewhere (,), or a tab."""
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int) -> Table:
    text, encoding = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
    records: list[Row] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append(Row(start, [cell.strip() for cell in cells]))
                if len(records) > max_rows + 1:
                    raise FileRejected([Problem(None, None, f"Le fichier a plus de {max_rows} lignes : découpez-le.")])
            start = reader.line_num + 1
    except csv.Error as error:
        raise FileRejected(
            [Problem(start, None, f"CSV mal formé ({_csv_reason(error)}) : vérifiez les guillemets de cette ligne.")]
        ) from None
    if not records:
        raise FileRejected([Problem(None, None, "Le fichier ne contient aucune ligne.")])
    header, *rows = records
    return Table([str(c) for c in header.cells], rows, encoding, header_line=header.line)


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger" in message:
        return "cellule trop longue"
    if "quote" in message or "delimiter" in message or "expected after" in message or "EOF" in message:
        return "guillemet mal placé"
    return "lecture impossible"


# -- XLSX ------------------------------------------------------------------------------------------------------


# Over the complexity limit: one branch per kind of cell openpyxl returns.
def _read_xlsx(data: bytes, max_rows: int) -> Table:  # noqa: C901
    unreadable = FileRejected([Problem(None, None, "Classeur XLSX illisible : enregistrez-le de nouveau ou en CSV.")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileRejected([Problem(None, None, "Ce classeur est trop volumineux une fois décompressé.")])
    except zipfile.BadZipFile:
        raise unreadable from None

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions of files made elsewhere: harmless for reading values.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds for a damaged or foreign file
            raise unreadable from None
        try:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is None:
                raise FileRejected([Problem(None, None, "Le classeur ne contient aucune feuille.")])
            records: list[Row] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                cells: list[Cell] = [_xlsx_value(v) for v in values]
                while cells and cells[-1] in (None, ""):
                    cells.pop()
                if any(cell not in (None, "") for cell in cells):
                    records.append(Row(number, cells))
                    if len(records) > max_rows + 1:
                        raise FileRejected(
                            [Problem(None, None, f"Le fichier a plus de {max_rows} lignes : découpez-le.")]
                        )
        except FileRejected:
            raise
        except Exception:
            raise unreadable from None
        finally:
            workbook.close()
    if not records:
        raise FileRejected([Problem(None, None, "Le fichier ne contient aucune ligne.")])
    header, *rows = records
    return Table([cell_text(c) for c in header.cells], rows, "classeur XLSX", header_line=header.line)


def _xlsx_value(value: Any) -> Cell:
    if value is None or isinstance(value, int | float | date | datetime):
        return value
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()  # times, durations, errors such as "#N/A": read as text and checked as such


# -- cells -----------------------------------------------------------------------------------------------------


def _check_cells(table: Table) -> None:
    """Cells a spreadsheet would run, control characters and over-long cells: reported, never stored."""
    names = list(table.header)
    for index, name in enumerate(names):
        if looks_like_formula(name) or _CONTROL.search(name):
            table.problems.append(
                Problem(table.header_line, None, f"l'en-tête de la colonne {index + 1} n'est pas un nom de colonne.")
            )
    for row in table.rows:
        for index, value in enumerate(row.cells):
            if not isinstance(value, str) or not value:
                continue
            column = names[index] if index < len(names) and names[index] else f"n° {index + 1}"
            if looks_like_formula(value) or _CONTROL.search(value) or len(value) > MAX_CELL_LENGTH:
                row.refused.add(index)
            if looks_like_formula(value):
                table.problems.append(
                    Problem(
                        row.line,
                        column,
                        "cette cellule ressemble à une formule (elle commence par =, +, @ ou -…( ) : "
                        "elle est refusée ; écrivez la valeur elle-même.",
                    )
                )
            elif _CONTROL.search(value):
                table.problems.append(Problem(row.line, column, "caractère de contrôle invisible : retirez-le."))
            elif len(value) > MAX_CELL_LENGTH:
                table.problems.append(Problem(row.line, column, f"cellule de plus de {MAX_CELL_LENGTH} caractères."))
