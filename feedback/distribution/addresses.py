"""Reading the attendees' e-mail addresses a manager pastes or imports (CSV); no database, no Flask."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from feedback.mail import normalise_email

#: Column names that mark the e-mail column of a CSV (compared lower-cased, accents and spaces kept).
EMAIL_COLUMN_NAMES = {
    "email",
    "e-mail",
    "courriel",
    "mail",
    "mél",
    "adresse email",
    "adresse e-mail",
    "adresse mail",
    "adresse électronique",
}
_SEPARATORS = re.compile(r"[,;\t]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


class CsvUnreadable(Exception):
    """The file is not a CSV with a column of e-mail addresses; the message is for the manager."""


@dataclass(frozen=True)
class InvalidEntry:
    line: int
    value: str
    reason: str


@dataclass
class AddressList:
    #: Normalised (lower-case) addresses, each once, in the order given.
    addresses: list[str] = field(default_factory=list)
    invalid: list[InvalidEntry] = field(default_factory=list)
    #: Addresses given more than once (kept once).
    duplicates: int = 0


def _collect(entries: Iterable[tuple[int, str]]) -> AddressList:
    result = AddressList()
    seen: set[str] = set()
    for line, raw in entries:
        raw = _CONTROL_CHARS.sub("", raw).strip()
        if not raw:
            continue
        try:
            email = normalise_email(raw)
        except ValueError as reason:
            result.invalid.append(InvalidEntry(line, raw[:120], str(reason)))
            continue
        if email in seen:
            result.duplicates += 1
            continue
        seen.add(email)
        result.addresses.append(email)
    return result


def parse_pasted(text: str) -> AddressList:
    """One address a line, or several separated by commas, semicolons or tabs."""
    return _collect(
        (number, entry) for number, line in enumerate(text.splitlines(), start=1) for entry in _SEPARATORS.split(line)
    )


def parse_csv(data: bytes) -> AddressList:
    """The e-mail column of a CSV: the one named email/e-mail/courriel/mail, else the first one holding e-mails."""
    if b"\x00" in data:
        raise CsvUnreadable("Ce fichier n'est pas un fichier CSV : enregistrez le tableau au format CSV.")
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    line = 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error:
        raise CsvUnreadable(f"Ce fichier CSV est mal formé (ligne {line}).") from None
    rows = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CsvUnreadable("Ce fichier CSV est vide.")
    column, has_header = _email_column(rows)
    data_rows = rows[1:] if has_header else rows
    return _collect((number, row[column] if column < len(row) else "") for number, row in data_rows)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (séparateur : point-virgule)" on a French Windows.
        return data.decode("cp1252", errors="replace")


def _column_name(cell: str) -> str:
    return " ".join(unicodedata.normalize("NFC", cell).strip().lower().split())


def _is_email(cell: str) -> bool:
    try:
        normalise_email(cell)
    except ValueError:
        return False
    return True


def _email_column(rows: list[tuple[int, list[str]]]) -> tuple[int, bool]:
    """(index of the e-mail column, whether the first row is a header)."""
    header = rows[0][1]
    for index, cell in enumerate(header):
        if _column_name(cell) in EMAIL_COLUMN_NAMES:
            return index, True
    width = max(len(row) for _, row in rows)
    for index in range(width):
        values = [row[index].strip() for _, row in rows if index < len(row) and row[index].strip()]
        valid = sum(1 for value in values if _is_email(value))
        # Mostly e-mails: a few typos in the column must be reported, not make the column unseen.
        if valid and valid * 2 >= len(values):
            first = header[index] if index < len(header) else ""
            # A first cell with an @ is an address (maybe mistyped, then reported), not a column name.
            return index, "@" not in first
    raise CsvUnreadable(
        "Aucune colonne d'adresses e-mail dans ce fichier : nommez-la « email » ou « courriel » dans la première ligne."
    )
