"""The French opinion lexicon: textblob-fr's adjectives, corrected and extended by the project's list.

textblob-fr (pattern.fr) ships `fr-sentiment.xml`, the lexicon its PatternAnalyzer scores with. We read the same
file and average the senses of each form the way pattern does, so a word not listed in `data/lexicon_fr.tsv` keeps
exactly textblob-fr's polarity. The project list then overrides words, adds phrases ("pas assez", "il faudrait",
"rien à signaler") and marks words that are not opinions in feedback on trainings ("pratiques", "première").
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from feedback.analysis.text import fold, normalise

DATA_DIR = Path(__file__).resolve().parent / "data"
PROJECT_LEXICON = DATA_DIR / "lexicon_fr.tsv"
STOPWORDS = DATA_DIR / "stopwords_fr.txt"

#: Kinds of entries in the project list; each names the rule shown in the explanation of a verdict.
#: "expectation" words are no opinion but are criticism when negated ("les horaires n'ont pas été respectés").
KINDS = frozenset({"word", "phrase", "neutral", "nothing", "lack", "suggestion", "thanks", "expectation"})

_WORD_RE = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a text, apostrophes and hyphens splitting them ("j'aurais" -> "j", "aurais")."""
    return tuple(_WORD_RE.findall(fold(normalise(text))))


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a word or a phrase (folded words), its polarity and kind."""

    words: tuple[str, ...]
    polarity: float
    kind: str
    source: str  # "textblob-fr" or "project"


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, Entry]
    #: word prefixes ("enrichi*"), longest first
    prefixes: tuple[tuple[str, Entry], ...]
    #: phrases of two words or more, by first word, longest first
    phrases: dict[str, tuple[Entry, ...]]

    def word(self, token: str) -> Entry | None:
        entry = self.words.get(token)
        if entry is not None:
            return entry
        for prefix, prefix_entry in self.prefixes:
            if token.startswith(prefix):
                return prefix_entry
        return None

    def phrase_at(self, tokens: list[str], start: int) -> Entry | None:
        for entry in self.phrases.get(tokens[start], ()):
            end = start + len(entry.words)
            if tuple(tokens[start:end]) == entry.words:
                return entry
        return None


def textblob_fr_polarities() -> dict[str, float]:
    """textblob-fr's polarity per word form, averaged over senses then parts of speech as pattern does."""
    spec = importlib.util.find_spec("textblob_fr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("textblob-fr is not installed (pip install textblob-fr)")
    path = Path(next(iter(spec.submodule_search_locations))) / "fr-sentiment.xml"
    # A file shipped inside an installed package, not user input.
    root = ElementTree.parse(path).getroot()  # noqa: S314
    senses: dict[str, dict[str | None, list[float]]] = defaultdict(lambda: defaultdict(list))
    for node in root.iter("word"):
        form = node.get("form")
        if form:
            senses[form][node.get("pos")].append(float(node.get("polarity", 0.0)))
    polarities = {}
    for form, by_pos in senses.items():
        per_pos = [sum(values) / len(values) for values in by_pos.values()]
        polarities[form] = sum(per_pos) / len(per_pos)
    return polarities


def _parse_project_line(number: int, line: str) -> list[Entry]:
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 4:
        raise ValueError(f"{PROJECT_LEXICON.name}:{number}: 4 tab-separated fields expected, got {len(parts)}")
    terms, polarity_text, kind, why = parts
    try:
        polarity = float(polarity_text)
    except ValueError:
        raise ValueError(f"{PROJECT_LEXICON.name}:{number}: polarity {polarity_text!r} is not a number") from None
    if not -1.0 <= polarity <= 1.0:
        raise ValueError(f"{PROJECT_LEXICON.name}:{number}: polarity {polarity} outside -1..1")
    if kind not in KINDS:
        raise ValueError(f"{PROJECT_LEXICON.name}:{number}: unknown kind {kind!r}")
    if not why.strip():
        raise ValueError(f"{PROJECT_LEXICON.name}:{number}: every entry says why")
    entries = []
    for term in terms.split("|"):
        is_prefix = term.endswith("*")
        words = words_of(term.rstrip("*"))
        if not words or (is_prefix and len(words) != 1):
            raise ValueError(f"{PROJECT_LEXICON.name}:{number}: bad term {term!r}")
        entries.append(Entry(words + (("*",) if is_prefix else ()), polarity, kind, "project"))
    return entries


def read_project_entries(path: Path = PROJECT_LEXICON) -> list[Entry]:
    entries: list[Entry] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip() and not line.startswith("#"):
                entries.extend(_parse_project_line(number, line))
    return entries


@cache
def load_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    """(words that cut phrases, words that are never a theme alone), folded."""
    cut: set[str] = set()
    alone: set[str] = set()
    with STOPWORDS.open(encoding="utf-8") as handle:
        for line in handle:
            word = line.strip()
            if not word or word.startswith("#"):
                continue
            if word.startswith("~"):
                alone.add(fold(normalise(word[1:])))
            else:
                cut.add(fold(normalise(word)))
    return frozenset(cut), frozenset(alone)


@cache
def load_lexicon() -> Lexicon:
    """textblob-fr's forms, folded (an accented form wins over its accentless twin), then the project list."""
    words: dict[str, Entry] = {}
    function_words = load_stopwords()[0]
    for form, polarity in sorted(textblob_fr_polarities().items()):
        key = fold(form)
        folded_words = words_of(form)
        if len(folded_words) != 1:
            continue
        if key != form.lower() and key in function_words:
            continue  # "sûr" folded is "sur": the preposition must not read as praise
        if key in words and key == form.lower():
            continue  # keep the value of "déçu" over a separate "decu" entry
        words[key] = Entry(folded_words, polarity, "word", "textblob-fr")
    prefixes: list[tuple[str, Entry]] = []
    phrases: dict[str, list[Entry]] = defaultdict(list)
    for entry in read_project_entries():
        if entry.words[-1] == "*":
            prefixes.append((entry.words[0], Entry(entry.words[:1], entry.polarity, entry.kind, entry.source)))
        elif len(entry.words) == 1:
            words[entry.words[0]] = entry
        else:
            phrases[entry.words[0]].append(entry)
    prefixes.sort(key=lambda item: (-len(item[0]), item[0]))
    for key, entry in list(words.items()):
        if entry.source == "textblob-fr":
            # The project's "passionn*" also overrides textblob-fr's own "passionnant".
            match = next((prefix_entry for prefix, prefix_entry in prefixes if key.startswith(prefix)), None)
            if match is not None:
                words[key] = Entry((key,), match.polarity, match.kind, match.source)
    return Lexicon(
        words=words,
        prefixes=tuple(prefixes),
        phrases={first: tuple(sorted(group, key=lambda e: -len(e.words))) for first, group in phrases.items()},
    )
