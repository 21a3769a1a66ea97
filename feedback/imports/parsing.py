"""Reading the catalogue as the activity report writes it: French dates, axis and modality headings, titles.

Pure Python (no Flask, no database), used by the catalogue import (`feedback.imports.catalogue`), which reports every
unreadable date as a problem. The demo has no reading of its own: it goes through that import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

from feedback.models.catalogue import Axis, Department, Modality

# --- Folding --------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, so that "FÉVRIER", "Février" and "fevrier" read the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# --- Dates written in French ----------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_TOKEN = re.compile(r"\d+|[a-z]+")


# Over the complexity limit: one branch per way the activity report writes dates.
def scan_french_dates(text: str, year: int = 2025) -> tuple[list[list[date]], list[str]]:  # noqa: C901
    """Read "20 ET 21 MARS | 7 AVRIL" into meeting groups, and say what could not be read (in French).

    A group is the days given for one month, sorted; groups come in the order written. Parenthesised notes and
    labels ("SÉMINAIRES :") are ignored and a year written after a month applies to it. Days that do not exist
    (31 février), days without a month and unreadable numbers are left out of the groups and reported.
    """
    if not isinstance(text, str):
        return [], []
    groups: list[list[date]] = []
    problems: list[str] = []
    cleaned = re.sub(r"\([^)]*\)?", " ", text)  # notes, even an unclosed one
    for part in cleaned.split("|"):
        tokens = _TOKEN.findall(fold(part))
        days: list[int] = []
        range_from: int | None = None
        for i, word in enumerate(tokens):
            if word.isdigit():
                if range_from is not None:
                    days.extend(range(range_from + 1, min(int(word), 31) + 1))
                    range_from = None
                elif len(word) <= 2:
                    days.append(int(word))
                elif not (len(word) == 4 and i > 0 and tokens[i - 1] in _MONTHS):
                    problems.append(f"nombre illisible « {word} »")
                continue
            if word == "au" and days:
                range_from = days[-1]  # "du 3 au 5 mars"
                continue
            month = _MONTHS.get(word)
            if month is None:
                continue
            group_year = year
            if i + 1 < len(tokens) and tokens[i + 1].isdigit() and len(tokens[i + 1]) == 4:
                group_year = int(tokens[i + 1])
            group = set()
            for day in days:
                try:
                    group.add(date(group_year, month, day))
                except ValueError:
                    problems.append(f"le {day} {MONTH_NAMES[month - 1]} {group_year} n'existe pas")
            if group:
                groups.append(sorted(group))
            days, range_from = [], None
        if days:
            listed = ", ".join(str(d) for d in days)
            problems.append(f"aucun mois reconnu après « {listed} »")
    return groups, problems


def parse_french_dates(text: str, year: int = 2025) -> list[list[date]]:
    """The groups of `scan_french_dates`, whatever could not be read being skipped."""
    return scan_french_dates(text, year)[0]


def consecutive_runs(days: list[date]) -> list[list[date]]:
    """Split sorted days into runs of consecutive days: each run is one (possibly multi-day) session."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


# --- Titles -----------------------------------------------------------------------------------------------------

_ACRONYMS = frozenset(
    {
        "PDV",
        "PRE",
        "QPV",
        "CAMVS",
        "CLSM",
        "ASV",
        "CLS",
        "CTAI",
        "FLE",
        "EPCI",
        "ATFPB",
        "TFPB",
        "CEQ",
        "CAF",
        "ANCT",
        "CTG",
        "ARS",
        "CCAS",
        "CISPD",
        "MNA",
        "ASL",
        "VRL",
        "JO",
        "IDF",
        "CIDFF",
        "DILCRAH",
    }
)
#: Proper names kept capitalised in sentence case (matched on the lower-cased title).
_PROPER_NAMES = (
    ("évry- ?courcouronnes", "Évry-Courcouronnes"),
    ("villeneuve-saint-georges", "Villeneuve-Saint-Georges"),
    ("montereau-fault-yonne", "Montereau-Fault-Yonne"),
    ("grand paris sud", "Grand Paris Sud"),
    ("seine essonne sénart", "Seine Essonne Sénart"),
    ("grand orly seine bièvre", "Grand Orly Seine Bièvre"),
    ("île-de-france", "Île-de-France"),
    ("créteil", "Créteil"),
    ("melun", "Melun"),
    ("longjumeau", "Longjumeau"),
    ("brétigny", "Brétigny"),
    ("essonne", "Essonne"),
    ("paris", "Paris"),
    ("france", "France"),
    ("république", "République"),
    ("quartiers? 2030", None),
    ("politique de la ville", "Politique de la ville"),
)
_FIX_TYPOS = (("webnaire", "webinaire"),)


