"""State changes of the distribution by e-mail; they flush, the caller commits.

Sending happens between two commits (see views.py and cli.py): the links are stored before any e-mail leaves,
and no write transaction stays open while the SMTP server is talked to (on SQLite it would block every
participant's submit for as long).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from feedback.db import db, utcnow
from feedback.distribution import mails
from feedback.distribution.queries import invited_emails
from feedback.mail import BatchResult
from feedback.models import FollowUpContact, Invitation, TrainingSession

#: The alphabet and length of `new_link_token`; anything else is not looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def new_link_token() -> str:
    """192 random bits, URL-safe: the part of a personal link that makes it personal."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_link_token(value: str | None) -> bool:
    """Shaped like a token of `new_link_token`: anything else is never looked up nor carried in a page."""
    return bool(value) and _TOKEN.fullmatch(value) is not None


@dataclass(frozen=True)
class OutgoingMail:
    invitation_id: int
    email: str
    message: EmailMessage


# -- invitations -------------------------------------------------------------------------------------------------


def add_invitations(session: TrainingSession, emails: list[str], now: datetime | None = None) -> list[Invitation]:
    """Invite these (normalised) addresses to the session; addresses already invited are left as they are."""
    now = now or utcnow()
    known = invited_emails(session, emails)
    invitations = []
    for email in emails:
        if email in known:
            continue
        # A placeholder: the token of the link is drawn when the e-mail is prepared, and only its hash kept.
        invitation = Invitation(session=session, email=email, token_hash=hash_token(new_link_token()), created_dt=now)
        db.session.add(invitation)
        invitations.append(invitation)
        known.add(email)
    db.session.flush()
    return invitations


def prepare_invitations(session: TrainingSession, invitations: list[Invitation]) -> list[OutgoingMail]:
    """Draw a fresh link for each invitation not sent yet and write its e-mail; the caller commits, then sends."""
    outgoing = []
    for invitation in invitations:
        if invitation.sent_dt is not None:
            continue
        token = new_link_token()
        invitation.token_hash = hash_token(token)
        outgoing.append(
            OutgoingMail(invitation.id, invitation.email, mails.invitation_message(session, invitation.email, token))
        )
    db.session.flush()
    return outgoing


def record_invitations_sent(outgoing: list[OutgoingMail], result: BatchResult, now: datetime | None = None) -> None:
    """Mark as sent what the SMTP server accepted; forget the addresses it refused (they had no working link)."""
    now = now or utcnow()
    sent = [outgoing[i].invitation_id for i in result.sent]
    refused = [outgoing[i].invitation_id for i in result.refused]
    if sent:
        db.session.execute(
            update(Invitation).where(Invitation.id.in_(sent)).values(sent_dt=now),
            execution_options={"synchronize_session": False},
        )
    for invitation_id in refused:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is not None:
            db.session.delete(invitation)
    db.session.flush()
    db.session.expire_all()


# -- the personal link -------------------------------------------------------------------------------------------


class InvitationAlreadyUsed(Exception):
    """A response was already stored with this personal link."""


def find_invitation(session: TrainingSession, token: str | None) -> Invitation | None:
    """The invitation of this session whose invitation or reminder link carries this token; None for any other."""
    if not is_link_token(token):
        return None
    digest = hash_token(token)
    return db.session.scalar(
        select(Invitation).where(
            Invitation.session_id == session.id,
            or_(Invitation.token_hash == digest, Invitation.reminder_token_hash == digest),
        )
    )


def is_expired(invitation: Invitation, now: datetime | None = None) -> bool:
    max_age = timedelta(days=current_app.config["INVITATION_TOKEN_MAX_AGE_DAYS"])
    return invitation.sent_dt is None or invitation.sent_dt + max_age < (now or utcnow())


