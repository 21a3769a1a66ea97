"""Reads of the quotes workspace: a page of comments, one comment, the suggested quotes per theme.

The rows themselves, their filters and themes are read by feedback/comments/ (shared with the report and the API).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from feedback.analysis.themes import Theme
from feedback.comments import themes as theme_queries
from feedback.comments.filters import CommentFilters
from feedback.comments.rows import CommentRow, quotable_conditions, row_query, rows_by_id, to_row, with_themes
from feedback.db import db
from feedback.disclosure import withheld_comment_sessions
from feedback.models import CommentAnalysis, CommentPhrase, Quote, QuoteStatus, Response

PER_PAGE = 25
#: A quote of about this many words reads best in a report: suggestions closest to it come first.
IDEAL_WORDS = 20
TONE_RANK = {"positive": 0, "mixed": 1, "negative": 2, "neutral": 3}


@dataclass(frozen=True)
class Page:
    rows: list[CommentRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def comment_page(filters: CommentFilters, page: int, *, include_original: bool, per_page: int = PER_PAGE) -> Page:
    """One page of consented comments, newest first, and how many match."""
    conditions = quotable_conditions(filters)
    total = db.session.scalar(select(func.count()).select_from(CommentAnalysis).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    ids = db.session.scalars(
        select(CommentAnalysis.answer_id)
        .where(*conditions)
        .order_by(CommentAnalysis.answer_id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(rows_by_id(ids, include_original=include_original), total, page, per_page)


def get_comment(answer_id: int, *, include_original: bool, min_answers: int) -> CommentRow | None:
    """A consented comment by its answer id; none for an unknown, unanalysed or unconsented one, or one that the
    disclosure rule withholds at the viewer's threshold (`min_answers`)."""
    query = row_query(include_original=include_original).where(
        CommentAnalysis.answer_id == answer_id, Response.consents_to_quote.is_(True)
    )
    if min_answers:
        query = query.where(Response.session_id.not_in(withheld_comment_sessions(min_answers)))
    values = db.session.execute(query).first()
    if values is None:
        return None
    return with_themes([to_row(values, include_original=include_original)])[0]


@dataclass(frozen=True)
class Suggestion:
    theme: Theme
    comments: list[CommentRow]


def suggestions(filters: CommentFilters, *, themes: int = 6, per_theme: int = 3) -> list[Suggestion]:
    """For each top theme of the scope, its most quotable comments (complete sentences of 8-40 words, positive or
    constructive, nothing masked, consent given, not rejected); each comment under one theme only."""
    top = theme_queries.themes_for(filters.catalogue_only(), limit=themes, examples=0)
    if not top:
        return []
    keys = [theme.key for theme in top]
    scope = filters.response_conditions()
    tone_rank = case(*((CommentAnalysis.tone == tone, rank) for tone, rank in TONE_RANK.items()), else_=9)
    rank = (
        func.row_number()
        .over(
            partition_by=CommentPhrase.phrase_key,
            order_by=(tone_rank, func.abs(CommentAnalysis.word_count - IDEAL_WORDS), CommentAnalysis.answer_id.desc()),
        )
        .label("rank")
    )
    inner = (
        select(CommentPhrase.phrase_key, CommentPhrase.answer_id, rank)
        .join(CommentAnalysis, CommentAnalysis.answer_id == CommentPhrase.answer_id)
        .join(Response, Response.id == CommentPhrase.response_id)
        .outerjoin(Quote, Quote.answer_id == CommentPhrase.answer_id)
        .where(
            CommentPhrase.phrase_key.in_(keys),
            CommentAnalysis.is_quotable.is_(True),
            Response.consents_to_quote.is_(True),
            or_(Quote.status.is_(None), Quote.status != QuoteStatus.REJECTED),
            *scope,
        )
        .subquery()
    )
    # Enough candidates per theme for each to keep `per_theme` once a comment is given to its first theme.
    ranked = db.session.execute(
        select(inner.c.phrase_key, inner.c.answer_id)
        .where(inner.c.rank <= per_theme * themes)
        .order_by(inner.c.phrase_key, inner.c.rank)
    ).all()
    candidates: dict[str, list[int]] = {key: [] for key in keys}
    for key, answer_id in ranked:
        candidates[key].append(answer_id)
    taken: set[int] = set()
    chosen: dict[str, list[int]] = {}
    for key in keys:
        chosen[key] = [answer_id for answer_id in candidates[key] if answer_id not in taken][:per_theme]
        taken.update(chosen[key])
    rows = {row.answer_id: row for row in rows_by_id(sorted(taken), include_original=False)}
    return [
        Suggestion(theme, [rows[answer_id] for answer_id in chosen[theme.key] if answer_id in rows])
        for theme in top
        if chosen[theme.key]
    ]
