"""Personal data in comments, masked before staff read or quote them.

Masked: links ("[lien]"), e-mail addresses ("[e-mail]"), French phone numbers ("[téléphone]": 06 12 34 56 78,
06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6..., 0033 6...), capitalised names after a civility
("Madame Durand" -> "Madame [nom]"), and the names of known people (speakers, staff, participants: a list
passed in). A known full name is masked in any case or accents; a single part of it (a first or last name of
3 letters or more) only where it is capitalised, so that "une explication claire" keeps its word while
"merci à Claire" does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from feedback.analysis.text import fold_same_length

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "[nom]"
EMAIL = "[e-mail]"
PHONE = "[téléphone]"
LINK = "[lien]"

_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'«»]+|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|com|org|net|eu|gouv\.fr|info)/[^\s<>\"'«»]*",
    re.IGNORECASE,
)
# Starts only where a run of address characters starts: linear time on 5,000 characters of hostile text.
_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?\(at\)\s?|\s?\[at\]\s?)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE
)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?![\d])"
)  # fmt: skip
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'\-]*"
_PARTICLE = r"(?:de|du|des|d'|le|la|van|von|di|da|del|ben|ibn|el)"
_CIVILITY_RE = re.compile(
    r"\b(?P<civility>M\.|MM\.|Mme\.?|Mmes\.?|Mlle\.?|Madame|Monsieur|Mademoiselle|Messieurs|Mesdames|Dr\.?|Docteur|Me\.?)"
    rf"(?P<space>\s+)(?P<name>(?:{_PARTICLE}\s*)?{_CAPITALISED}(?:\s+(?:{_PARTICLE}\s*)?{_CAPITALISED}){{0,2}})"
)
_TRAILING = ".,;:!?)»\"'"
_PARTICLES = frozenset({"de", "du", "des", "d", "le", "la", "les", "van", "von", "di", "da", "del", "ben", "ibn", "el"})


@dataclass(frozen=True)
class Masked:
    """A comment with its personal data replaced, and what was found (kind -> how many)."""

    text: str
    found: dict[str, int] = field(default_factory=dict)
    #: What was masked, as (start, end, kind) character offsets in the original text: tone and themes skip them.
    spans: tuple[tuple[int, int, str], ...] = ()

    @property
    def has_personal_data(self) -> bool:
        return bool(self.found)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


@dataclass(frozen=True)
class _NameMatcher:
    full: re.Pattern | None
    parts: re.Pattern | None


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
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
            if len(part) >= 3 and part not in _PARTICLES:
                parts.add(part)
    return _NameMatcher(_name_pattern(full), _name_pattern(parts - full))


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, int]:
    pieces, last, replaced = [], 0, 0
    for start, end, placeholder in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < last:
            continue  # inside a span already masked ("Claire" within "Claire Martin")
        pieces.append(text[last:start])
        pieces.append(placeholder)
        last = end
        replaced += 1
    pieces.append(text[last:])
    return "".join(pieces), replaced


def mask_personal_data(text: str, names: Iterable[str] = ()) -> Masked:
    """Replace links, e-mail addresses, phone numbers and people's names by placeholders."""
    text = _nfc(text)
    found: Counter[str] = Counter()

    def substitute(pattern: re.Pattern, placeholder: str, source: str) -> str:
        def replace(match: re.Match) -> str:
            value = match.group(0)
            stripped = value.rstrip(_TRAILING)
            found[placeholder] += 1
            return placeholder + value[len(stripped) :]

        return pattern.sub(replace, source)

    text = substitute(_URL_RE, LINK, text)
    text = substitute(_EMAIL_RE, EMAIL, text)
    text = substitute(_PHONE_RE, PHONE, text)

    def civility(match: re.Match) -> str:
        found[NAME] += 1
        return f"{match.group('civility')}{match.group('space')}{NAME}"

    text = _CIVILITY_RE.sub(civility, text)
    matcher = _compile_names(names if isinstance(names, tuple) else tuple(names))
    if matcher.full is not None or matcher.parts is not None:
        folded = fold_same_length(text)
        spans: list[tuple[int, int, str]] = []
        if matcher.full is not None:
            spans.extend((m.start(), m.end(), NAME) for m in matcher.full.finditer(folded))
        if matcher.parts is not None:
            spans.extend(
                (m.start(), m.end(), NAME) for m in matcher.parts.finditer(folded) if text[m.start()].isupper()
            )
        if spans:
            text, replaced = _replace_spans(text, spans)
            found[NAME] += replaced
    return Masked(text, dict(sorted(found.items())))


def mask_document(doc: Doc, names: Iterable[str] = ()) -> Masked:
    """The personal data of a parsed comment (transitional: patterns on its text; entities to come)."""
    return mask_personal_data(doc.text, names)


def mask(text: str, names: Iterable[str] = ()) -> str:
    return mask_personal_data(text, names).text
