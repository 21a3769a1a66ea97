"""A trainer's own view of a session (« Le regard de l'intervenant·e »): kept apart from the participants' answers.

Its answers live in their own table, never in `responses`: no score, rate, export or report query reads it, so a
trainer's opinion can never be counted as a participant's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, utcnow
from feedback.models.catalogue import Speaker, TrainingSession
from feedback.models.questionnaires import Questionnaire


class TrainerReview(Model):
    """One speaker's questionnaire on one session: filled from their own page, editable until the form closes."""

    __tablename__ = "trainer_reviews"
    __table_args__ = (UniqueConstraint("session_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"))
    #: The version of « Le regard de l'intervenant·e » answered.
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    #: Question code -> {"number": int | None, "values": [option values], "text": str | None}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship()
    speaker: Mapped[Speaker] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()

    def __repr__(self) -> str:
        return f"<TrainerReview session={self.session_id} speaker={self.speaker_id}>"
