"""A participant's response and its answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, utcnow
from feedback.models.catalogue import TrainingSession
from feedback.models.questionnaires import Question, Questionnaire, QuestionOption


class Response(Model):
    """One submitted questionnaire. Holds no IP address, user agent or account.

    A follow-up answer ("évaluation à froid", `is_followup`) is stored with the session the person attended and
    the follow-up questionnaire's version; it is kept out of the session's scores. It is paired with the first
    answer by `followup_key` only: the same pseudonymous value on both rows, never an e-mail (see FollowUpContact).
    """

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("overall_level IS NULL OR overall_level BETWEEN 1 AND 4", name="overall_level_range"),
        CheckConstraint("recommendation IS NULL OR recommendation BETWEEN 0 AND 10", name="recommendation_range"),
        CheckConstraint("NOT is_followup OR followup_key IS NOT NULL", name="followup_has_key"),
        # Cover the score aggregates (first answers, per session or per period): the rows themselves are never read.
        Index("ix_responses_scores", "session_id", "is_followup", "overall_level", "recommendation", "profile"),
        Index(
            "ix_responses_period_scores",
            "session_date",
            "is_followup",
            "session_id",
            "overall_level",
            "recommendation",
            "profile",
        ),
        # One first answer and one follow-up per key: a pair is never ambiguous.
        UniqueConstraint("followup_key", "is_followup"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    #: The session's start date, copied (and kept in step by catalogue.operations.update_session) so that a period's
    #: scores read one range of an index instead of joining every response to its session.
    session_date: Mapped[date] = mapped_column(Date)
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
    #: Pairs a first answer with its follow-up answer. Every first answer gets a random value; when its author
    #: leaves an e-mail on the thank-you page it is replaced by `followup.operations.pairing_key` of the follow-up
    #: contact's random key (an HMAC with the application's secret), which the follow-up answer gets too. Neither the
    #: value nor its presence tells, from the database alone, which answer goes with an e-mail of followup_contacts.
    followup_key: Mapped[str | None] = mapped_column(String(32))
    #: An answer to the follow-up questionnaire, through a personal link of `flask send-followups`.
    is_followup: Mapped[bool] = mapped_column(default=False, server_default=false())

    session: Mapped[TrainingSession] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Model):
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
