"""Themes: lemmatised key phrases of 1 to 3 words, counted once per comment, ranked.

A comment's phrases (`extract_phrases`): the text is normalised (NFC, apostrophes), elided articles are split
off ("l'échange" -> "l'", "échange"), words are lemmatised with simplemma, and the text is cut at stop words,
punctuation, numbers and masked data (`data/stopwords_fr.txt`: French function words and the project's fillers,
"merci", "globalement"...). Every run of 1 to 3 consecutive remaining words is a phrase.

Themes of a set of comments (`build_themes`): phrases are merged on a key that ignores case, accents and a
final plural or feminine ending ("Échanges", "echanges" and "échange" are one), counted once per comment,
kept when at least 2 comments say them; a phrase inside a longer kept phrase with the same count is dropped
("cas" when every "cas" is a "cas pratique"). Order: count, then the longer phrase, then alphabetical.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import simplemma

from feedback.analysis.lexicon import load_stopwords
from feedback.analysis.text import fold, has_accent, normalise, split_elisions

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_WORDS = 3
MIN_COMMENTS = 2
#: Example comments of this length read best as quotes; others are used only when there are not enough.
EXAMPLE_WORDS = (5, 40)

_PLACEHOLDER_RE = re.compile(r"\[[^\]\n]{0,20}\]")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S+@\S+", re.IGNORECASE)
#: Words (letters, inner hyphens) and everything else that cuts a phrase.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\S")


@lru_cache(maxsize=131072)
def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="fr").lower()


def _stem(folded: str) -> str:
    """A folded lemma without its final plural or feminine ending: the merging key of a word."""
    if len(folded) > 3 and folded[-1] in "sx":
        folded = folded[:-1]
    if len(folded) > 3 and folded[-1] == "e":
        folded = folded[:-1]
    return folded


@lru_cache(maxsize=131072)
def phrase_key(phrase: str) -> str:
    """The key phrases merge on: case, accents and final "s"/"e" do not count."""
    return " ".join(_stem(word) for word in fold(phrase).split())


@lru_cache(maxsize=131072)
def _word(token: str) -> tuple[str, bool, bool] | None:
    """(lemma, cuts a phrase, never alone) for one lower-case token; None for a token that is no word."""
    if not token[0].isalpha():
        return None
    if len(token) > 40:
        return token, True, False  # no French word is that long: a run of keys, not a theme
    cut, alone = load_stopwords()
    lemma = _lemma(token)
    folded, folded_lemma = fold(token), fold(lemma)
    if len(folded) < 2 or folded in cut or folded_lemma in cut:
        return lemma, True, False
    return lemma, False, folded in alone or folded_lemma in alone


def extract_phrases(text: str) -> tuple[str, ...]:
    """The key phrases of one comment, lemmatised, each once (first appearance first)."""
    text = _PLACEHOLDER_RE.sub(" . ", _URL_RE.sub(" . ", normalise(text or "")))
    runs: list[list[tuple[str, bool]]] = [[]]
    for token in _TOKEN_RE.findall(split_elisions(text).lower()):
        word = _word(token)
        if word is None or word[1]:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((word[0], word[2]))
    phrases: dict[str, str] = {}
    for run in runs:
        for size in range(1, MAX_WORDS + 1):
            for start in range(len(run) - size + 1):
                words = run[start : start + size]
                if size == 1 and words[0][1]:
                    continue  # "journée" alone is no theme
                phrase = " ".join(lemma for lemma, _alone in words)
                phrases.setdefault(phrase_key(phrase), phrase)
    return tuple(phrases.values())


@dataclass(frozen=True)
class Aspect:
    """What a comment talks about: a theme's key and the phrase as written, where it is, and the tone said of it."""

    key: str
    phrase: str
    start: int = -1
    end: int = -1
    tone: str | None = None


def extract_aspects(
    doc: Doc | str, *, masked: Sequence[tuple[int, int, str]] = (), question_words: frozenset[str] = frozenset()
) -> tuple[Aspect, ...]:
    """The aspects of a parsed comment (transitional: the key phrases of its text, with no position)."""
    return tuple(
        Aspect(phrase_key(phrase), phrase) for phrase in extract_phrases(doc if isinstance(doc, str) else doc.text)
    )


@dataclass(frozen=True)
class CommentPhrases:
    """One analysed comment as themes need it: the text shown as an example, its phrases and tone."""

    text: str
    phrases: Sequence[str]
    tone: str | None = None


