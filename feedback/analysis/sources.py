"""Comments read from a file staff already have: plain text (one a line), CSV or XLSX (one column)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from feedback.analysis.text import fold

CSV_SUFFIXES = frozenset({".csv", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})


class SourceError(ValueError):
    """A file that cannot be read as comments; the message is for the person who gave it (French)."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("Encodage du fichier non reconnu : enregistrez-le en UTF-8.")


def _find_column(header: list[str], column: str | None, path: Path) -> int:
    names = [str(name or "").strip() for name in header]
    listed = ", ".join(f"« {name} »" for name in names if name) or "aucune"
    if column is None:
        raise SourceError(f"{path.name} : précisez la colonne des commentaires avec --column (colonnes : {listed}).")
    if column in names:
        return names.index(column)
    folded = [fold(name) for name in names]
    if fold(column.strip()) in folded:
        return folded.index(fold(column.strip()))
    raise SourceError(f"{path.name} : pas de colonne « {column} » (colonnes : {listed}).")


def _read_csv(path: Path, column: str | None) -> list[str]:
    text = _decode(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        return []
    index = _find_column(rows[0], column, path)
    return [row[index].strip() for row in rows[1:] if index < len(row) and row[index].strip()]


def _read_xlsx(path: Path, column: str | None) -> list[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged or foreign file
        raise SourceError(f"{path.name} : classeur XLSX illisible ({exc.__class__.__name__}).") from None
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = next((row for row in rows if any(cell not in (None, "") for cell in row)), None)
        if header is None:
            return []
        index = _find_column(list(header), column, path)
        comments = []
        for row in rows:
            value = row[index] if index < len(row) else None
            if value is not None and str(value).strip():
                comments.append(str(value).strip())
        return comments
    finally:
        workbook.close()


def read_comments(path: Path, column: str | None = None) -> list[str]:
    """The non-empty comments of a file, in file order."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, column)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, column)
    if suffix == ".xls":
        raise SourceError(f"{path.name} : l'ancien format .xls n'est pas lu ; enregistrez le classeur en .xlsx.")
    if column is not None:
        raise SourceError(f"{path.name} : --column ne vaut que pour un fichier CSV ou XLSX.")
    lines = _decode(path.read_bytes()).splitlines()
    return [line.strip() for line in lines if line.strip()]
