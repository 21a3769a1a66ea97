"""What makes a comment a good quote, and how a quote is attributed: from data, never from a name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from feedback.analysis.text import normalise

#: A quote for a report reads as one or a few complete sentences of this many words.
QUOTE_WORDS = (8, 40)
#: Attribution when the respondent's professional profile is not known.
DEFAULT_PERSON = "Participant·e"

_SENTENCE_END_RE = re.compile(r"[.!?…](?:[\s\"'»)\]]|[^\w\s])*$")
#: A run of non-space characters holding at least one letter or digit.
_WORD_RE = re.compile(r"[^\W_]\S*|[^\s\w]+[^\W_]\S*|_+[^\W_]\S*")
_PLACEHOLDER_RE = re.compile(r"\[(?:nom|e-mail|téléphone|lien)\]")


def word_count(text: str) -> int:
    """Words as a reader counts them: "l'échange" is one, a lone "!" (French spacing) is none."""
    return len(_WORD_RE.findall(text or ""))


def is_complete_sentence(text: str) -> bool:
    """Starts with a capital letter and ends with a full stop, "!", "?" or "…" (a closing quote or emoji may follow)."""
    text = normalise(text).strip()
    if not text or not text[0].isupper():
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return False  # shouting is not quoted
    return _SENTENCE_END_RE.search(text) is not None


def is_constructive(tone: str, cue_rules: Iterable[str]) -> bool:
    """Praise, praise with criticism, or a criticism phrased as a suggestion ("il faudrait plus de cas")."""
    return tone in ("positive", "mixed") or (tone == "negative" and "suggestion" in set(cue_rules))


def is_quotable(masked_text: str, tone: str, cue_rules: Iterable[str], has_personal_data: bool) -> bool:
    """A candidate for the report: complete sentences of 8 to 40 words, positive or constructive, nothing masked."""
    low, high = QUOTE_WORDS
    return (
        not has_personal_data
        and _PLACEHOLDER_RE.search(masked_text) is None
        and low <= word_count(masked_text) <= high
        and is_constructive(tone, cue_rules)
        and is_complete_sentence(masked_text)
    )


_INNER_GUILLEMETS_RE = re.compile(r"«\s*(.*?)\s*»")
_STRAIGHT_QUOTES_RE = re.compile(r'"([^"]*)"')


def quoted_title(title: str) -> str:
    """A title ready to go between « »: spaces collapsed, its own guillemets (or straight quotes) turned into the
    inner quotes “ ” of French typography, and outer guillemets around the whole title dropped."""
    text = " ".join(title.split())
    while text.startswith("«") and text.endswith("»") and text.count("«") == 1:
        text = text[1:-1].strip()
    text = _INNER_GUILLEMETS_RE.sub(lambda match: f"“{match.group(1)}”", text)
    return _STRAIGHT_QUOTES_RE.sub(lambda match: f"“{match.group(1)}”", text)


def attribution(
    *,
    profile: str | None,
    modality: str | None,
    training: str | None,
    department: str | None,
    year: int | None,
    profile_labels: Mapping[str, str] | None = None,
) -> str:
    """ "— Association, formation « Droit des étrangers », Essonne, 2025": who (a profile, never a name), where, when.

    `profile` is the stored option value ("autre" or unknown gives "Participant·e"), `modality` a label
    ("Formation"), `department` a name without its number. Empty parts are left out.
    """
    labels = profile_labels or {}
    person = labels.get(profile or "", "") if profile and profile != "autre" else ""
    parts = [person or DEFAULT_PERSON]
    if training:
        title = quoted_title(training)
        # « webinaire « Webinaire QPV » » says the modality twice: the title already names it.
        first_word = title.split(" ", 1)[0].casefold()
        if modality and first_word != modality.casefold():
            parts.append(f"{modality.lower()} « {title} »")
        else:
            parts.append(f"« {title} »")
    if department:
        parts.append(department)
    if year:
        parts.append(str(year))
    return "— " + ", ".join(parts)
