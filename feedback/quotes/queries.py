"""Reads of the quotes workspace and of a trainer's comments: stored analyses, filtered and paged in SQL.

Every comment shown to communication staff comes from a response whose author consented to be quoted, read
from the response each time: a consent withdrawn removes the comment from every page and export at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import aliased

from feedback.analysis.quotes import QUOTE_WORDS, attribution
from feedback.analysis.theme_words import phrase_key
from feedback.analysis.themes import Theme
from feedback.auth.access import own_sessions
from feedback.db import db
from feedback.disclosure import discloses_comments, threshold, withheld_comment_sessions
from feedback.labels import MODALITY_LABELS, department_label
from feedback.models import (
    Answer,
    CommentAnalysis,
    CommentPhrase,
    Question,
    Questionnaire,
    Quote,
    QuoteStatus,
    Response,
    Training,
    TrainingSession,
    User,
)
from feedback.models.domain import PROFILES
from feedback.quotes import themes as theme_queries
from feedback.quotes.analyses import search_text
from feedback.quotes.filters import CommentFilters, Length
from feedback.scope import Scope

PER_PAGE = 25
MAX_EXPORT = 5000
#: A quote of about this many words reads best in a report: suggestions closest to it come first.
IDEAL_WORDS = 20
TONE_RANK = {"positive": 0, "mixed": 1, "negative": 2, "neutral": 3}

PROFILE_LABELS = {value: label for value, label, _english in PROFILES}

StatusBy = aliased(User)
EditedBy = aliased(User)


def _who(user_name: str | None, user_email: str | None) -> str | None:
    return user_name or user_email


@dataclass(frozen=True)
class CommentRow:
    """One comment as the workspace shows it; `original` (the unmasked text) is filled for admins only."""

    answer_id: int
    masked_text: str
    tone: str
    explanation: str
    word_count: int
    has_personal_data: bool
    is_quotable: bool
    question: str
    session_id: int
    session_date: date
    training_id: int
    training_title: str
    modality: str
    axis: str
    department: str | None
    profile: str | None
    status: QuoteStatus
    quote_text: str | None
    status_by: str | None
    status_dt: datetime | None
    edited_by: str | None
    edited_dt: datetime | None
    original: str | None = None
    themes: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """What is quoted: staff's edited text, else the masked comment."""
        return self.quote_text if self.quote_text is not None else self.masked_text

    @property
    def is_edited(self) -> bool:
        return self.quote_text is not None and self.quote_text != self.masked_text

    @property
    def attribution(self) -> str:
        """ "— Association, formation « Droit des étrangers », Essonne, 2025": never a name."""
        department = department_label(self.department).split(" (")[0] if self.department else None
        return attribution(
            profile=self.profile,
            modality=MODALITY_LABELS.get(self.modality, str(self.modality)),
            training=self.training_title,
            department=department,
            year=self.session_date.year if self.session_date else None,
            profile_labels=PROFILE_LABELS,
        )


def _row_query(*, include_original: bool) -> Select:
    columns = [
        CommentAnalysis.answer_id,
        CommentAnalysis.masked_text,
        CommentAnalysis.tone,
        CommentAnalysis.explanation,
        CommentAnalysis.word_count,
        CommentAnalysis.has_personal_data,
        CommentAnalysis.is_quotable,
        Question.label,
        Response.session_id,
        Response.session_date,
        Training.id,
        Training.title,
        Training.modality,
        Training.axis,
        TrainingSession.department,
        Response.profile,
        func.coalesce(Quote.status, QuoteStatus.NEW.value),
        Quote.text,
        StatusBy.name,
        StatusBy.email,
        Quote.status_dt,
        EditedBy.name,
        EditedBy.email,
        Quote.edited_dt,
    ]
    if include_original:
        columns.append(Answer.text)
    return (
        select(*columns)
        .select_from(CommentAnalysis)
        .join(Response, Response.id == CommentAnalysis.response_id)
        .join(TrainingSession, TrainingSession.id == Response.session_id)
        .join(Training, Training.id == TrainingSession.training_id)
        .join(Answer, Answer.id == CommentAnalysis.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Quote, Quote.answer_id == CommentAnalysis.answer_id)
        .outerjoin(StatusBy, StatusBy.id == Quote.status_by_id)
        .outerjoin(EditedBy, EditedBy.id == Quote.edited_by_id)
    )


