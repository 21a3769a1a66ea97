"""Reads of the distribution by e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from feedback.db import db
from feedback.models import Invitation, TrainingSession


@dataclass(frozen=True)
class InvitationCounts:
    invited: int
    sent: int
    reminded: int
    used: int

    @property
    def pending(self) -> int:
        """Invited but not sent yet (the mail server was down)."""
        return self.invited - self.sent


def invitation_counts(session: TrainingSession) -> InvitationCounts:
    row = db.session.execute(
        select(
            func.count(Invitation.id),
            func.count(Invitation.sent_dt),
            func.count(Invitation.reminded_dt),
            func.coalesce(func.sum(case((Invitation.is_used, 1), else_=0)), 0),
        ).where(Invitation.session_id == session.id)
    ).one()
    return InvitationCounts(*(int(value) for value in row))


def invited_emails(session: TrainingSession, emails: Iterable[str]) -> set[str]:
    """Those of these addresses already invited to the session."""
    emails = list(emails)
    found: set[str] = set()
    for start in range(0, len(emails), 500):  # bounded IN lists
        chunk = emails[start : start + 500]
        found.update(
            db.session.scalars(
                select(Invitation.email).where(Invitation.session_id == session.id, Invitation.email.in_(chunk))
            )
        )
    return found


def session_invitations(session: TrainingSession) -> Select:
    return select(Invitation).where(Invitation.session_id == session.id).order_by(Invitation.email)


def pending_invitations(session: TrainingSession) -> Select:
    """Invitations of the session the SMTP server has not accepted yet."""
    # An address erased by `flask purge` (session closed long ago) has nobody left to write to.
    return session_invitations(session).where(Invitation.sent_dt.is_(None), Invitation.email.is_not(None))
