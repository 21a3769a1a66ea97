"""Comments as staff read them: the stored analysis of each free-text answer, its phrases, and quotes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from feedback.models.responses import Answer
    from feedback.models.users import User

TONES = ("positive", "negative", "mixed", "neutral")


class CommentAnalysis(Model):
    """The analysis of one free-text answer, computed once when it is stored (or by `flask analyse`).

    Pages read these rows, never the answer's text: `masked_text` has e-mail addresses, phone numbers, links and
    known people's names replaced; the original stays in `answers.text`, shown to admins only.
    """

    __tablename__ = "comment_analyses"
    __table_args__ = (
        CheckConstraint("tone IN ('positive', 'negative', 'mixed', 'neutral')", name="tone_label"),
        CheckConstraint("analysed_tone IN ('positive', 'negative', 'mixed', 'neutral')", name="analysed_tone_label"),
        CheckConstraint("word_count >= 0", name="word_count_positive"),
        # The suggestions read quotable comments only.
        Index("ix_comment_analyses_is_quotable_tone", "is_quotable", "tone"),
    )

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    #: The answer's response, copied: filters on the response (consent, session, period) need no join to answers.
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    #: positive / negative / mixed / neutral: the tone every page and figure counts; `analysed_tone`, unless staff
    #: corrected it (`Quote.tone`, kept over re-analyses).
    tone: Mapped[str] = mapped_column(String(10))
    #: The analysis' own verdict (feedback.analysis.tone, the respondent's overall rating included).
    analysed_tone: Mapped[str] = mapped_column(String(10))
    #: The model was unsure of its verdict (feedback.analysis.tone_types.UNSURE_BELOW): « à vérifier » for staff
    #: until one of them confirms or corrects it (`Quote.tone`).
    tone_uncertain: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The words that drove the verdict: [{"words", "polarity", "weight", "rule"}, ...].
    cues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The verdict and its cues in one French line, as shown to staff.
    explanation: Mapped[str] = mapped_column(Text, default="")
    masked_text: Mapped[str] = mapped_column(Text)
    #: The masked text folded (lower case, no accents, "œ" -> "oe"): "reseau" finds "Réseau" on both engines.
    search_text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(SmallInteger)
    #: Something was masked (a name, an e-mail...): never suggested as a quote.
    has_personal_data: Mapped[bool] = mapped_column(default=False)
    #: A complete sentence of 8 to 40 words, positive or constructive, nothing masked: a candidate quote.
    is_quotable: Mapped[bool] = mapped_column(default=False)
    #: feedback.analysis.version.analysis_version() of the rules that produced this row.
    version: Mapped[str] = mapped_column(String(20), index=True)
    analysed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answer: Mapped[Answer] = relationship()


class CommentPhrase(Model):
    """One aspect of a comment (what it talks about, at most once per comment key) with the tone said of it:
    themes and their tone split are counted with GROUP BY."""

    __tablename__ = "comment_phrases"
    __table_args__ = (
        Index("ix_comment_phrases_phrase_key_answer_id", "phrase_key", "answer_id"),
        # Covers a scope's theme counts (responses of a period, a training...): the rows themselves are never read.
        Index("ix_comment_phrases_themes", "response_id", "phrase_key", "phrase", "aspect_tone"),
        CheckConstraint("tone IN ('positive', 'negative', 'mixed', 'neutral')", name="tone_label"),
        CheckConstraint("aspect_tone IN ('positive', 'negative', 'mixed', 'neutral')", name="aspect_tone_label"),
    )

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("comment_analyses.answer_id", ondelete="CASCADE"), primary_key=True
    )
    #: feedback.analysis.themes: the aspect's key ("Échanges", "echanges" and "échange", "visio" and
    #: "visioconférence" share one key).
    phrase_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: The phrase as this comment writes it; the most written phrase labels the theme.
    phrase: Mapped[str] = mapped_column(String(200))
    #: Copied from the analysis (written and replaced with it): a scope's themes and their tone split are one
    #: GROUP BY over an index joined to the responses, without reading the analyses.
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    tone: Mapped[str] = mapped_column(String(10))
    #: The tone of the clauses that mention this aspect (« salle : critiquée dans 27 commentaires, saluée dans 4 »),
    #: not the comment's overall tone; mixed when the comment praises and criticises it in two clauses.
    aspect_tone: Mapped[str] = mapped_column(String(10))


class QuoteStatus(enum.StrEnum):
    NEW = "new"
    SHORTLISTED = "shortlisted"
    APPROVED = "approved"
    REJECTED = "rejected"


#: new -> shortlisted -> approved / rejected; a decision can be taken back to the shortlist, a rejection undone.
QUOTE_TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.NEW: frozenset({QuoteStatus.SHORTLISTED, QuoteStatus.REJECTED}),
    QuoteStatus.SHORTLISTED: frozenset({QuoteStatus.APPROVED, QuoteStatus.REJECTED, QuoteStatus.NEW}),
    QuoteStatus.APPROVED: frozenset({QuoteStatus.SHORTLISTED}),
    QuoteStatus.REJECTED: frozenset({QuoteStatus.NEW, QuoteStatus.SHORTLISTED}),
}


class Quote(Model):
    """Communication staff's work on one comment: its status and, if they edited it, the text to quote.

    No row means "new". The participant's text is never changed: `text` is the edited copy of the masked text,
    the original stays in the answer and its analysis. A comment whose author withdraws consent leaves every
    page and export whatever its status (the consent is read from the response each time).
    """

    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint("tone IS NULL OR tone IN ('positive', 'negative', 'mixed', 'neutral')", name="tone_label"),
    )

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[QuoteStatus] = mapped_column(str_enum(QuoteStatus, 12), default=QuoteStatus.NEW, index=True)
    #: Who moved it to its status, and when.
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The text to quote, edited by staff (a trim, a typo); none: the masked comment as it is.
    text: Mapped[str | None] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The comment's tone as staff confirmed or corrected it (the analysis read sarcasm as praise...); none: the
    #: analysis' own, unchecked. Written into the comment's analysis at once and again by every re-analysis, so pages
    #: and figures count it.
    tone: Mapped[str | None] = mapped_column(String(10))
    tone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tone_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    status_by: Mapped[User | None] = relationship(foreign_keys=[status_by_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    tone_by: Mapped[User | None] = relationship(foreign_keys=[tone_by_id])
