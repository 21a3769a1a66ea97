"""Reads of the distribution by e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, case, func, select

from feedback.db import db
from feedback.models import FollowUpContact, Invitation, Training, TrainingSession


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


# -- the follow-up questionnaire ---------------------------------------------------------------------------------


def followup_trainings_due(today: date) -> list[Training]:
    """Trainings with a follow-up questionnaire whose last session ended `followup_delay_days` ago or more."""
    last_day = func.max(func.coalesce(TrainingSession.end_date, TrainingSession.start_date))
    rows = db.session.execute(
        select(Training, last_day.label("last_day"))
        .join(TrainingSession, TrainingSession.training_id == Training.id)
        .where(Training.followup_family.is_not(None))
        .group_by(Training.id)
        .order_by(Training.id)
    ).all()
    # Date arithmetic differs between the engines: the (few) trainings with a follow-up are compared here.
    return [row.Training for row in rows if row.last_day + timedelta(days=row.Training.followup_delay_days) <= today]


@dataclass(frozen=True)
class FollowUpCounts:
    #: Addresses waiting for the follow-up (e-mail kept, not sent yet).
    waiting: int
    sent: int
    reminded: int
    answered: int


def followup_counts(training_id: int) -> FollowUpCounts:
    """Where the follow-up of a training stands, from its contacts (one aggregate)."""
    waiting = (FollowUpContact.sent_dt.is_(None)) & FollowUpContact.email.is_not(None)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
            func.count(FollowUpContact.sent_dt),
            func.count(FollowUpContact.reminded_dt),
            func.coalesce(func.sum(case((FollowUpContact.is_used, 1), else_=0)), 0),
        )
        .join(TrainingSession, TrainingSession.id == FollowUpContact.session_id)
        .where(TrainingSession.training_id == training_id)
    ).one()
    return FollowUpCounts(*(int(value) for value in row))
