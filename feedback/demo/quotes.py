"""The communication officer's choice of quotes among the demo's comments, through the quotes workflow."""

from __future__ import annotations

import random
import re
from collections import defaultdict

from sqlalchemy import select

from feedback.db import db
from feedback.models import (
    Answer,
    Axis,
    Question,
    QuoteStatus,
    Response,
    Training,
    TrainingSession,
    User,
)
from feedback.quotes.operations import change_status

#: Per year and axis, how many comments the communication officer approves, keeps on the shortlist, and sets aside.
_QUOTE_PICKS = ((QuoteStatus.APPROVED, 4), (QuoteStatus.SHORTLISTED, 3), (QuoteStatus.REJECTED, 1))


def curate_quotes(rng: random.Random, session_ids: list[int], user: User) -> None:
    """The communication officer's choice among the quotable comments, through the quotes workflow."""
    rows = db.session.execute(
        select(Answer.id, Answer.text, Response.session_date, Training.axis)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .join(TrainingSession, TrainingSession.id == Response.session_id)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(
            Response.consents_to_quote.is_(True),
            Response.is_followup.is_(False),
            Response.overall_level >= 3,
            Question.code == "liked",
            Answer.text.is_not(None),
            TrainingSession.id.in_(session_ids),
        )
        .order_by(Answer.id)
    ).all()
    groups: dict[tuple[int, Axis], list[int]] = defaultdict(list)
    for answer_id, text, day, axis in rows:
        if text is None:  # the query keeps none, the column allows it
            continue
        # Whole sentences a report could print: no phone number or address to mask, not a two-word answer.
        if 60 <= len(text) <= 240 and "@" not in text and not re.search(r"\d{2}", text) and text[:1].isupper():
            groups[(day.year, axis)].append(answer_id)
    for key in sorted(groups):
        chosen = rng.sample(groups[key], min(len(groups[key]), sum(n for _, n in _QUOTE_PICKS)))
        start = 0
        for status, count in _QUOTE_PICKS:
            for answer_id in chosen[start : start + count]:
                if status != QuoteStatus.REJECTED:
                    change_status(answer_id, QuoteStatus.SHORTLISTED, user)
                change_status(answer_id, status, user)
            start += count
