"""Retention: free text and e-mail addresses are deleted after their period; scores and counts stay.

`purge` runs every deletion in the caller's transaction and counts what it removed: the caller commits, or rolls
back for a dry run (so that a dry run's figures are exactly those of the real run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update

from feedback import audit
from feedback.db import affected_rows, db
from feedback.models import (
    Answer,
    CommentAnalysis,
    CommentPhrase,
    Invitation,
    Quote,
    Response,
    TrainingSession,
)
from feedback.personal_links import erase_followup_emails
from feedback.timeutil import local_zone


@dataclass
class PurgeSummary:
    #: Free text of responses submitted before this moment is deleted...
    text_cutoff: datetime
    #: ...and the addresses of invitations to sessions whose form closed before this one are erased.
    invitation_cutoff: datetime
    #: Free-text answers removed (the rest of their response stays), and what was derived from them.
    texts: int = 0
    analyses: int = 0
    phrases: int = 0
    quotes: int = 0
    invitation_emails: int = 0
    followup_emails: int = 0

    @property
    def anything(self) -> bool:
        return any((self.texts, self.analyses, self.quotes, self.invitation_emails, self.followup_emails))


def _rows(result) -> int:
    return max(affected_rows(result) or 0, 0)


def purge(now: datetime) -> PurgeSummary:
    """Delete what its retention period no longer allows; the caller commits (or rolls back: --dry-run)."""
    config = current_app.config
    summary = PurgeSummary(
        text_cutoff=now - timedelta(days=config["TEXT_RETENTION_DAYS"]),
        invitation_cutoff=now - timedelta(days=config["INVITATION_RETENTION_DAYS"]),
    )
    _purge_text(summary)
    _erase_invitation_emails(summary)
    # Also done by `flask send-followups`; here too, so that one command enforces every period.
    summary.followup_emails = erase_followup_emails(now)
    db.session.flush()
    return summary


def _purge_text(summary: PurgeSummary) -> None:
    """Comments (text answers) of old responses, with their analyses, key phrases and quotes; numbers stay."""
    old_responses = select(Response.id).where(Response.submitted_dt < summary.text_cutoff)
    text_answers = select(Answer.id).where(Answer.response_id.in_(old_responses), Answer.text.is_not(None))
    options = {"synchronize_session": False}
    summary.phrases = _rows(
        db.session.execute(
            delete(CommentPhrase).where(CommentPhrase.answer_id.in_(text_answers)), execution_options=options
        )
    )
    summary.analyses = _rows(
        db.session.execute(
            delete(CommentAnalysis).where(CommentAnalysis.answer_id.in_(text_answers)), execution_options=options
        )
    )
    summary.quotes = _rows(
        db.session.execute(delete(Quote).where(Quote.answer_id.in_(text_answers)), execution_options=options)
    )
    old_text = and_(Answer.response_id.in_(old_responses), Answer.text.is_not(None))
    # An answer that is only text goes; one that also holds a number or an option keeps them, without the text.
    deleted = db.session.execute(
        delete(Answer).where(old_text, Answer.number.is_(None), Answer.option_id.is_(None)), execution_options=options
    )
    emptied = db.session.execute(update(Answer).where(old_text).values(text=None), execution_options=options)
    summary.texts = _rows(deleted) + _rows(emptied)


def _erase_invitation_emails(summary: PurgeSummary) -> None:
    """Addresses of invitations to sessions long over: closed before the cutoff, or never closed and ended by then."""
    cutoff = summary.invitation_cutoff
    last_day = func.coalesce(TrainingSession.end_date, TrainingSession.start_date)
    long_over = select(TrainingSession.id).where(
        or_(
            TrainingSession.closes_dt <= cutoff,
            and_(TrainingSession.closes_dt.is_(None), last_day < cutoff.astimezone(local_zone()).date()),
        )
    )
    erased = db.session.execute(
        update(Invitation)
        .where(Invitation.session_id.in_(long_over), Invitation.email.is_not(None))
        .values(email=None),
        execution_options={"synchronize_session": False},
    )
    summary.invitation_emails = _rows(erased)


def record_purge(summary: PurgeSummary) -> None:
    audit.record(
        "purge",
        details={
            "text_cutoff": summary.text_cutoff.isoformat(timespec="seconds"),
            "invitation_cutoff": summary.invitation_cutoff.isoformat(timespec="seconds"),
            "texts": summary.texts,
            "analyses": summary.analyses,
            "quotes": summary.quotes,
            "invitation_emails": summary.invitation_emails,
            "followup_emails": summary.followup_emails,
        },
    )
