"""Every task of the job queue, imported by `queue.init_queue` so that the consumer knows them all.

Each area keeps its own tasks (catalogue/, distribution/, followup/, quotes/, report/, webhooks/ tasks.py); the
daily purge is scheduled here, the command `flask purge` staying for cron.
"""

from __future__ import annotations

from feedback.catalogue import tasks as catalogue_tasks  # noqa: F401
from feedback.db import db, utcnow
from feedback.distribution import tasks as distribution_tasks  # noqa: F401
from feedback.followup import tasks as followup_tasks  # noqa: F401
from feedback.privacy.operations import purge, record_purge
from feedback.queue import at_local_time, periodic
from feedback.quotes import tasks as quote_tasks  # noqa: F401
from feedback.report import tasks as report_tasks  # noqa: F401
from feedback.webhooks import tasks as webhook_tasks  # noqa: F401


@periodic(at_local_time("SCHEDULE_PURGE"))
def purge_old_text() -> None:
    """`flask purge`, daily: free text and addresses past their retention period."""
    summary = purge(utcnow())
    if summary.anything:
        record_purge(summary)
    db.session.commit()
