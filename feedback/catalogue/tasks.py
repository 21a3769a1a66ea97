"""The catalogue's work in the job queue: the `session.closed` event of a form that closes at its planned time."""

from __future__ import annotations

from huey import crontab

from feedback.catalogue.operations import announce_planned_closes
from feedback.db import db
from feedback.queue import periodic, task


@task()
def announce_closes() -> None:
    announce_planned_closes()
    db.session.commit()


@periodic(crontab(minute="*"))
def announce_closes_every_minute() -> None:
    """Each minute: the event of every form whose planned closing has come (within a minute of it)."""
    announce_closes.call_local()
