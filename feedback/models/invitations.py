"""E-mail distribution: personal invitation links, and the addresses left for the follow-up questionnaire."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import UTCDateTime, db, utcnow
from feedback.models.catalogue import TrainingSession


class Invitation(db.Model):
    """One attendee invited by e-mail to a session's questionnaire, with a personal single-use link.

    The link's token is never stored, only its SHA-256: a copy of the database gives no working link.
    No response row refers to an invitation; for an anonymous questionnaire only `is_used` records the use.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("session_id", "email"),
        CheckConstraint("used_dt IS NULL OR is_used", name="used_dt_only_when_used"),
        CheckConstraint("reminded_dt IS NULL OR sent_dt IS NOT NULL", name="reminded_after_sent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    #: Lower-cased; needed to send the reminder, erased by the retention purge.
    email: Mapped[str] = mapped_column(String(254))
    #: SHA-256 (hex) of the token in the invitation's link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the token in the reminder's link: the invitation's link keeps working after the reminder.
    reminder_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the SMTP server accepted the invitation; none while it waits to be sent (server down...).
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A response was stored through this invitation (the link is single-use).
    is_used: Mapped[bool] = mapped_column(default=False)
    #: When it was used; left empty for an anonymous questionnaire, where the exact time could be matched with
    #: the response's own time and so tell whose response it is.
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} session={self.session_id}>"


def new_followup_key() -> str:
    return secrets.token_urlsafe(16)


class FollowUpContact(db.Model):
    """An e-mail left on the thank-you page for the follow-up questionnaire ("évaluation à froid").

    Kept apart from the answers: nothing links it to a response row, and its date is the day only, so that it
    cannot be matched with the time of the response submitted just before.
    """

    __tablename__ = "followup_contacts"
    __table_args__ = (UniqueConstraint("session_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    #: Lower-cased; used once, for the follow-up questionnaire, then erased.
    email: Mapped[str] = mapped_column(String(254))
    #: Random key the follow-up questionnaire carries instead of the e-mail, to relate the two answers.
    followup_key: Mapped[str] = mapped_column(String(32), unique=True, default=new_followup_key)
    #: Midnight UTC of the day it was left.
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship()

    def __repr__(self) -> str:
        return f"<FollowUpContact {self.id} session={self.session_id}>"
