"""The catalogue: trainings ("actions"), their sessions and their speakers."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, db, str_enum, utcnow

# Re-exported: they were defined here before models/domain.py, and are still imported from here.
from feedback.models.domain import Axis as Axis
from feedback.models.domain import Department as Department
from feedback.models.domain import Modality as Modality

if TYPE_CHECKING:
    from feedback.models.questionnaires import Questionnaire
    from feedback.models.users import User


def form_is_open(opens_dt: datetime | None, closes_dt: datetime | None, moment: datetime) -> bool:
    """A session's form takes answers from its opening (none: not open) until its closing (none: no end)."""
    if opens_dt is None or moment < opens_dt:
        return False
    return closes_dt is None or moment < closes_dt


session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Training(Model):
    """An action of the catalogue: a training, a peer network, a conference..."""

    __tablename__ = "trainings"
    __table_args__ = (CheckConstraint("followup_delay_days BETWEEN 1 AND 730", name="followup_delay_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    axis: Mapped[Axis] = mapped_column(str_enum(Axis), index=True)
    modality: Mapped[Modality] = mapped_column(str_enum(Modality), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Questionnaire given to new sessions of this training; none means the application default.
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaires.id", ondelete="SET NULL"))
    #: Family of the follow-up questionnaire ("évaluation à froid") sent after the training; none: no follow-up.
    #: A family, not a version: `flask send-followups` sends its latest published version.
    followup_family: Mapped[str | None] = mapped_column(String(80))
    #: Days after the training's last session before the follow-up questionnaire is sent.
    followup_delay_days: Mapped[int] = mapped_column(default=90, server_default="90")
    #: Key of the row it came from when imported (demo or catalogue import), so that re-imports do not duplicate.
    import_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire | None] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="TrainingSession.start_date"
    )

    def __repr__(self) -> str:
        return f"<Training {self.id} {self.title!r}>"


#: Lower-case letters and digits without look-alikes (no 0/o, 1/l/i): easy to read aloud and type from a poster.
PUBLIC_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PUBLIC_CODE_LENGTH = 13  # 31^13: about 64 bits, unguessable


def new_public_code() -> str:
    """Unguessable yet short enough to type from a poster."""
    return "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(PUBLIC_CODE_LENGTH))


class TrainingSession(Model):
    """One meeting of a training, with its own questionnaire link."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("half_days >= 0 AND half_days <= 100", name="half_days_range"),
        CheckConstraint("participants_present IS NULL OR participants_present >= 0", name="present_positive"),
        Index("ix_training_sessions_training_id_start_date", "training_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    #: Last day of a session held over several consecutive days; none for a one-day session.
    end_date: Mapped[date | None] = mapped_column(Date)
    half_days: Mapped[int] = mapped_column(default=1)
    department: Mapped[Department | None] = mapped_column(str_enum(Department, 3), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    #: People present, often filled in after the session from the attendance sheet.
    participants_present: Mapped[int | None]
    #: The code in the public link /s/<code>.
    public_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_code)
    #: Questionnaire version answered in this session.
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    #: The form accepts answers from this time (none: not opened yet)...
    opens_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ...until this time (none: no closing planned).
    closes_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When this closing was announced (the `session.closed` event): at once for a manager's click, within a minute
    #: of the planned time by the job queue (catalogue/tasks.py). Cleared when the form opens again or the
    #: closing is moved ahead, so each closing is announced once.
    close_announced_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    training: Mapped[Training] = relationship(back_populates="sessions")
    questionnaire: Mapped[Questionnaire] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=session_speakers, back_populates="sessions", order_by="Speaker.name"
    )

    def is_open_at(self, moment: datetime) -> bool:
        return form_is_open(self.opens_dt, self.closes_dt, moment)

    @property
    def is_open(self) -> bool:
        return self.is_open_at(utcnow())

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.start_date} {self.public_code}>"


class Speaker(Model):
    """A trainer or speaker; linked to a user account when they log in to see their results."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(secondary=session_speakers, back_populates="speakers")

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.name!r}>"