def readable_title(title: str) -> str:
    """Sentence case for a title printed in capitals, keeping acronyms, proper names and numbers."""
    words = re.split(r"(\w+)", title.strip())
    out = []
    for piece in words:
        bare = piece.upper()
        out.append(bare if bare in _ACRONYMS and piece.isupper() else piece.lower())
    text = "".join(out).replace("^", "")  # "2^E ÉDITION" -> "2e édition"
    for wrong, right in _FIX_TYPOS:
        text = text.replace(wrong, right)
    for pattern, proper in _PROPER_NAMES:
        text = re.sub(rf"\b{pattern}\b", _written_as(proper), text)
    text = re.sub(r"\s+", " ", text)
    # Capitals at the start and at the start of a quoted title or of a sub-title.
    text = re.sub(r"(^[\W\d]*|« |— )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def title_head(title: str) -> str:
    """Rows of one action may carry a sub-title after " — " (one row per working group): the action's title."""
    return title.split(" — ")[0].strip()


def action_title(titles: list[str]) -> str:
    """The readable title of an action from its rows' titles: their common head, else the first title."""
    heads = {title_head(t) for t in titles}
    return readable_title(heads.pop() if len(heads) == 1 else titles[0])


# --- Axes, modalities, départements -----------------------------------------------------------------------------

_AXIS_KEYWORDS = (
    ("ACTIVITE REGIONALE", Axis.REGIONAL),
    ("ACTIVITE NATIONALE", Axis.NATIONAL),
    ("POLITIQUES FAMILIALES", Axis.FAMILY_EDUCATION),
    ("POLITIQUE DE LA VILLE", Axis.CITY_POLICY),
    ("LINGUISTIQUE", Axis.LANGUAGE_INTEGRATION),
    ("PRECARITE", Axis.PRECARITY_HEALTH),
    ("COHESION", Axis.SOCIAL_COHESION),
    ("TRANSITION", Axis.TRANSITION_CULTURE),
    ("REGIONAL", Axis.REGIONAL),
    ("NATIONAL", Axis.NATIONAL),
)
_MODALITY_KEYWORDS = (
    ("FORMATION", Modality.TRAINING),
    ("RESEAU DE PAIRS", Modality.PEER_NETWORK),
    ("APPUI", Modality.TERRITORIAL_SUPPORT),
    ("CONFERENCE", Modality.CONFERENCE),
    ("SEMINAIRE", Modality.SEMINAR),
    ("WEBINAIRE", Modality.WEBINAR),
    ("WEBNAIRE", Modality.WEBINAR),
    ("RENCONTRE", Modality.MEETING),
    ("JOURNEE", Modality.MEETING),
    ("ATELIER", Modality.MEETING),
    ("GROUPE DE TRAVAIL", Modality.MEETING),
    ("FORUM", Modality.MEETING),
    ("RESEAU", Modality.PEER_NETWORK),
)
_DEPARTMENT_NAMES = {
    Department.ESSONNE: "essonne",
    Department.VAL_DE_MARNE: "valdemarne",
    Department.SEINE_ET_MARNE: "seineetmarne",
}


def _key(text: str) -> str:
    """Folded, upper case, one space between words: "Cohésion  sociale" -> "COHESION SOCIALE"."""
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", fold(text).upper()).split())


def axis_from_text(text: str) -> Axis | None:
    """The axis named by a report heading ("PRÉCARITÉ - SANTÉ & VIEILLISSEMENT"), its code or its label; else None."""
    text = (text or "").strip()
    if text in {a.value for a in Axis}:
        return Axis(text)
    folded = _key(text)
    if not folded:
        return None
    return next((axis for keyword, axis in _AXIS_KEYWORDS if keyword in folded), None)


def modality_from_text(text: str) -> Modality | None:
    """The modality named by a report label ("RÉSEAU DE PAIRS"), its code or its label; else None."""
    text = (text or "").strip()
    if text in {m.value for m in Modality}:
        return Modality(text)
    folded = _key(text)
    if not folded:
        return None
    return next((m for keyword, m in _MODALITY_KEYWORDS if keyword in folded), None)


def modality_from_row(modality: str, title: str) -> Modality:
    """The printed modality; when blank, the format named by the title's first word, else a meeting."""
    for text in (modality, title.split(" ")[0] if title else ""):
        found = modality_from_text(text)
        if found:
            return found
    return Modality.MEETING


def department_from_text(text: str) -> Department | None:
    """91, 94, 77 or the département's name ("Val-de-Marne"); None when blank or unknown."""
    folded = re.sub(r"[^a-z0-9]", "", fold(str(text or "")))
    for department, name in _DEPARTMENT_NAMES.items():
        if folded in {department.value, name, department.value + name, name + department.value}:
            return department
    return None


FULL_DAY_MODALITIES = frozenset({Modality.TRAINING, Modality.SEMINAR, Modality.MEETING})


def half_days_per_day(modality: Modality) -> int:
    """Full days for trainings, seminars and big meetings; half days for networks, support, conferences, webinars."""
    return 2 if modality in FULL_DAY_MODALITIES else 1


__all__ = [
    "action_title",
    "axis_from_text",
    "consecutive_runs",
    "department_from_text",
    "fold",
    "half_days_per_day",
    "modality_from_row",
    "modality_from_text",
    "parse_french_dates",
    "readable_title",
    "scan_french_dates",
    "title_head",
]


def _written_as(proper: str | None) -> Callable[[re.Match[str]], str]:
    """The replacement of a proper name: its spelling, or the word as found with a capital."""
    return lambda match: proper or match.group(0).capitalize()
