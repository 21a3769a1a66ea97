"""Attendance lists (« émargement ») read from a file and reduced to keyed hashes: names never go further.

Pure Python (no Flask, no database). A person is written as an e-mail or a name; both are normalised (case,
accents, spaces, punctuation, and for names the order of the words: « MARTIN Camille » is « Camille Martin »),
then hashed with HMAC-SHA256 under a secret key. The same person gives the same hash in every list, so the
service can count distinct participants and how often each comes back, and nobody can read a name back from
the database without the key (a dictionary of names is of no use without it either).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from email.utils import parseaddr

from feedback.imports.tables import FileRejected, Problem, Row, Table, cell_text, header_key

EMAIL_ALIASES = ("email", "courriel", "mail", "mel", "adressemail", "adresseemail", "adressecourriel", "emailaddress")
NAME_ALIASES = (
    "nom",
    "name",
    "participant",
    "participante",
    "personne",
    "nomprenom",
    "nometprenom",
    "prenomnom",
    "prenometnom",
    "nomcomplet",
    "identite",
    "fullname",
    "lastname",
)
FIRST_NAME_ALIASES = ("prenom", "firstname")
SESSION_ALIASES = ("session", "sessionid", "idsession", "numerosession", "nsession", "nodesession")
MAX_PERSON_LENGTH = 200
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


@dataclass(frozen=True)
class AttendanceEntry:
    line: int
    #: The session as written in the file's session column (an id or an import key); None without that column.
    session_ref: str | None
    person_hash: str


@dataclass
class AttendanceFile:
    encoding: str
    entries: list[AttendanceEntry]
    has_session_column: bool
    #: Label of the session column as written, for error messages.
    session_column: str | None = None
    #: Rows with a session but nobody on them (skipped).
    blank_rows: int = 0
    problems: list[Problem] = field(default_factory=list)


def attendance_key(secret: str) -> bytes:
    """The hashing key derived from the application's secret: never the secret itself."""
    return hmac.new(secret.encode(), b"retours/attendance/v1", hashlib.sha256).digest()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_person(value: str) -> tuple[str | None, str | None]:
    """(identity, None) for a readable e-mail or name, (None, French reason) otherwise.

    E-mails are compared whole, lower-cased; names by their words, folded and sorted, so that case, accents,
    hyphens, extra spaces and « NOM Prénom » against « Prénom NOM » make no difference.
    """
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if not text:
        return None, None
    if len(text) > MAX_PERSON_LENGTH:
        return None, f"plus de {MAX_PERSON_LENGTH} caractères."
    if "@" in text:
        address = parseaddr(text)[1] if "<" in text else text
        address = _fold(address.strip().strip(";,"))
        if not _EMAIL.fullmatch(address):
            return None, "adresse e-mail invalide."
        return "email:" + address, None
    words = re.findall(r"[^\W_]+", _fold(text))
    if not any(any(c.isalpha() for c in word) for word in words):
        return None, "ni un nom ni une adresse e-mail."
    return "name:" + " ".join(sorted(words)), None


def person_hash(identity: str, key: bytes) -> str:
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()


def _find(header: list[str], aliases: tuple[str, ...]) -> int | None:
    return next((i for i, name in enumerate(header) if header_key(name) in aliases), None)


# Over the complexity limit: one pass over the rows; each cell's problem is reported where it is read.
def parse_attendance(table: Table, key: bytes) -> AttendanceFile:  # noqa: C901
    """The hashed people of a list, with their line and session; raises FileRejected listing every problem.

    Recognised columns: an e-mail column, a name column (or first name and name), an optional session column.
    A file of a single column without a known header is a plain list, one person a line.
    """
    problems = list(table.problems)
    header = table.header
    email_col = _find(header, EMAIL_ALIASES)
    name_col = _find(header, NAME_ALIASES)
    first_col = _find(header, FIRST_NAME_ALIASES)
    session_col = _find(header, SESSION_ALIASES)
    rows = table.rows
    if email_col is None and name_col is None and first_col is None:
        width = max(len(row.cells) for row in [Row(table.header_line, list(header)), *rows])
        if width > 1 or session_col is not None:
            found = ", ".join(f"« {n} »" for n in header if n) or "aucune"
            raise FileRejected(
                [
                    *problems,
                    Problem(
                        table.header_line,
                        None,
                        f"aucune colonne de personnes (colonnes trouvées : {found}). Colonnes attendues : "
                        "« email » et/ou « nom » (ou « prénom » et « nom »), et « session » si le fichier "
                        "couvre plusieurs sessions ; ou une seule colonne, une personne par ligne, sans en-tête.",
                    ),
                ]
            )
        # A plain list without a header: its first line is a person too.
        rows = [Row(table.header_line, list(header)), *rows]
        name_col = 0
    result = AttendanceFile(
        table.encoding, [], session_col is not None, header[session_col] if session_col is not None else None
    )
    for row in rows:
        email = cell_text(row.get(email_col))
        name = " ".join(part for part in (cell_text(row.get(first_col)), cell_text(row.get(name_col))) if part)
        session_ref = cell_text(row.get(session_col)) if session_col is not None else None
        column: str | None
        if email and email_col is not None:
            value, column = email, header[email_col]
        else:
            value, column = name, _name_label(header, name_col, first_col)
        if row.refused and not value:
            continue  # its cells were refused while reading, and reported then
        identity, reason = normalise_person(value)
        if reason:
            problems.append(Problem(row.line, column, reason))
            continue
        if identity is None:
            result.blank_rows += 1
            continue
        if session_col is not None and not session_ref:
            problems.append(Problem(row.line, header[session_col], "la session est obligatoire sur chaque ligne."))
            continue
        result.entries.append(AttendanceEntry(row.line, session_ref, person_hash(identity, key)))
    if problems:
        raise FileRejected(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    if not result.entries:
        raise FileRejected([Problem(None, None, "La liste ne contient aucune personne.")])
    return result


def _name_label(header: list[str], name_col: int | None, first_col: int | None) -> str | None:
    if name_col is not None and name_col < len(header):
        return header[name_col] or None
    if first_col is not None:
        return header[first_col]
    return None
