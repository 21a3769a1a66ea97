"""Personal data in comments, masked before staff read or quote them.

`mask_document(doc, names)` reads the one parse of a comment and returns the masked text, counts by kind, and the
spans masked as (start, end, kind) offsets in the original text (sorted, non-overlapping): tone and themes skip
them, so a name never becomes a theme.

What is masked, and how it is found:
- links ("[lien]"), e-mail addresses ("[e-mail]", also « contact (at) domaine.org »), French phone numbers
  ("[téléphone]": spaces, dots, dashes, +33, 0033, (0)) and postal addresses ("[adresse]": « 12 rue de la Paix »,
  « 3 bis avenue ... », « Résidence ..., bât. C », « BP 12 », « 91000 Évry Cedex ») by patterns, each starting only
  where its run of characters starts, so they stay linear on hostile text;
- people's names ("[nom]"): after a civility (« Mme Durand » -> « Mme [nom] »); the names the service knows
  (speakers, staff: any case or accents for a full name, capitalised for a part of it); and the names read off the
  parse (`person_names`: person entities, word vectors, thanks, signatures).
A town alone is not personal data; after a postcode or in a street address it is masked with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from feedback.analysis.language import text_of
from feedback.analysis.person_names import CIVILITY_WORDS, name_spans
from feedback.analysis.text import fold_same_length

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "[nom]"
EMAIL = "[e-mail]"
PHONE = "[téléphone]"
LINK = "[lien]"
ADDRESS = "[adresse]"

#: The kinds reported in `Masked.spans`, and the placeholder of each.
PLACEHOLDERS = {"name": NAME, "email": EMAIL, "phone": PHONE, "link": LINK, "address": ADDRESS}
# When two findings overlap, the union is kept with the kind that comes first here.
_PRIORITY = ("link", "email", "phone", "address", "name")

_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'«»]+|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|com|org|net|eu|gouv\.fr|info)/[^\s<>\"'«»]*",
    re.IGNORECASE,
)
# Starts only where a run of address characters starts: linear time on 5,000 characters of hostile text.
_AT = r"(?:@|\s?[(\[{]\s?(?:at|arobase|@)\s?[)\]}]\s?|\s(?:at|arobase)\s)"
_DOT = r"(?:\.|\s?[(\[{]\s?(?:dot|point)\s?[)\]}]\s?)"
_EMAIL_RE = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,}}\b", re.IGNORECASE)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)\s?)?[1-9]|\(?0[1-9]\)?)(?:[\s.\-/]{0,2}\d{2}){4}(?!\d)"
)  # fmt: skip
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'\-]*"
_PARTICLE = r"(?:de|du|des|d'|le|la|van|von|di|da|del|ben|ibn|el)"
# The long forms in any case (« monsieur Traoré »); « Me », « Pr » only as written, being words too.
_ANY_CASE_CIVILITY = r"(?i:madame|monsieur|mademoiselle|mme|mlle|mr|docteur)"
# « m. Traoré » too, but not « 12 m. Ensuite » (metres).
_CIVILITY_RE = re.compile(
    rf"\b(?:{_ANY_CASE_CIVILITY}\b|{CIVILITY_WORDS}|(?<!\d\s)m\.)(?:\s+et\s+(?:{CIVILITY_WORDS}))?\s+"
    rf"(?P<name>(?:{_PARTICLE}\s*)?{_CAPITALISED}(?:\s+(?:{_PARTICLE}\s*)?{_CAPITALISED}){{0,2}})"
)

# Postal addresses. A street: number, optional « bis », a street type, its name (capitalised words and particles;
# the first word in any case after an unambiguous type: « 3 rue de la gare »).
_STREET_TYPES = (
    r"rue|avenue|av\.|bd|boulevard|allée|allee|impasse|chemin|quai|square|faubourg|ruelle|sentier|lotissement"
)
_WEAK_STREET_TYPES = r"place|route|passage|voie|mail|parvis|esplanade|promenade|villa|cité|résidence|hameau|lieu-dit|rond-point|montée|traverse|cour"  # noqa: E501
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
# At most three link words (« de la », « de l' »), each ended by a space or an apostrophe: linear on « de de de... ».
_LINK_WORDS = r"(?:(?:de|du|des|la|le|les|à|aux?|sur|en)\s+|[dl]['’]\s?)"
_STREET = (
    rf"\d{{1,4}}(?:\s?(?:bis|ter|quater|[a-d])\b)?,?\s+"
    rf"(?:(?:{_STREET_TYPES})\s+{_LINK_WORDS}{{0,3}}[\w'’\-]+|(?:{_WEAK_STREET_TYPES})\s+{_LINK_WORDS}{{0,3}}{_NAME_WORD})"
    rf"(?:\s+{_LINK_WORDS}{{0,3}}{_NAME_WORD}){{0,4}}"
)
_RESIDENCE = rf"(?:[Rr]ésidence|[Ll]ieu-dit|[Hh]ameau|[Dd]omaine|[Bb]âtiment|[Bb]ât\.|[Ii]mmeuble|[Ee]scalier|[Aa]ppartement|[Aa]ppt\.?)\s+(?:{_LINK_WORDS}{{0,3}}{_NAME_WORD}|\d+\b)(?:\s+{_NAME_WORD}){{0,3}}"  # noqa: E501
_POSTBOX = r"\b(?:BP|B\.P\.|CS|TSA)\s?\d{1,6}\b"
_POSTCODE_TOWN = (
    rf"(?<!\d)(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\s?\d{{3}}(?!\d)\s+{_NAME_WORD}(?:\s+(?:sur|sous|en|lès|les)\s+{_NAME_WORD})?"
    r"(?:\s+[Cc][Ee][Dd][Ee][Xx](?:\s+\d{1,2}\b)?)?"
)
_ADDRESS_PART = rf"(?:{_STREET}|{_POSTBOX}|{_POSTCODE_TOWN})"
# A postcode in brackets ends an address (« allée des Tilleuls à Corbeil-Essonnes (91100) »); alone it may be a sum.
_POSTCODE_BRACKET = r"\(\s?(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\s?\d{3}\s?\)"
# Parts of one address separated by commas or spaces are one span; a residence or building counts only next to one.
# Atomic groups (?>...) and bounded repeats: « Résidence Résidence ... » must not backtrack exponentially.
_ADDRESS_RE = re.compile(
    rf"(?<![\w-])(?:(?>{_RESIDENCE})(?:,?\s+(?>{_RESIDENCE})){{0,2}},?\s+)?{_ADDRESS_PART}(?:(?:,|\s[-–]|,?\s)\s*(?:{_ADDRESS_PART}|{_POSTCODE_BRACKET})){{0,3}}"
)
_TRAILING = ".,;:!?)»\"'’ "


@dataclass(frozen=True)
class Masked:
    """A comment with its personal data replaced, and what was found (placeholder -> how many)."""

    text: str
    found: dict[str, int] = field(default_factory=dict)
    #: What was masked, as (start, end, kind) character offsets in the original text: tone and themes skip them.
    spans: tuple[tuple[int, int, str], ...] = ()

    @property
    def has_personal_data(self) -> bool:
        return bool(self.found)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# --- patterns ----------------------------------------------------------------------------------------------------


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the punctuation after it, but a bracket it opened itself stays (« … (91100) »)."""
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return start, end


