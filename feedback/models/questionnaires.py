"""Questionnaires: each row is one version; published versions never change."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from feedback.db import Model, UTCDateTime, db, str_enum, utcnow
from feedback.models.domain import Modality


class QuestionKind(enum.StrEnum):
    #: Très satisfait / Satisfait / Peu satisfait / Pas du tout satisfait, stored as 4..1.
    SATISFACTION = "satisfaction"
    #: 0 to 10, "would you recommend".
    RECOMMENDATION = "recommendation"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    #: A scale whose levels are the options: value "1".."N", labels in words (with a smiley if wanted).
    RATING = "rating"
    #: Several items (the options) each rated on the 4-level satisfaction scale.
    GRID = "grid"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)

    @property
    def needs_options(self) -> bool:
        return self in (
            QuestionKind.SINGLE_CHOICE,
            QuestionKind.MULTIPLE_CHOICE,
            QuestionKind.RATING,
            QuestionKind.GRID,
        )

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Questionnaire(Model):
    """One version of a questionnaire; versions of the same questionnaire share a `family`."""

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("family", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key shared by all versions (e.g. "evaluation-a-chaud").
    family: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[QuestionnaireStatus] = mapped_column(
        str_enum(QuestionnaireStatus, 12), default=QuestionnaireStatus.DRAFT
    )
    #: Promises anonymity: nothing that could identify a respondent is kept with a response.
    is_anonymous: Mapped[bool] = mapped_column(default=True)
    #: One answer per device (a cookie); off by default because of tablets shared in a room.
    is_one_per_device: Mapped[bool] = mapped_column(default=False)
    #: Wording of the consent to be quoted, and its version, stored with each consent given.
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_text_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_version: Mapped[int] = mapped_column(default=1)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Optimistic lock of a draft's edits: each save states the number it was rendered with and raises it by one,
    #: so that of two managers saving the same draft the second is told instead of silently overwriting.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": edit_version, "version_id_generator": False}

    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Question.position"
    )

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.family} v{self.version}>"


class Question(Model):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "code"),
        # Exactly one overall-satisfaction question per questionnaire: at most one here, at least one on publish.
        Index(
            "uq_questions_overall_per_questionnaire",
            "questionnaire_id",
            unique=True,
            sqlite_where=db.text("is_overall"),
            postgresql_where=db.text("is_overall"),
        ),
        CheckConstraint("NOT is_overall OR kind = 'satisfaction'", name="overall_is_satisfaction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: Stable across versions ("overall", "contents"...): scores compare by code.
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 20))
    label: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str] = mapped_column(String(500), default="")
    help_text: Mapped[str] = mapped_column(String(500), default="")
    help_text_en: Mapped[str] = mapped_column(String(500), default="", server_default="")
    is_required: Mapped[bool] = mapped_column(default=False)
    is_overall: Mapped[bool] = mapped_column(default=False)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionOption.position"
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.code} {self.kind}>"


class QuestionOption(Model):
    __tablename__ = "question_options"
    __table_args__ = (UniqueConstraint("question_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: Stable machine value ("chef-projet"), kept when the label is reworded in a new version.
    value: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")

    question: Mapped[Question] = relationship(back_populates="options")


class ModalityDefault(Model):
    """The questionnaire a new session of this modality gets (a webinar gets the webinar questionnaire)."""

    __tablename__ = "modality_defaults"

    modality: Mapped[Modality] = mapped_column(str_enum(Modality), primary_key=True)
    #: A family, not a version: new sessions get its latest published version.
    family: Mapped[str] = mapped_column(String(80))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuestionnaireFrozen(Exception):
    """A published questionnaire's questions and options are never changed in place: make a new version."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published_questions(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """Responses keep the wording they were given: published versions are read-only at the ORM level."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, QuestionOption):
            questionnaire = obj.question.questionnaire if obj.question else None
        elif isinstance(obj, Question):
            questionnaire = obj.questionnaire
        else:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if obj in session.new and (questionnaire is None or questionnaire in session.new):
            continue  # a questionnaire created (and possibly published) in this very flush
        if questionnaire is not None and questionnaire.status != QuestionnaireStatus.DRAFT:
            if obj in session.deleted and questionnaire in session.deleted:
                continue  # deleting a whole (unanswered) questionnaire is decided elsewhere
            raise QuestionnaireFrozen(f"{questionnaire!r} is published; make a new version to change {obj!r}")
