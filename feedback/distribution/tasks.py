"""The distribution's work in the job queue: invitations right away, reminders and follow-ups on schedule.

The `flask send-reminders` and `flask send-followups` commands run the same functions, for those who prefer cron.
"""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from sqlalchemy import or_, select

from feedback.db import db, utcnow
from feedback.distribution import operations
from feedback.mail import BatchResult
from feedback.models import Invitation, TrainingSession
from feedback.outbox import claim_cutoff, send_claimed
from feedback.queue import at_local_time, periodic, task


def send_session_invitations(session_id: int, now: datetime | None = None) -> BatchResult:
    """Claim and send the session's invitations not sent yet, unless its form has closed."""
    now = now or utcnow()
    session = db.session.get(TrainingSession, session_id)
    if session is None or (session.closes_dt is not None and session.closes_dt <= now):
        return BatchResult()
    outgoing = operations.claim_pending_invitations(session, now)
    # Claimed and committed before sending: another worker finds nothing left to send.
    db.session.commit()
    return send_claimed(operations.INVITATION, outgoing, now)


@task()
def send_invitations(session_id: int) -> None:
    """Enqueued by the invitations page once the invitations are stored: the manager's request does not wait."""
    send_session_invitations(session_id)


@periodic(crontab(minute="*/5"))
def catch_up_invitations() -> None:
    """Invitations the mail server did not take (down, greylisting) or whose worker died: sent again, while open."""
    now = utcnow()
    session_ids = db.session.scalars(
        select(Invitation.session_id)
        .join(TrainingSession, TrainingSession.id == Invitation.session_id)
        .where(
            Invitation.sent_dt.is_(None),
            Invitation.email.is_not(None),
            or_(Invitation.claimed_dt.is_(None), Invitation.claimed_dt <= claim_cutoff(now)),
            or_(TrainingSession.closes_dt.is_(None), TrainingSession.closes_dt > now),
        )
        .distinct()
    ).all()
    db.session.rollback()
    for session_id in session_ids:
        if send_session_invitations(session_id, now).error:
            break  # the server is down: the next run tries again


# -- reminders ---------------------------------------------------------------------------------------------------


def send_due_reminders(now: datetime | None = None) -> tuple[int, BatchResult]:
    """Remind, once, those invited N days ago who have not answered. Returns (claimed, what the server did)."""
    now = now or utcnow()
    outgoing = operations.claim_due_reminders(now)
    db.session.commit()
    return len(outgoing), send_claimed(operations.REMINDER, outgoing, now)


@periodic(at_local_time("SCHEDULE_REMINDERS"))
def send_reminders() -> None:
    send_due_reminders()