def _pattern_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for pattern, kind in ((_URL_RE, "link"), (_EMAIL_RE, "email"), (_PHONE_RE, "phone"), (_ADDRESS_RE, "address")):
        for match in pattern.finditer(text):
            start, end = _strip(text, match.start(), match.end())
            if end > start:
                spans.append((start, end, kind))
    for match in _CIVILITY_RE.finditer(text):
        start, end = _strip(text, *match.span("name"))
        spans.append((start, end, "name"))
    return spans


# --- names the service knows -------------------------------------------------------------------------------------

_PARTICLE_WORDS = frozenset(
    {"de", "du", "des", "d", "le", "la", "les", "van", "von", "di", "da", "del", "ben", "ibn", "el"}
)


@dataclass(frozen=True)
class _NameMatcher:
    full: re.Pattern[str] | None
    parts: re.Pattern[str] | None


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({n for n in names if n}, key=lambda n: (-len(n), n))
    if not alternatives:
        return None
    body = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


@lru_cache(maxsize=32)
def _compile_names(names: tuple[str, ...]) -> _NameMatcher:
    """Compiled once per list of names (the cache key is the list as given: pass the same list each time)."""
    full: set[str] = set()
    parts: set[str] = set()
    for name in {n.strip() for n in names if n and n.strip()}:
        folded = " ".join(fold_same_length(_nfc(name)).split())
        if len(folded) < 2:
            continue
        full.add(folded)
        for part in re.split(r"[\s']+", folded):
            if len(part) >= 3 and part not in _PARTICLE_WORDS:
                parts.add(part)
    return _NameMatcher(_name_pattern(full), _name_pattern(parts - full))