def _to_row(values: Sequence, *, include_original: bool) -> CommentRow:
    (
        answer_id,
        masked,
        tone,
        explanation,
        words,
        personal,
        quotable,
        question,
        session_id,
        session_date,
        training_id,
        title,
        modality,
        axis,
        department,
        profile,
        status,
        quote_text,
        status_name,
        status_email,
        status_dt,
        edited_name,
        edited_email,
        edited_dt,
        *rest,
    ) = values
    return CommentRow(
        answer_id=answer_id,
        masked_text=masked,
        tone=tone,
        explanation=explanation,
        word_count=words,
        has_personal_data=personal,
        is_quotable=quotable,
        question=question,
        session_id=session_id,
        session_date=session_date,
        training_id=training_id,
        training_title=title,
        modality=str(modality),
        axis=str(axis),
        department=str(department) if department else None,
        profile=profile,
        status=QuoteStatus(status),
        quote_text=quote_text,
        status_by=_who(status_name, status_email),
        status_dt=status_dt,
        edited_by=_who(edited_name, edited_email),
        edited_dt=edited_dt,
        original=rest[0] if include_original and rest else None,
    )


def quotable_conditions(filters: CommentFilters) -> list[ColumnElement]:
    """Conditions on comment_analyses alone (semi-joins, no join): a page reads the analyses newest first and
    stops at its last row, whatever the engine's estimate of the other tables."""
    responses = select(Response.id).where(Response.consents_to_quote.is_(True), *filters.response_conditions())
    conditions: list[ColumnElement] = [CommentAnalysis.response_id.in_(responses)]
    if filters.tone:
        conditions.append(CommentAnalysis.tone == filters.tone)
    low, high = QUOTE_WORDS
    if filters.length == Length.SHORT:
        conditions.append(CommentAnalysis.word_count < low)
    elif filters.length == Length.QUOTE:
        conditions.append(CommentAnalysis.word_count.between(low, high))
    elif filters.length == Length.LONG:
        conditions.append(CommentAnalysis.word_count > high)
    if filters.theme:
        # A theme's key from a link, or a phrase typed by a person.
        keys = theme_queries.family_keys({filters.theme, phrase_key(filters.theme)})
        saying = select(CommentPhrase.answer_id).where(CommentPhrase.phrase_key.in_(keys))
        conditions.append(CommentAnalysis.answer_id.in_(saying))
    if filters.search:
        conditions.append(CommentAnalysis.search_text.contains(search_text(filters.search), autoescape=True))
    if filters.status == QuoteStatus.NEW:
        moved = select(Quote.answer_id).where(Quote.status != QuoteStatus.NEW)
        conditions.append(CommentAnalysis.answer_id.not_in(moved))
    elif filters.status is not None:
        conditions.append(CommentAnalysis.answer_id.in_(select(Quote.answer_id).where(Quote.status == filters.status)))
    return conditions


