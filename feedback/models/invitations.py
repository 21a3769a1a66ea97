"""E-mail distribution: personal invitation links, and the addresses left for the follow-up questionnaire."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, utcnow
from feedback.models.catalogue import TrainingSession
from feedback.models.questionnaires import Questionnaire


class Invitation(Model):
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
    #: Lower-cased; needed to send the reminder and to collect the follow-up's addresses; erased by `flask purge`
    #: once the session's form closed more than INVITATION_RETENTION_DAYS ago (the counts stay).
    email: Mapped[str | None] = mapped_column(String(254))
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
    #: When a worker of the job queue claimed the invitation's (or its reminder's) e-mail to send it; cleared once
    #: the SMTP server answered. A claim older than QUEUE_CLAIM_SECONDS is a dead worker's (feedback/outbox.py).
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Its address was handed to the follow-up questionnaire (a FollowUpContact, not related to this row).
    is_followup_collected: Mapped[bool] = mapped_column(default=False, server_default=false())

    session: Mapped[TrainingSession] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} session={self.session_id}>"


def new_followup_key() -> str:
    return secrets.token_urlsafe(16)


class FollowUpContact(Model):
    """An address for the follow-up questionnaire ("évaluation à froid"), then that follow-up's personal link.

    Where it comes from: the thank-you page, where a participant leaves it after answering; or, when the
    follow-up is sent, the address of an invitation to one of the training's sessions (one contact per person
    and training: `flask send-followups` keeps one and drops the others).

    How the two answers are paired, never through the e-mail: `followup_key` is random (128 bits). When a
    participant leaves an address right after answering, the response just sent gets
    `followup.operations.pairing_key(followup_key)`, an HMAC of this key with the application's secret, in
    place of the random value every first answer gets, and the follow-up answer later gets the same value. The
    database alone (a backup, say) therefore never relates an answer to an e-mail, and once the e-mail is erased
    the two answers stay paired without anyone being identifiable. Addresses that come from invitations are
    never paired with a first answer: no response refers to an invitation, so the first answer to an anonymous
    questionnaire stays unidentifiable; their follow-up answers count in the follow-up's rates, not in the pairs
    (an invited participant who also leaves their address on the thank-you page is paired, and mailed once).
    The date is the day only, so that it cannot be matched with the time of the response submitted just before.

    How long the e-mail stays: until the follow-up is answered, or its reminder has been sent (or refused by the
    mail server), and never longer than FOLLOWUP_RETENTION_DAYS after it was left, sent or not. The row then
    keeps its key and the hashes of its links only.

    The links work as an invitation's: only the SHA-256 of their tokens is stored, opening one spends nothing,
    and the follow-up answer spends it in its own transaction.
    """

    __tablename__ = "followup_contacts"
    __table_args__ = (
        UniqueConstraint("session_id", "email"),
        CheckConstraint("reminded_dt IS NULL OR sent_dt IS NOT NULL", name="reminded_after_sent"),
        CheckConstraint("NOT is_used OR sent_dt IS NOT NULL", name="used_after_sent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session the person attended (with several, the latest of them): the follow-up answer is stored with it.
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    #: Lower-cased; used for the follow-up questionnaire and its reminder, then erased.
    email: Mapped[str | None] = mapped_column(String(254))
    #: Random key the follow-up answer is paired by, instead of the e-mail (see `pairing_key`).
    followup_key: Mapped[str] = mapped_column(String(32), unique=True, default=new_followup_key)
    #: Midnight UTC of the day it was left (or copied from an invitation).
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The follow-up questionnaire's version sent, answered through the link whatever versions come later.
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaires.id"))
    #: SHA-256 of the token in the follow-up's link, and of the one in its reminder's link (both work until used).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminder_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When the SMTP server accepted the follow-up e-mail, and its reminder.
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a worker claimed the follow-up's (or its reminder's) e-mail; cleared once the SMTP server answered.
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The follow-up was answered through the link (single use).
    is_used: Mapped[bool] = mapped_column(default=False, server_default=false())

    session: Mapped[TrainingSession] = relationship()
    questionnaire: Mapped[Questionnaire | None] = relationship()

    def __repr__(self) -> str:
        return f"<FollowUpContact {self.id} session={self.session_id}>"
