"""Attendance lists (« émargement »): who was present at a session, known only by a keyed hash, never by name."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db import Model


class Attendance(Model):
    """One person present at one session. Enough to count distinct participants and their visits, nothing more."""

    __tablename__ = "attendances"
    __table_args__ = (CheckConstraint("length(person_hash) = 64", name="person_hash_length"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    #: HMAC-SHA256 (hex) of the person's normalised e-mail or name, keyed by ATTENDANCE_HASH_KEY (or a key derived
    #: from SECRET_KEY): the same person gives the same value in every list, and the name cannot be read back.
    person_hash: Mapped[str] = mapped_column(String(64), primary_key=True)

    def __repr__(self) -> str:
        return f"<Attendance session={self.session_id}>"
