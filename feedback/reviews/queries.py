"""Reads of the trainers' questionnaires. Nothing here is ever joined to the participants' responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback.db import db
from feedback.models import Speaker, TrainerReview, TrainingSession, session_speakers


def speaker_of(user) -> Speaker | None:
    """The speaker profile linked to this account, if any."""
    return db.session.scalar(select(Speaker).where(Speaker.user_id == user.id))


def own_session_or_none(speaker: Speaker, session_id: int) -> TrainingSession | None:
    """The session when this speaker is one of its speakers; None otherwise (the view answers 404)."""
    return db.session.scalar(
        select(TrainingSession)
        .join(session_speakers, session_speakers.c.session_id == TrainingSession.id)
        .where(TrainingSession.id == session_id, session_speakers.c.speaker_id == speaker.id)
    )


def review_of(session: TrainingSession, speaker: Speaker) -> TrainerReview | None:
    return db.session.scalar(
        select(TrainerReview).where(TrainerReview.session_id == session.id, TrainerReview.speaker_id == speaker.id)
    )


def is_open_for_review(session: TrainingSession, now: datetime) -> bool:
    """A trainer may fill or change their questionnaire once the session has begun, until its form closes."""
    started = session.opens_dt is not None and session.opens_dt <= now
    return started and (session.closes_dt is None or now < session.closes_dt)


@dataclass
class ReviewRow:
    session: TrainingSession
    review: TrainerReview | None
    editable: bool


def own_review_rows(speaker: Speaker, now: datetime) -> list[ReviewRow]:
    """The speaker's sessions whose form has opened, newest first, each with their questionnaire if filled."""
    sessions = db.session.scalars(
        select(TrainingSession)
        .join(session_speakers, session_speakers.c.session_id == TrainingSession.id)
        .where(session_speakers.c.speaker_id == speaker.id, TrainingSession.opens_dt.is_not(None))
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
        .options(selectinload(TrainingSession.training))
    ).all()
    reviews = {
        r.session_id: r for r in db.session.scalars(select(TrainerReview).where(TrainerReview.speaker_id == speaker.id))
    }
    return [ReviewRow(s, reviews.get(s.id), is_open_for_review(s, now)) for s in sessions]