def use_invitation(session: TrainingSession, token: str | None, now: datetime | None = None) -> Invitation | None:
    """Spend a personal link in the transaction of the response it brings; unknown or expired links are ignored.

    The response keeps nothing of the invitation. For an anonymous questionnaire the invitation only records that
    it was used, not when, so the two cannot be matched by their times.
    """
    now = now or utcnow()
    invitation = find_invitation(session, token)
    if invitation is None:
        return None
    if invitation.is_used:
        raise InvitationAlreadyUsed
    if is_expired(invitation, now):
        return None
    values: dict = {"is_used": True}
    if not session.questionnaire.is_anonymous:
        values["used_dt"] = now
    # Conditional: of two responses racing with the same link, only the first to commit spends it.
    spent = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.is_used.is_(False)).values(**values),
        execution_options={"synchronize_session": False},
    )
    if spent.rowcount != 1:
        raise InvitationAlreadyUsed
    return invitation


# -- reminders ---------------------------------------------------------------------------------------------------


def claim_due_reminders(now: datetime | None = None) -> list[OutgoingMail]:
    """Mark as reminded, with a fresh link each, those invited N days ago who have not answered, while the form is open.

    The caller commits before sending, so that two runs at once cannot remind anyone twice.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["REMINDER_AFTER_DAYS"])
    due = db.session.scalars(
        select(Invitation)
        .join(Invitation.session)
        .where(
            Invitation.is_used.is_(False),
            Invitation.reminded_dt.is_(None),
            Invitation.sent_dt.is_not(None),
            Invitation.sent_dt <= cutoff,
            TrainingSession.opens_dt.is_not(None),
            TrainingSession.opens_dt <= now,
            or_(TrainingSession.closes_dt.is_(None), TrainingSession.closes_dt > now),
        )
        .options(
            selectinload(Invitation.session).selectinload(TrainingSession.training),
            selectinload(Invitation.session).selectinload(TrainingSession.questionnaire),
        )
        .order_by(Invitation.session_id, Invitation.id)
    ).all()
    outgoing = []
    for invitation in due:
        if is_expired(invitation, now):
            continue
        token = new_link_token()
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.reminded_dt.is_(None), Invitation.is_used.is_(False))
            .values(reminded_dt=now, reminder_token_hash=hash_token(token)),
            execution_options={"synchronize_session": False},
        )
        if claimed.rowcount == 1:
            message = mails.reminder_message(invitation.session, invitation.email, token)
            outgoing.append(OutgoingMail(invitation.id, invitation.email, message))
    db.session.flush()
    return outgoing


def release_unsent_reminders(outgoing: list[OutgoingMail], result: BatchResult) -> int:
    """Reminders the server never took (it was down) are due again at the next run; refused addresses are not."""
    handled = set(result.sent) | set(result.refused)
    unsent = [mail.invitation_id for index, mail in enumerate(outgoing) if index not in handled]
    if unsent:
        db.session.execute(
            update(Invitation).where(Invitation.id.in_(unsent)).values(reminded_dt=None, reminder_token_hash=None),
            execution_options={"synchronize_session": False},
        )
        db.session.flush()
    return len(unsent)


# -- the follow-up questionnaire ---------------------------------------------------------------------------------


def store_followup_contact(session: TrainingSession, email: str, now: datetime | None = None) -> None:
    """Keep an address for the follow-up questionnaire, apart from the answers; leaving it twice keeps one."""
    now = (now or utcnow()).astimezone(UTC)
    exists = db.session.scalar(
        select(FollowUpContact.id).where(FollowUpContact.session_id == session.id, FollowUpContact.email == email)
    )
    if exists is not None:
        return
    # The day only: the time to the second would point at the response submitted just before.
    day = datetime(now.year, now.month, now.day, tzinfo=UTC)
    db.session.add(FollowUpContact(session_id=session.id, email=email, created_dt=day))
    try:
        db.session.flush()
    except IntegrityError:
        # The same address sent twice at once: the other request stored it (it is this request's only write).
        db.session.rollback()
