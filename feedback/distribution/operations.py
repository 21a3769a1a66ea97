"""State changes of the distribution by e-mail; they flush, the caller commits.

Mail is claimed here and sent through the job queue (tasks.py) by `outbox.send_claimed`: the links are stored
before any e-mail leaves, and no write transaction stays open while the SMTP server is talked to (on SQLite it
would block every participant's submit for as long).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from feedback.db import db, utcnow
from feedback.distribution import mails
from feedback.distribution.queries import invited_emails, pending_invitations
from feedback.models import Invitation, TrainingSession
from feedback.outbox import MailKind, OutgoingMail, claim, claimable
from feedback.personal_links import hash_token, is_expired, new_link_token

#: The invitation and its reminder (feedback/outbox.py): which row, link and acceptance column each uses.
INVITATION = MailKind(Invitation, "token_hash", "sent_dt")  # refused: the row goes (no working link reached it)
# A refused reminder counts as done: it is not tried again.
REMINDER = MailKind(
    Invitation,
    "reminder_token_hash",
    "reminded_dt",
    on_released={"reminder_token_hash": None},
    is_refusal_done=True,
)

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


def claim_pending_invitations(session: TrainingSession, now: datetime | None = None) -> list[OutgoingMail]:
    """Claim, each with a fresh link, the session's invitations not sent yet; the caller commits, then sends."""
    now = now or utcnow()
    pending = db.session.scalars(pending_invitations(session)).all()
    return claim(INVITATION, pending, now, lambda row, token: mails.invitation_message(session, row.email, token))


# -- reminders ---------------------------------------------------------------------------------------------------


def claim_due_reminders(now: datetime | None = None) -> list[OutgoingMail]:
    """Claim, with a fresh link each, the reminders of those invited N days ago who have not answered, while the
    form is open; the caller commits, then sends (two runs at once cannot remind anyone twice)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["REMINDER_AFTER_DAYS"])
    due = db.session.scalars(
        select(Invitation)
        .join(Invitation.session)
        .where(
            Invitation.is_used.is_(False),
            *claimable(REMINDER, now),
            Invitation.sent_dt.is_not(None),
            Invitation.sent_dt <= cutoff,
            Invitation.email.is_not(None),
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
    due = [invitation for invitation in due if not is_expired(invitation, now)]
    return claim(
        REMINDER,
        due,
        now,
        lambda invitation, token: mails.reminder_message(invitation.session, invitation.email, token),
        where=(Invitation.is_used.is_(False),),
    )