@dataclass(frozen=True)
class Theme:
    key: str
    phrase: str
    count: int
    share: float
    tones: dict[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "count": self.count,
            "share": round(self.share, 4),
            "tones": dict(self.tones),
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class PhraseCounts:
    """How many comments said each phrase key, out of how many comments, and how to show each key."""

    counts: Mapping[str, int]
    total: int
    labels: Mapping[str, str]


def _is_known(phrase: str) -> bool:
    return all(simplemma.is_known(word, lang="fr") for word in phrase.split())


def _pick_label(spellings: Counter) -> str:
    # A spelling of known French lemmas ("échange", not "echanges" typed without accents), then the most said,
    # then the accented one, then alphabetical.
    return min(
        spellings.items(), key=lambda item: (not _is_known(item[0]), -item[1], not has_accent(item[0]), item[0])
    )[0]


def count_phrases(phrase_lists: Iterable[Sequence[str]]) -> PhraseCounts:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for phrases in phrase_lists:
        total += 1
        keys = {}
        for phrase in phrases:
            keys.setdefault(phrase_key(phrase), phrase)
        counts.update(keys.keys())
        for key, phrase in keys.items():
            spellings[key][phrase] += 1
    labels = {key: _pick_label(spelling) for key, spelling in spellings.items()}
    return PhraseCounts(counts, total, labels)


def _kept_keys(counts: Mapping[str, int], min_count: int) -> list[str]:
    kept = {key for key, count in counts.items() if count >= min_count}
    absorbed = set()
    for key in kept:
        words = key.split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                if part in kept and counts[part] == counts[key]:
                    absorbed.add(part)
    return sorted(kept - absorbed, key=lambda key: (-counts[key], -len(key.split()), key))


def _examples(texts: list[str], limit: int) -> tuple[str, ...]:
    """Distinct comments of a quotable length first (in input order), then the closest to that length."""
    low, high = EXAMPLE_WORDS

    def distance(text: str) -> int:
        words = len(text.split())
        return low - words if words < low else max(0, words - high)

    distinct = list(dict.fromkeys(texts))
    ranked = sorted(range(len(distinct)), key=lambda i: (distance(distinct[i]), i))
    return tuple(distinct[i] for i in ranked[:limit])


def build_themes(
    comments: Sequence[CommentPhrases],
    *,
    min_count: int = MIN_COMMENTS,
    limit: int | None = None,
    examples: int = 3,
) -> list[Theme]:
    """The themes of a set of comments, most said first, each with its tone split and example comments."""
    phrase_counts = count_phrases(comment.phrases for comment in comments)
    keys = _kept_keys(phrase_counts.counts, min_count)
    if limit is not None:
        keys = keys[:limit]
    wanted = set(keys)
    members: dict[str, list[int]] = defaultdict(list)
    for index, comment in enumerate(comments):
        for key in {phrase_key(phrase) for phrase in comment.phrases} & wanted:
            members[key].append(index)
    themes = []
    total = phrase_counts.total or 1
    for key in keys:
        indexes = members[key]
        tones = Counter(comments[i].tone for i in indexes if comments[i].tone)
        themes.append(
            Theme(
                key=key,
                phrase=phrase_counts.labels[key],
                count=phrase_counts.counts[key],
                share=phrase_counts.counts[key] / total,
                tones=dict(sorted(tones.items())),
                examples=_examples([comments[i].text for i in indexes], examples),
            )
        )
    return themes


@dataclass(frozen=True)
class EmergingTheme:
    key: str
    phrase: str
    count: int
    previous_count: int
    share: float
    previous_share: float

    @property
    def growth(self) -> float:
        """Gain in share of comments, in points (0.05 = said by 5 % more of the comments)."""
        return self.share - self.previous_share

    def as_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "count": self.count,
            "previous_count": self.previous_count,
            "share": round(self.share, 4),
            "previous_share": round(self.previous_share, 4),
            "growth": round(self.growth, 4),
        }


def _as_counts(value: PhraseCounts | Mapping[str, int], total: int | None) -> PhraseCounts:
    if isinstance(value, PhraseCounts):
        return value
    if total is None:
        raise ValueError("the number of comments of each period is needed to compare shares")
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for phrase, count in sorted(value.items()):
        key = phrase_key(phrase)
        counts[key] += count
        labels.setdefault(key, phrase)
    return PhraseCounts(counts, total, labels)


def emerging_themes(
    current: PhraseCounts | Mapping[str, int],
    previous: PhraseCounts | Mapping[str, int],
    *,
    current_total: int | None = None,
    previous_total: int | None = None,
    min_count: int = MIN_COMMENTS,
    limit: int = 10,
) -> list[EmergingTheme]:
    """Themes that grew most against the previous period, in share of comments (periods differ in size).

    Takes `count_phrases` results, or plain {phrase: comments} counters with the number of comments of each
    period. A theme must be said by `min_count` comments now; new themes (absent before) count from 0 %.
    """
    now = _as_counts(current, current_total)
    before = _as_counts(previous, previous_total)
    result = []
    for key in _kept_keys(now.counts, min_count):
        share = now.counts[key] / (now.total or 1)
        previous_count = before.counts.get(key, 0)
        previous_share = previous_count / before.total if before.total else 0.0
        if share > previous_share:
            label = now.labels.get(key) or before.labels.get(key) or key
            result.append(EmergingTheme(key, label, now.counts[key], previous_count, share, previous_share))
    result.sort(key=lambda theme: (-theme.growth, -theme.count, theme.phrase))
    return result[:limit]
