"""Themes of a set of comments (`build_themes`): their aspects counted once per comment, kept when at least 2
comments say them, labelled by the phrase written most; each with the tones of the clauses that mention it (not
the comment's overall tone) and example comments that show its dominant tone. Also the themes that grew against a
previous period (`emerging_themes`).

Aspects come keyed (`aspects`, `theme_words`); `build_themes` also merges single-word keys of one family (a shared
stem of 5 letters or more) whose word vectors are close (`close_keys`), so « formateur » and « formatrice » are one
theme; the database's counts get the same merge (`merge_keys`, used by the quotes area).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import simplemma

from feedback.analysis.aspects import Aspect
from feedback.analysis.text import fold, has_accent

#: A theme is kept when at least this many comments say it.
MIN_COMMENTS = 2
#: Example comments of this length read best as quotes; others are used only when there are not enough.
EXAMPLE_WORDS = (5, 40)
#: Two single-word keys of one family merge when their vectors are at least this close (cosine).
CLOSE_FORM_SIMILARITY = 0.5
CLOSE_FORM_PREFIX = 5


def preload() -> None:
    """What the themes pages read, loaded once by gunicorn's master before it forks its workers, so no page pays
    it: the pipeline's word vectors (~1 s, ~35 MB) and simplemma's French dictionary (~0.2 s, ~28 MB)."""
    from feedback.analysis.language import word_vectors

    word_vectors()
    simplemma.is_known("salle", lang="fr")


# --- Close forms ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _similarity(first: str, second: str) -> float:
    from feedback.analysis.language import word_vectors  # the vectors alone: themes are built in web workers

    return word_vectors().similarity(first, second)


#: Endings of one word family, on stemmed keys: « pédagogiqu » / « pedagogi », « formateur » / « formatric »,
#: « convivial » / « convivialit », « interactif » / « interactivit ».
FAMILY_ENDINGS = (("qu", ""), ("eur", "ric"), ("", "it"), ("if", "ivit"), ("el", "elit"), ("", "ment"))


def _family_signatures(key: str) -> list[tuple[int, int, str]]:
    """(ending pair, side, root) for each way `key` ends one of `FAMILY_ENDINGS`: two keys are of one family when one
    has (pair, 0, root) and the other (pair, 1, root), a root of `CLOSE_FORM_PREFIX` letters or more."""
    signatures = []
    for pair, endings in enumerate(FAMILY_ENDINGS):
        for side, ending in enumerate(endings):
            if key.endswith(ending):
                root = key[: len(key) - len(ending)]
                if len(root) >= CLOSE_FORM_PREFIX:
                    signatures.append((pair, side, root))
    return signatures


def close_keys(labels: Mapping[str, str], counts: Mapping[str, int]) -> dict[str, str]:
    """{key: the key it merges into} for single-word keys of one word family (`FAMILY_ENDINGS`) whose word vectors
    agree: « formateur » / « formatrice », « pédagogie » / « pédagogique », « convivial » / « convivialité ».
    The most said key absorbs the others; a key is merged at most once (no chains). Candidates are found through an
    index of their roots, not by comparing every pair (a year's 1,500 themes made a million comparisons)."""
    singles = sorted(
        (key for key in counts if " " not in key and len(key) >= CLOSE_FORM_PREFIX), key=lambda k: (-counts[k], k)
    )
    rank = {key: i for i, key in enumerate(singles)}
    by_signature: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for key in singles:
        for signature in _family_signatures(key):
            by_signature[signature].append(key)
    merged: dict[str, str] = {}
    for key in singles:
        if key in merged:
            continue
        candidates = {
            other
            for pair, side, root in _family_signatures(key)
            for other in by_signature.get((pair, 1 - side, root), ())
            if other != key
        }
        for other in sorted(candidates, key=rank.__getitem__):
            if rank[other] < rank[key] or other in merged:
                continue
            if _similarity(labels.get(key, key), labels.get(other, other)) >= CLOSE_FORM_SIMILARITY:
                merged[other] = key
    return merged


def merge_keys(
    counts: Mapping[str, int], spellings: Mapping[str, Mapping[str, int]], tones: Mapping[str, Mapping[str, int]]
) -> tuple[dict[str, int], dict[str, Counter[str]], dict[str, Counter[str]], dict[str, str]]:
    """Counts, spellings and tones with close keys merged; and {merged key: its theme's key}."""
    labels = {key: pick_label(spelling) for key, spelling in spellings.items() if spelling}
    mapping = close_keys(labels, counts)
    new_counts: Counter[str] = Counter()
    new_spellings: dict[str, Counter[str]] = defaultdict(Counter)
    new_tones: dict[str, Counter[str]] = defaultdict(Counter)
    for key, count in counts.items():
        target = mapping.get(key, key)
        new_counts[target] += count
        new_spellings[target].update(spellings.get(key, {}))
        new_tones[target].update(tones.get(key, {}))
    return dict(new_counts), dict(new_spellings), dict(new_tones), mapping


# --- Themes of a set of comments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentPhrases:
    """One analysed comment as themes need it: the text shown as an example, its aspects and tone (an aspect's own
    tone wins over the comment's)."""

    text: str
    tone: str | None = None
    aspects: Sequence[Aspect] = ()
    is_quotable: bool = False

    def keyed(self) -> dict[str, tuple[str, str | None]]:
        """{key: (phrase, tone)}, each key once; a key said in praising and criticising clauses is mixed."""
        result: dict[str, tuple[str, str | None]] = {}
        for aspect in self.aspects:
            tone = aspect.tone or self.tone
            if aspect.key in result:
                result[aspect.key] = (result[aspect.key][0], combine_tones(result[aspect.key][1], tone))
            else:
                result[aspect.key] = (aspect.phrase, tone)
        return {key: value for key, value in result.items() if key}


def combine_tones(first: str | None, second: str | None) -> str | None:
    """One tone for a theme said twice in a comment: praise and criticism make it mixed."""
    if first is None or first == second:
        return second
    if second is None:
        return first
    if "neutral" in (first, second):
        return second if first == "neutral" else first
    return "mixed"


@dataclass(frozen=True)
class Theme:
    key: str
    phrase: str
    count: int
    share: float
    tones: dict[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    @property
    def dominant_tone(self) -> str | None:
        """The tone most of its mentions have (ties: criticism first, it is what staff act on)."""
        if not self.tones:
            return None
        order = {tone: i for i, tone in enumerate(("negative", "mixed", "positive", "neutral"))}
        return min(self.tones.items(), key=lambda item: (-item[1], order.get(item[0], 9)))[0]

    @property
    def praised(self) -> int:
        """Comments praising it (positive, or mixed: praised and criticised in one comment)."""
        return self.tones.get("positive", 0) + self.tones.get("mixed", 0)

    @property
    def criticised(self) -> int:
        """Comments criticising it (negative, or mixed)."""
        return self.tones.get("negative", 0) + self.tones.get("mixed", 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "key": self.key,
            "count": self.count,
            "share": round(self.share, 4),
            "tones": dict(self.tones),
            "examples": list(self.examples),
        }


def dominant_tone(tones: Mapping[str, int]) -> str | None:
    return Theme("", "", 0, 0.0, dict(tones)).dominant_tone


@dataclass(frozen=True)
class PhraseCounts:
    """How many comments said each phrase key, out of how many comments, and how to show each key."""

    counts: Mapping[str, int]
    total: int
    labels: Mapping[str, str]


def _is_known(phrase: str) -> bool:
    return all(simplemma.is_known(word, lang="fr") for word in phrase.replace("'", "' ").split() if len(word) > 2)


def pick_label(spellings: Mapping[str, int]) -> str:
    """The phrase written most, case and accents aside (« échanges » and « echanges » count together), shown in
    its known, accented spelling; ties: alphabetical."""
    groups: dict[str, int] = Counter()
    for phrase, count in spellings.items():
        groups[fold(phrase)] += count
    best = min(groups.items(), key=lambda item: (-item[1], item[0]))[0]
    return min(
        ((phrase, count) for phrase, count in spellings.items() if fold(phrase) == best),
        key=lambda item: (not _is_known(item[0]), not has_accent(item[0]), -item[1], item[0]),
    )[0]


def kept_keys(counts: Mapping[str, int], min_count: int) -> list[str]:
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


def _distance(text: str) -> int:
    low, high = EXAMPLE_WORDS
    words = len(text.split())
    return low - words if words < low else max(0, words - high)


def _examples(candidates: list[tuple[str, str | None, bool]], dominant: str | None, limit: int) -> tuple[str, ...]:
    """Distinct comments showing the theme's dominant tone first, then quotable ones, then of a quotable length
    (5 to 40 words), in input order."""
    seen: dict[str, tuple[int, int, int, int]] = {}
    for index, (text, tone, quotable) in enumerate(candidates):
        if text not in seen:
            seen[text] = (tone != dominant, _distance(text), not quotable, index)
    ranked = sorted(seen, key=lambda text: seen[text])
    return tuple(ranked[:limit])


def build_themes(
    comments: Sequence[CommentPhrases],
    *,
    min_count: int = MIN_COMMENTS,
    limit: int | None = None,
    examples: int = 3,
) -> list[Theme]:
    """The themes of a set of comments, most said first, each with its tone split and example comments."""
    keyed = [comment.keyed() for comment in comments]
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    tones: dict[str, Counter[str]] = defaultdict(Counter)
    for aspects in keyed:
        counts.update(aspects.keys())
        for key, (phrase, tone) in aspects.items():
            spellings[key][phrase] += 1
            if tone:
                tones[key][tone] += 1
    merged_counts, spellings, tones, mapping = merge_keys(counts, spellings, tones)
    keys = kept_keys(merged_counts, min_count)
    if limit is not None:
        keys = keys[:limit]
    wanted = set(keys)
    members: dict[str, list[tuple[str, str | None, bool]]] = defaultdict(list)
    for comment, aspects in zip(comments, keyed, strict=True):
        for key, (_phrase, tone) in aspects.items():
            target = mapping.get(key, key)
            if target in wanted:
                members[target].append((comment.text, tone, comment.is_quotable))
    total = len(comments) or 1
    themes = []
    for key in keys:
        theme_tones = dict(sorted(tones[key].items()))
        themes.append(
            Theme(
                key=key,
                phrase=pick_label(spellings[key]),
                count=merged_counts[key],
                share=merged_counts[key] / total,
                tones=theme_tones,
                examples=_examples(members[key], dominant_tone(theme_tones), examples),
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "count": self.count,
            "previous_count": self.previous_count,
            "share": round(self.share, 4),
            "previous_share": round(self.previous_share, 4),
            "growth": round(self.growth, 4),
        }


def emerging_themes(
    now: PhraseCounts,
    before: PhraseCounts,
    *,
    min_count: int = MIN_COMMENTS,
    limit: int = 10,
) -> list[EmergingTheme]:
    """Themes that grew most against the previous period, in share of comments (periods differ in size).

    A theme must be said by `min_count` comments now; new themes (absent before) count from 0 %.
    """
    result = []
    for key in kept_keys(now.counts, min_count):
        share = now.counts[key] / (now.total or 1)
        previous_count = before.counts.get(key, 0)
        previous_share = previous_count / before.total if before.total else 0.0
        if share > previous_share:
            label = now.labels.get(key) or before.labels.get(key) or key
            result.append(EmergingTheme(key, label, now.counts[key], previous_count, share, previous_share))
    result.sort(key=lambda theme: (-theme.growth, -theme.count, theme.phrase))
    return result[:limit]