@dataclass(frozen=True)
class Page:
    rows: list[CommentRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _with_themes(rows: list[CommentRow]) -> list[CommentRow]:
    themes = theme_queries.comment_themes([row.answer_id for row in rows])
    return [replace(row, themes=tuple(themes.get(row.answer_id, ()))) for row in rows]


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
    return Page(_rows_by_id(ids, include_original=include_original), total, page, per_page)


def _rows_by_id(ids: Sequence[int], *, include_original: bool) -> list[CommentRow]:
    """The rows of these comments, in this order, with their themes."""
    if not ids:
        return []
    query = _row_query(include_original=include_original).where(CommentAnalysis.answer_id.in_(ids))
    rows = {values[0]: _to_row(values, include_original=include_original) for values in db.session.execute(query)}
    return _with_themes([rows[answer_id] for answer_id in ids if answer_id in rows])


def get_comment(answer_id: int, *, include_original: bool, min_answers: int) -> CommentRow | None:
    """A consented comment by its answer id; none for an unknown, unanalysed or unconsented one, or one that the
    disclosure rule withholds at the viewer's threshold (`min_answers`)."""
    query = _row_query(include_original=include_original).where(
        CommentAnalysis.answer_id == answer_id, Response.consents_to_quote.is_(True)
    )
    if min_answers:
        query = query.where(Response.session_id.not_in(withheld_comment_sessions(min_answers)))
    values = db.session.execute(query).first()
    if values is None:
        return None
    return _with_themes([_to_row(values, include_original=include_original)])[0]


def approved_quotes(filters: CommentFilters) -> list[CommentRow]:
    """Approved quotes of the filters (status forced), oldest session first: what the exports hold."""
    conditions = quotable_conditions(replace(filters, status=QuoteStatus.APPROVED))
    query = (
        _row_query(include_original=False)
        .where(*conditions)
        .order_by(Response.session_date, CommentAnalysis.answer_id)
        .limit(MAX_EXPORT)
    )
    return [_to_row(values, include_original=False) for values in db.session.execute(query)]


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
    rows = {row.answer_id: row for row in _rows_by_id(sorted(taken), include_original=False)}
    return [
        Suggestion(theme, [rows[answer_id] for answer_id in chosen[theme.key] if answer_id in rows])
        for theme in top
        if chosen[theme.key]
    ]


# --- A trainer's own comments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainerComment:
    answer_id: int
    text: str
    tone: str
    explanation: str
    question: str
    themes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SessionComments:
    session_id: int
    training_title: str
    start_date: date
    responses: int
    #: Below MIN_ANSWERS_FOR_RATE responses to an anonymous questionnaire, comments are not shown to the trainer.
    hidden: bool
    comments: list[TrainerComment] = field(default_factory=list)


@dataclass(frozen=True)
class OwnComments:
    sessions: list[SessionComments]
    themes: list[Theme]
    min_answers: int

    @property
    def count(self) -> int:
        return sum(len(session.comments) for session in self.sessions)

    @property
    def hidden_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.hidden)


def own_session_comments(user, scope: Scope) -> OwnComments:
    """The comments (masked) of the user's own sessions in the scope (period and catalogue filters), with their tone
    and themes.

    When the session's questionnaire promises anonymity and it has fewer responses than MIN_ANSWERS_FOR_RATE,
    its comments are withheld (a trainer could tell who wrote what in a small group): `discloses_comments`.
    """
    min_answers = threshold(user)
    mine = own_sessions(user).with_only_columns(TrainingSession.id).where(TrainingSession.id.in_(scope.session_ids()))
    responses = (
        select(Response.session_id, func.count().label("n"))
        .where(Response.session_id.in_(mine))
        .group_by(Response.session_id)
    ).subquery()
    sessions = db.session.execute(
        select(
            TrainingSession.id,
            Training.title,
            TrainingSession.start_date,
            func.coalesce(responses.c.n, 0),
            Questionnaire.is_anonymous,
        )
        .join(Training, Training.id == TrainingSession.training_id)
        .join(Questionnaire, Questionnaire.id == TrainingSession.questionnaire_id)
        .join(responses, responses.c.session_id == TrainingSession.id)
        .where(TrainingSession.id.in_(mine))
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
    ).all()
    shown: dict[int, SessionComments] = {}
    ordered: list[SessionComments] = []
    for session_id, title, start_date, count, anonymous in sessions:
        hidden = not discloses_comments(count, bool(anonymous), min_answers)
        entry = SessionComments(session_id, title, start_date, count, hidden)
        ordered.append(entry)
        if not hidden:
            shown[session_id] = entry
    if not shown:
        return OwnComments(ordered, [], min_answers)
    visible = [Response.session_id.in_(list(shown))]
    rows = db.session.execute(
        select(
            CommentAnalysis.answer_id,
            Response.session_id,
            CommentAnalysis.masked_text,
            CommentAnalysis.tone,
            CommentAnalysis.explanation,
            Question.label,
        )
        .join(Response, Response.id == CommentAnalysis.response_id)
        .join(Answer, Answer.id == CommentAnalysis.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(*visible)
        .order_by(Question.position, CommentAnalysis.answer_id)
    ).all()
    themes = theme_queries.comment_themes([row[0] for row in rows])
    for answer_id, session_id, text, tone, explanation, question in rows:
        shown[session_id].comments.append(
            TrainerComment(answer_id, text, tone, explanation, question, tuple(themes.get(answer_id, ())))
        )
    top = theme_queries.themes_of(visible, limit=10, examples=0)
    return OwnComments(ordered, top, min_answers)
