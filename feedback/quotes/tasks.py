"""The analysis of submitted comments in the job queue: the consumer loads the language pipeline once, at its start,
and analyses each response's comments after the submit has committed; what a lost task leaves is caught up.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from huey import crontab

from feedback.db import utcnow
from feedback.queue import huey, periodic, task
from feedback.quotes.analyses import analyse_submitted_comments, analyse_unanalysed

#: A response younger than this still has its own task in the queue: the catch-up leaves it to that task.
CATCH_UP_GRACE = timedelta(minutes=2)

_preload_lock = threading.Lock()


@task()
def analyse_response(response_id: int) -> None:
    """Enqueued after a submit's commit. Run twice (or beside the catch-up), it stores one analysis per comment."""
    analyse_submitted_comments(response_id)


@periodic(crontab(minute="*/5"))
def catch_up_analyses() -> None:
    """Comments left without an analysis (a task lost with a killed worker, a queue down at submit time)."""
    analyse_unanalysed(submitted_before=utcnow() - CATCH_UP_GRACE)


@huey.on_startup()
def load_the_language_pipeline() -> None:
    """Each worker thread runs this as the consumer starts: the first loads the pipeline (~4 s, ~500 MB), the
    others wait for it, so no task pays the load and the process holds one copy. The web workers never load it."""
    from feedback.analysis.language import preload

    with _preload_lock:
        preload()
