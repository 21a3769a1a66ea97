"""Themes from the stored aspects: counted by the database (GROUP BY key, phrase, aspect tone), merged and ranked
with analysis.themes' own rules.

Counts cover every analysed comment of the scope (a figure, no text); each theme's tones are the tones of the
clauses that mention it. The example comments shown with a theme come only from authors who consented to be
quoted, and show the theme's dominant tone first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, and_, case, func, select

from feedback.analysis.themes import (
    CLOSE_FORM_PREFIX,
    EXAMPLE_WORDS,
    MIN_COMMENTS,
    EmergingTheme,
    PhraseCounts,
    Theme,
    close_keys,
    dominant_tone,
    emerging_themes,
    kept_keys,
    merge_keys,
    pick_label,
)
from feedback.comments.filters import CommentFilters
from feedback.db import db
from feedback.models import CommentAnalysis, CommentPhrase, Response

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
    """For each theme key of a scope: comments saying it, their spellings and its tones; and the comments.

    `merged`: {stored key: the theme's key} for the close forms merged into another theme (analysis.themes)."""

    counts: dict[str, int]
    spellings: dict[str, Counter]
    tones: dict[str, Counter]
    total: int
    merged: dict[str, str] = field(default_factory=dict)

    def stored_keys(self, key: str) -> list[str]:
        """The stored keys counted under this theme's key."""
        return [key, *sorted(k for k, target in self.merged.items() if target == key)]

    def label(self, key: str) -> str:
        """The most said spelling, preferring known French lemmas (analysis.themes' own rule)."""
        return pick_label(self.spellings[key]) if self.spellings.get(key) else key

    def phrase_counts(self) -> PhraseCounts:
        return PhraseCounts(self.counts, self.total, {})


def scope_counts(conditions: Sequence[ColumnElement]) -> ScopeCounts:
    """One GROUP BY (key, spelling, aspect tone) over the covering index of comment_phrases, summed up per key,
    then close forms merged (analysis.themes.merge_keys).

    A comment says a key at most once (one row per answer and key), so the sums are numbers of comments (a comment
    saying two close forms of one theme, rare, counts twice in it).
    """
    query = _phrase_scope(
        CommentPhrase.phrase_key, CommentPhrase.phrase, CommentPhrase.aspect_tone, func.count(), conditions=conditions
    ).group_by(CommentPhrase.phrase_key, CommentPhrase.phrase, CommentPhrase.aspect_tone)
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    tones: dict[str, Counter] = defaultdict(Counter)
    for key, phrase, tone, count in db.session.execute(query):
        counts[key] += count
        spellings[key][phrase] += count
        tones[key][tone] += count
    merged_counts, merged_spellings, merged_tones, merged = merge_keys(counts, spellings, tones)
    return ScopeCounts(merged_counts, merged_spellings, merged_tones, count_comments(conditions), merged)


def _examples(
    keys: Sequence[str], scope: ScopeCounts, conditions: Sequence[ColumnElement], limit: int
) -> dict[str, tuple[str, ...]]:
    """Up to `limit` distinct comments per theme from consenting authors: those whose mention of the theme has its
    dominant tone first (« salle », criticised 18 times in 20: criticisms first), then quotable ones, then of a
    quotable length, oldest first."""
    low, high = EXAMPLE_WORDS
    words = CommentAnalysis.word_count
    distance = case((words < low, low - words), (words > high, words - high), else_=0)
    theme_of = {stored: key for key in keys for stored in scope.stored_keys(key)}
    dominant = {key: dominant_tone(scope.tones.get(key, {})) for key in keys}
    shows_dominant = case(
        *(
            (and_(CommentPhrase.phrase_key == stored, CommentPhrase.aspect_tone == dominant[key]), 0)
            for stored, key in theme_of.items()
            if dominant[key]
        ),
        else_=1,
    )
    quotable = case((CommentAnalysis.is_quotable.is_(True), 0), else_=1)
    rank = (
        func.row_number()
        .over(
            partition_by=CommentPhrase.phrase_key,
            order_by=(shows_dominant, quotable, distance, CommentAnalysis.answer_id),
        )
        .label("rank")
    )
    inner = (
        select(
            CommentPhrase.phrase_key,
            CommentPhrase.answer_id,
            shows_dominant.label("shows"),
            quotable.label("q"),
            distance.label("distance"),
            rank,
        )
        .join(CommentAnalysis, CommentAnalysis.answer_id == CommentPhrase.answer_id)
        .join(Response, Response.id == CommentPhrase.response_id)
        .where(CommentPhrase.phrase_key.in_(list(theme_of)), Response.consents_to_quote.is_(True), *conditions)
        .subquery()
    )
    # A few more than needed (two comments may say exactly the same thing); texts are read for those only.
    query = (
        select(inner.c.phrase_key, CommentAnalysis.masked_text)
        .join(CommentAnalysis, CommentAnalysis.answer_id == inner.c.answer_id)
        .where(inner.c.rank <= limit * 2)
        .order_by(inner.c.shows, inner.c.q, inner.c.distance, inner.c.answer_id)
    )
    examples: dict[str, list[str]] = defaultdict(list)
    for stored, text in db.session.execute(query):
        key = theme_of[stored]
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
    keys = kept_keys(scope.counts, MIN_COMMENTS)
    if limit is not None:
        keys = keys[:limit]
    if not keys:
        return []
    shown = _examples(keys, scope, conditions, examples) if examples else {}
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


def family_keys(keys: set[str]) -> list[str]:
    """These theme keys and the stored close forms a theme page counts under them (« formatric » under
    « formateur »): one read of the stored single-word keys sharing their start."""
    found = set(keys)
    for key in keys:
        if " " in key or len(key) < CLOSE_FORM_PREFIX:
            continue
        prefix = key[:CLOSE_FORM_PREFIX]
        spellings = dict(
            db.session.execute(
                select(CommentPhrase.phrase_key, func.min(CommentPhrase.phrase))
                .where(
                    CommentPhrase.phrase_key.startswith(prefix, autoescape=True),
                    CommentPhrase.phrase_key.not_like("% %"),
                )
                .group_by(CommentPhrase.phrase_key)
            ).all()
        )
        counts = {other: 2 if other == key else 1 for other in spellings}
        found |= {other for other, target in close_keys(spellings, counts).items() if target == key}
    return sorted(found)


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
        kept = set(kept_keys({key: counts[key] for key, _ in phrases}, 1))
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
