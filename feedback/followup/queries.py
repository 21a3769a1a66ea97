"""Reads of the follow-up questionnaire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from feedback.db import db
from feedback.models import FollowUpContact, Training, TrainingSession


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
