"""The comments of a submit are analysed by the job queue, not by the web worker: the participant's page is back
before any analysis, a real `flask queue-worker` process (which loads the language pipeline itself) stores it, a
task run twice stores one analysis, and what a lost task or a queue that is down leaves is caught up."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from sqlalchemy import func, select, update

from feedback import queue
from feedback.db import db, utcnow
from feedback.models import Answer, CommentAnalysis, CommentPhrase, Response
from feedback.quotes import tasks
from tests.conftest import free_port
from tests.queue_helpers import start_worker_process, wait_until

LIKED = "Merci à Sandrine Leroy, très clair mais la salle était bien trop petite."
IMPROVE = "Plus de cas pratiques, moins de diapositives."


def _analyses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CommentAnalysis)) or 0


def _phrases() -> int:
    return db.session.scalar(select(func.count()).select_from(CommentPhrase)) or 0


def _submit(comment, make_session, make_speaker) -> dict[str, int]:
    session = make_session(speakers=[make_speaker("Sandrine Leroy")])
    return comment(session, LIKED, improve=IMPROVE, overall="3")


def test_the_page_is_back_before_the_analysis_which_a_worker_process_stores(
    app, make_session, make_speaker, comment, queue_file, database_url
):
    ids = _submit(comment, make_session, make_speaker)

    # The participant has the thank-you redirect; the response is stored, its analysis waits in the queue file.
    assert db.session.get(Answer, ids["liked"]).text == LIKED
    assert _analyses() == 0
    assert queue.huey.pending_count() == 1

    worker = start_worker_process(database_url, queue_file)
    try:
        wait_until(lambda: _analyses() == 2, "both comments analysed by the worker process")
        # Below the web workers on the same cores (QUEUE_NICE): the analysis yields to the participants' requests.
        niceness = os.getpriority(os.PRIO_PROCESS, worker.pid) - os.getpriority(os.PRIO_PROCESS, 0)
        assert niceness == app.config["QUEUE_NICE"] == 10
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(60)
    analysis = db.session.get(CommentAnalysis, ids["liked"])
    assert "Leroy" not in analysis.masked_text and "[nom]" in analysis.masked_text
    assert analysis.tone == "mixed"


def test_a_task_run_twice_stores_one_analysis_per_comment(make_session, make_speaker, comment, queue_file):
    _submit(comment, make_session, make_speaker)
    task = queue.huey.dequeue()
    queue.huey.execute(task)
    phrases = _phrases()
    queue.huey.execute(task)  # delivered twice (at least once): nothing more is stored
    assert _analyses() == 2 and _phrases() == phrases > 0


def test_a_task_lost_with_its_worker_is_caught_up_by_the_periodic_run(make_session, make_speaker, comment, queue_file):
    ids = _submit(comment, make_session, make_speaker)
    assert queue.huey.dequeue() is not None  # taken by a worker that was then killed: the task is gone

    tasks.catch_up_analyses.call_local()
    assert _analyses() == 0  # too recent: its own task may still be on its way

    db.session.execute(update(Response).values(submitted_dt=utcnow() - timedelta(minutes=3)))
    db.session.commit()
    tasks.catch_up_analyses.call_local()
    assert _analyses() == 2
    assert "[nom]" in db.session.get(CommentAnalysis, ids["liked"]).masked_text
    tasks.catch_up_analyses.call_local()
    tasks.analyse_response.call_local(db.session.get(Answer, ids["liked"]).response_id)  # the lost task, late
    assert _analyses() == 2


def test_with_the_queue_down_the_response_is_stored_and_flask_analyse_catches_up(
    app, make_session, make_speaker, comment
):
    queue.configure(f"redis://127.0.0.1:{free_port()}/0", immediate=False)  # nothing listens there
    try:
        ids = _submit(comment, make_session, make_speaker)  # asserts the 303 (thank-you page)
    finally:
        queue.configure(app.config["QUEUE_URL"], immediate=app.config["QUEUE_IMMEDIATE"])
    assert db.session.get(Answer, ids["improve"]).text == IMPROVE
    assert _analyses() == 0

    result = app.test_cli_runner().invoke(args=["analyse"])
    assert result.exit_code == 0, result.output
    assert _analyses() == 2
