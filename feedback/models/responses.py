"""A participant's response and its answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import UTCDateTime, db, utcnow
from feedback.models.catalogue import TrainingSession
from feedback.models.questionnaires import Question, Questionnaire, QuestionOption


class Response(db.Model):
    """One submitted questionnaire. Holds no IP address, user agent or account."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("overall_level IS NULL OR overall_level BETWEEN 1 AND 4", name="overall_level_range"),
        CheckConstraint("recommendation IS NULL OR recommendation BETWEEN 0 AND 10", name="recommendation_range"),
        Index("ix_responses_session_id_overall_level", "session_id", "overall_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    submitted_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The nonce of the rendered form: a replayed or double-tapped submit cannot store a second row.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    consents_to_quote: Mapped[bool] = mapped_column(default=False)
    consent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[int | None]
    #: Copied from the overall-satisfaction answer (4 = très satisfait ... 1 = pas du tout) for fast aggregates.
    overall_level: Mapped[int | None] = mapped_column(SmallInteger)
    #: Copied from the 0-10 recommendation answer.
    recommendation: Mapped[int | None] = mapped_column(SmallInteger)
    #: Copied from the professional-profile answer (the option's stable value).
    profile: Mapped[str | None] = mapped_column(String(60))

    session: Mapped[TrainingSession] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """One answer; a multiple-choice question gives one row per option ticked."""

    __tablename__ = "answers"
    __table_args__ = (
        CheckConstraint("(option_id IS NOT NULL) OR (number IS NOT NULL) OR (text IS NOT NULL)", name="has_value"),
        Index("ix_answers_question_id_number", "question_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("question_options.id"))
    number: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    option: Mapped[QuestionOption | None] = relationship()
