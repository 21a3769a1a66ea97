"""Saving a trainer's questionnaire (« Le regard de l'intervenant·e »): one per session and speaker."""

from __future__ import annotations

from datetime import datetime

from feedback.answers import ParsedSurvey
from feedback.db import db, utcnow
from feedback.models import Questionnaire, Speaker, TrainerReview, TrainingSession
from feedback.reviews.queries import is_open_for_review, review_of


class ReviewClosed(Exception):
    """The session's form is closed (or not open yet): the questionnaire can no longer be changed."""


def answers_of(parsed: ParsedSurvey) -> dict[str, dict]:
    """The answers as stored: by question code, only those given."""
    return {
        code: {"number": answer.number, "values": list(answer.option_values), "text": answer.text}
        for code, answer in parsed.answers.items()
        if not answer.is_empty
    }


def save_trainer_review(
    session: TrainingSession,
    speaker: Speaker,
    questionnaire: Questionnaire,
    parsed: ParsedSurvey,
    *,
    now: datetime | None = None,
    check_open: bool = True,
) -> TrainerReview:
    """Create or replace this speaker's questionnaire on this session; flushes, never commits.

    Raises ReviewClosed once the session's form is closed. `check_open=False` and `now` are for answers written
    after the fact (the demo), stamped at the time they would have been given.
    """
    now = now or utcnow()
    if check_open and not is_open_for_review(session, now):
        raise ReviewClosed
    review = review_of(session, speaker)
    if review is None:
        review = TrainerReview(session=session, speaker=speaker, created_dt=now)
        db.session.add(review)
    review.questionnaire = questionnaire
    review.answers = answers_of(parsed)
    review.updated_dt = now
    db.session.flush()
    return review