def _known_name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    matcher = _compile_names(names if isinstance(names, tuple) else tuple(names))
    if matcher.full is None and matcher.parts is None:
        return []
    folded = fold_same_length(text)
    if len(folded) != len(text):
        return []
    spans: list[tuple[int, int, str]] = []
    if matcher.full is not None:
        spans.extend((m.start(), m.end(), "name") for m in matcher.full.finditer(folded))
    if matcher.parts is not None:
        # A part alone only where capitalised: « Claire » the person, not « une explication claire ».
        spans.extend((m.start(), m.end(), "name") for m in matcher.parts.finditer(folded) if text[m.start()].isupper())
    return spans


# --- putting it together -----------------------------------------------------------------------------------------


_HYPHENATED_AFTER = re.compile(r"-[A-ZÀ-ÖØ-Þ][\w'’]*")
_HYPHENATED_BEFORE = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’]*-$")


def _whole_name(start: int, end: int, text: str) -> tuple[int, int]:
    """A name with the rest of its hyphenated form: « Dubois-Martin », « Jean-Pierre », whichever half was found."""
    while after := _HYPHENATED_AFTER.match(text, end):
        end = after.end()
    while before := _HYPHENATED_BEFORE.search(text, max(0, start - 60), start):  # bounded: no scan from the start
        start = before.start()
    return start, end


def _resolve(spans: list[tuple[int, int, str]], text: str) -> tuple[tuple[int, int, str], ...]:
    """Sorted, non-overlapping: overlapping findings are merged with the stronger kind."""
    merged: list[tuple[int, int, str]] = []
    spans = [(*_whole_name(s, e, text), kind) if kind == "name" else (s, e, kind) for s, e, kind in spans]
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            stronger = kind if _PRIORITY.index(kind) < _PRIORITY.index(last_kind) else last_kind
            merged[-1] = (last_start, max(last_end, end), stronger)
            continue
        # Parts of one address separated by a comma stay one placeholder.
        if merged and kind == merged[-1][2] == "address" and not text[merged[-1][1] : start].strip(" ,"):
            merged[-1] = (merged[-1][0], end, kind)
            continue
        merged.append((start, end, kind))
    return tuple(merged)


def _replace(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, kind in spans:
        pieces.append(text[last:start])
        pieces.append(PLACEHOLDERS[kind])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mask_document(doc: Doc, names: Iterable[str] = ()) -> Masked:
    """The personal data of a parsed comment: its masked text, counts by placeholder, spans in `doc.text`."""
    text = text_of(doc)
    spans = _pattern_spans(text) + _known_name_spans(text, names) + name_spans(doc)
    resolved = _resolve(spans, text)
    found = Counter(PLACEHOLDERS[kind] for _s, _e, kind in resolved)
    return Masked(_replace(text, resolved), dict(sorted(found.items())), resolved)
