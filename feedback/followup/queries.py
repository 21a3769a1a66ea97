"""Reads of the follow-up questionnaire."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Training, TrainingSession


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
