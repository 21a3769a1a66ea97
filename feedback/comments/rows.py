"""Comments as the pages, downloads and the API read them: one row per analysed comment with its quote's state.

Every comment shown to communication staff comes from a response whose author consented to be quoted, read
from the response each time: a consent withdrawn removes the comment from every page and export at once.
Shared by the quotes workspace, the report and the API (feedback/comments/ sits below the areas).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from feedback.analysis.quotes import QUOTE_WORDS, attribution
from feedback.analysis.theme_words import phrase_key
from feedback.comments import themes as theme_queries
from feedback.comments.filters import TO_CHECK, CommentFilters, Length, search_text
from feedback.db import db
from feedback.labels import MODALITY_LABELS, department_label
from feedback.models import (
    Answer,
    CommentAnalysis,
    CommentPhrase,
    Question,
    Quote,
    QuoteStatus,
    Response,
    Training,
    TrainingSession,
    User,
)
from feedback.models.domain import PROFILES

#: The most rows a download holds.
MAX_EXPORT = 5000

PROFILE_LABELS = {value: label for value, label, _english in PROFILES}

StatusBy = aliased(User)
EditedBy = aliased(User)
ToneBy = aliased(User)


def tone_check(staff_tone: str | None, analysed_tone: str, *, uncertain: bool) -> str | None:
    """How a comment's tone stands, as staff read it: « corrigé », « vérifié » (staff confirmed the analysis), « à
    vérifier » (the model was unsure, no one checked), or None."""
    if staff_tone is not None:
        return "corrigé" if staff_tone != analysed_tone else "vérifié"
    return "à vérifier" if uncertain else None


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
    #: The analysis' own tone; `tone` differs from it where staff corrected it (`corrected_tone`, by whom, when).
    analysed_tone: str
    tone_uncertain: bool
    corrected_tone: str | None
    tone_by: str | None
    tone_dt: datetime | None
    original: str | None = None
    themes: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """What is quoted: staff's edited text, else the masked comment."""
        return self.quote_text if self.quote_text is not None else self.masked_text

    @property
    def tone_check(self) -> str | None:
        return tone_check(self.corrected_tone, self.analysed_tone, uncertain=self.tone_uncertain)

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


def row_query(*, include_original: bool) -> Select:
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
        CommentAnalysis.analysed_tone,
        CommentAnalysis.tone_uncertain,
        Quote.tone,
        ToneBy.name,
        ToneBy.email,
        Quote.tone_dt,
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
        .outerjoin(ToneBy, ToneBy.id == Quote.tone_by_id)
    )


def to_row(values: Sequence, *, include_original: bool) -> CommentRow:
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
        analysed_tone,
        tone_uncertain,
        corrected_tone,
        tone_name,
        tone_email,
        tone_dt,
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
        analysed_tone=analysed_tone,
        tone_uncertain=bool(tone_uncertain),
        corrected_tone=corrected_tone,
        tone_by=_who(tone_name, tone_email),
        tone_dt=tone_dt,
        original=rest[0] if include_original and rest else None,
    )


def quotable_conditions(filters: CommentFilters) -> list[ColumnElement]:
    """Conditions on comment_analyses alone (semi-joins, no join): a page reads the analyses newest first and
    stops at its last row, whatever the engine's estimate of the other tables."""
    responses = select(Response.id).where(Response.consents_to_quote.is_(True), *filters.response_conditions())
    conditions: list[ColumnElement] = [CommentAnalysis.response_id.in_(responses)]
    if filters.tone == TO_CHECK:
        checked = select(Quote.answer_id).where(Quote.tone.is_not(None))
        conditions.extend([CommentAnalysis.tone_uncertain.is_(True), CommentAnalysis.answer_id.not_in(checked)])
    elif filters.tone:
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


def with_themes(rows: list[CommentRow]) -> list[CommentRow]:
    themes = theme_queries.comment_themes([row.answer_id for row in rows])
    return [replace(row, themes=tuple(themes.get(row.answer_id, ()))) for row in rows]


def rows_by_id(ids: Sequence[int], *, include_original: bool) -> list[CommentRow]:
    """The rows of these comments, in this order, with their themes."""
    if not ids:
        return []
    query = row_query(include_original=include_original).where(CommentAnalysis.answer_id.in_(ids))
    rows = {values[0]: to_row(values, include_original=include_original) for values in db.session.execute(query)}
    return with_themes([rows[answer_id] for answer_id in ids if answer_id in rows])


def approved_quotes(filters: CommentFilters) -> list[CommentRow]:
    """Approved quotes of the filters (status forced), oldest session first: what the exports hold."""
    conditions = quotable_conditions(replace(filters, status=QuoteStatus.APPROVED))
    query = (
        row_query(include_original=False)
        .where(*conditions)
        .order_by(Response.session_date, CommentAnalysis.answer_id)
        .limit(MAX_EXPORT)
    )
    return [to_row(values, include_original=False) for values in db.session.execute(query)]
