"""Themes from the stored phrases: counted by the database (GROUP BY), ranked with analysis.themes' own rules.

Counts cover every analysed comment of the scope (a figure, no text); the example comments shown with a theme
come only from authors who consented to be quoted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, case, func, select

from feedback.analysis.themes import (
    EXAMPLE_WORDS,
    MIN_COMMENTS,
    EmergingTheme,
    PhraseCounts,
    Theme,
    _kept_keys,
    _pick_label,
    emerging_themes,
)
from feedback.db import db
from feedback.models import CommentAnalysis, CommentPhrase, Response
from feedback.quotes.filters import CommentFilters

EXAMPLES = 3


def _phrase_scope(*columns, conditions: Sequence[ColumnElement]):
    """comment_phrases of the scope: joined to responses only when a condition needs them."""
    query = select(*columns)
    if conditions:
        query = query.join(Response, Response.id == CommentPhrase.response_id).where(*conditions)
    return query


def count_comments(conditions: Sequence[ColumnElement]) -> int:
    query = select(func.count()).select_from(CommentAnalysis)
    if conditions:
        query = query.join(Response, Response.id == CommentAnalysis.response_id).where(*conditions)
    return db.session.scalar(query) or 0


def scope_state(conditions: Sequence[ColumnElement]) -> tuple:
    """What changes when the scope's comments change (one arrives, one goes, the rules re-analyse them): a cheap
    stand-in for the counts, to find a cached word cloud without counting."""
    query = select(func.count(), func.max(CommentAnalysis.answer_id), func.max(CommentAnalysis.analysed_dt))
    query = query.select_from(CommentAnalysis)
    if conditions:
        query = query.join(Response, Response.id == CommentAnalysis.response_id).where(*conditions)
    count, last, analysed = db.session.execute(query).one()
    return count, last, analysed.isoformat() if analysed else None


@dataclass(frozen=True)
class ScopeCounts:
    """For each phrase key of a scope: comments saying it, their spellings and their tones; and the comments."""

    counts: dict[str, int]
    spellings: dict[str, Counter]
    tones: dict[str, Counter]
    total: int

    def label(self, key: str) -> str:
        """The most said spelling, preferring known French lemmas (analysis.themes' own rule)."""
        return _pick_label(self.spellings[key]) if self.spellings.get(key) else key

    def phrase_counts(self) -> PhraseCounts:
        return PhraseCounts(self.counts, self.total, {})


def scope_counts(conditions: Sequence[ColumnElement]) -> ScopeCounts:
    """One GROUP BY (key, spelling, tone) over the covering index of comment_phrases, summed up per key.

    A comment says a key at most once (one row per answer and key), so the sums are numbers of comments.
    """
    query = _phrase_scope(
        CommentPhrase.phrase_key, CommentPhrase.phrase, CommentPhrase.tone, func.count(), conditions=conditions
    ).group_by(CommentPhrase.phrase_key, CommentPhrase.phrase, CommentPhrase.tone)
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    tones: dict[str, Counter] = defaultdict(Counter)
    for key, phrase, tone, count in db.session.execute(query):
        counts[key] += count
        spellings[key][phrase] += count
        tones[key][tone] += count
    return ScopeCounts(dict(counts), spellings, tones, count_comments(conditions))


def _examples(keys: Sequence[str], conditions: Sequence[ColumnElement], limit: int) -> dict[str, tuple[str, ...]]:
    """Up to `limit` distinct comments per key from consenting authors, of a quotable length first, oldest first."""
    low, high = EXAMPLE_WORDS
    words = CommentAnalysis.word_count
    distance = case((words < low, low - words), (words > high, words - high), else_=0)
    rank = (
        func.row_number()
        .over(partition_by=CommentPhrase.phrase_key, order_by=(distance, CommentAnalysis.answer_id))
        .label("rank")
    )
    inner = (
        select(CommentPhrase.phrase_key, CommentPhrase.answer_id, rank)
        .join(CommentAnalysis, CommentAnalysis.answer_id == CommentPhrase.answer_id)
        .join(Response, Response.id == CommentPhrase.response_id)
        .where(CommentPhrase.phrase_key.in_(keys), Response.consents_to_quote.is_(True), *conditions)
        .subquery()
    )
    # A few more than needed (two comments may say exactly the same thing); texts are read for those only.
    query = (
        select(inner.c.phrase_key, CommentAnalysis.masked_text)
        .join(CommentAnalysis, CommentAnalysis.answer_id == inner.c.answer_id)
        .where(inner.c.rank <= limit * 2)
        .order_by(inner.c.phrase_key, inner.c.rank)
    )
    examples: dict[str, list[str]] = defaultdict(list)
    for key, text in db.session.execute(query):
        if text not in examples[key] and len(examples[key]) < limit:
            examples[key].append(text)
    return {key: tuple(texts) for key, texts in examples.items()}


def themes_for(filters: CommentFilters, *, limit: int | None = 20, examples: int = EXAMPLES) -> list[Theme]:
    """The themes of the filters' period and catalogue scope (see `themes_of`)."""
    return themes_of(filters.response_conditions(), limit=limit, examples=examples)


def themes_of(conditions: Sequence[ColumnElement], *, limit: int | None = 20, examples: int = EXAMPLES) -> list[Theme]:
    """Themes of the comments whose responses meet the conditions, most said first: count, share of comments,
    tone split and example comments."""
    scope = scope_counts(conditions)
    keys = _kept_keys(scope.counts, MIN_COMMENTS)
    if limit is not None:
        keys = keys[:limit]
    if not keys:
        return []
    shown = _examples(keys, conditions, examples) if examples else {}
    return [
        Theme(
            key=key,
            phrase=scope.label(key),
            count=scope.counts[key],
            share=scope.counts[key] / (scope.total or 1),
            tones=dict(sorted(scope.tones[key].items())),
            examples=shown.get(key, ()),
        )
        for key in keys
    ]


def theme_frequencies(filters: CommentFilters, *, limit: int = 60) -> dict[str, int]:
    """{label: comments} of the scope's top themes: what a word cloud is drawn from."""
    frequencies: dict[str, int] = {}
    for theme in themes_for(filters, limit=limit, examples=0):
        frequencies[theme.phrase] = max(frequencies.get(theme.phrase, 0), theme.count)
    return frequencies


@dataclass(frozen=True)
class Emerging:
    themes: list[EmergingTheme]
    previous: CommentFilters | None
    comments: int
    previous_comments: int


def emerging_for(filters: CommentFilters, *, limit: int = 10) -> Emerging:
    """Themes that grew most in share of comments against the previous period of the same length."""
    previous = filters.previous_period()
    if previous is None:
        return Emerging([], None, 0, 0)
    now = scope_counts(filters.response_conditions())
    before = scope_counts(previous.response_conditions())
    grown = emerging_themes(now.phrase_counts(), before.phrase_counts(), limit=limit)
    return Emerging([replace(theme, phrase=now.label(theme.key)) for theme in grown], previous, now.total, before.total)


def comment_themes(answer_ids: Sequence[int], *, per_comment: int = 4) -> dict[int, list[tuple[str, str]]]:
    """For each comment, its phrases that are themes (said by 2 comments or more), most said first: (key, phrase)."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        select(CommentPhrase.answer_id, CommentPhrase.phrase_key, CommentPhrase.phrase).where(
            CommentPhrase.answer_id.in_(answer_ids)
        )
    ).all()
    keys = sorted({key for _answer, key, _phrase in rows})
    count = func.count()
    counts = dict(
        db.session.execute(
            select(CommentPhrase.phrase_key, count)
            .where(CommentPhrase.phrase_key.in_(keys))
            .group_by(CommentPhrase.phrase_key)
            .having(count >= MIN_COMMENTS)
        ).all()
    )
    by_comment: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for answer_id, key, phrase in rows:
        if key in counts:
            by_comment[answer_id].append((key, phrase))
    result = {}
    for answer_id, phrases in by_comment.items():
        kept = set(_kept_keys({key: counts[key] for key, _ in phrases}, 1))
        ordered = sorted((p for p in phrases if p[0] in kept), key=lambda p: (-counts[p[0]], -len(p[0].split()), p[0]))
        result[answer_id] = ordered[:per_comment]
    return result


__all__ = [
    "Emerging",
    "ScopeCounts",
    "scope_counts",
    "scope_state",
    "comment_themes",
    "count_comments",
    "emerging_for",
    "themes_for",
    "themes_of",
    "theme_frequencies",
]
