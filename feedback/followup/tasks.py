"""The follow-up's work in the job queue, on schedule; `flask send-followups` runs the same for cron."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from feedback.db import db, utcnow
from feedback.followup import operations
from feedback.mail import BatchResult
from feedback.models import Training
from feedback.outbox import send_claimed
from feedback.personal_links import erase_followup_emails
from feedback.queue import at_local_time, periodic


@dataclass
class FollowUpRun:
    missing: list[Training] = field(default_factory=list)
    followups: int = 0
    sent: BatchResult = field(default_factory=BatchResult)
    reminders: int = 0
    reminded: BatchResult = field(default_factory=BatchResult)
    erased: int = 0

    @property
    def error(self) -> str | None:
        return self.sent.error or self.reminded.error

    @property
    def unsent(self) -> int:
        handled = len(self.sent.sent) + len(self.sent.refused) + len(self.reminded.sent) + len(self.reminded.refused)
        return self.followups + self.reminders - handled


def send_due_followups(now: datetime | None = None) -> FollowUpRun:
    """Send the follow-up of trainings whose delay has passed, remind once, erase the addresses no longer needed."""
    now = now or utcnow()
    run = FollowUpRun()
    plan = operations.plan_followups(now)
    run.missing = plan.missing
    operations.collect_followup_contacts(list(plan.questionnaires), now)
    outgoing = operations.claim_due_followups(plan, now)
    db.session.commit()
    run.followups = len(outgoing)
    run.sent = send_claimed(operations.FOLLOWUP, outgoing, now)
    if run.sent.error is None:
        reminders = operations.claim_due_followup_reminders(now)
        db.session.commit()
        run.reminders = len(reminders)
        run.reminded = send_claimed(operations.FOLLOWUP_REMINDER, reminders, now)
    run.erased = erase_followup_emails(now)
    db.session.commit()
    return run


@periodic(at_local_time("SCHEDULE_FOLLOWUPS"))
def send_followups() -> None:
    send_due_followups()
