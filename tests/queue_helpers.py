"""The real things the queue's tests run against: a Huey consumer (a thread, or a `flask queue-worker` process), and
an HTTP receiver on loopback that checks webhook signatures with the `standardwebhooks` package and drops ids it
has already handled, as the spec asks receivers to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from feedback import queue
from feedback.db import db

#: How long a test waits for the queue to do something before it fails (a wait, not a measure).
PATIENCE = 60


def wait_until(condition: Callable[[], object], what: str, patience: float = PATIENCE):
    """Poll until `condition()` is truthy (reading committed data afresh each time)."""
    deadline = time.monotonic() + patience
    while True:
        db.session.rollback()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for: {what}")
        time.sleep(0.05)


class Receiver:
    """A webhook receiver: verifies each signature; the first delivery of an id has an effect, a repeat does not.

    `fail_next` answers 500 that many times; `hold` (an Event) keeps the first request open after its effect,
    until the test sets it (a worker killed meanwhile never hears the answer).
    """

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self.receipts: list[dict] = []  # every request: id, verified, payload
        self.effects: list[str] = []  # ids acted upon, once each
        self.fail_next = 0
        self.hold: threading.Event | None = None
        #: Answer every request with a redirect there.
        self.redirect_to: str | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/retours"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    payload, verified = json.loads(body), False
                message_id = headers.get("webhook-id")
                hold = None
                with receiver.lock:
                    receiver.receipts.append({"id": message_id, "verified": verified, "payload": payload})
                    if not verified:
                        status = 401
                    elif receiver.fail_next:
                        receiver.fail_next -= 1
                        status = 500
                    else:
                        if message_id not in receiver.effects:  # a repeat is acknowledged, not acted upon
                            receiver.effects.append(message_id)
                        status = 200
                        hold, receiver.hold = receiver.hold, None
                if hold is not None:
                    hold.wait(PATIENCE)
                try:
                    if receiver.redirect_to:
                        self.send_response(302)
                        self.send_header("Location", receiver.redirect_to)
                    else:
                        self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the worker that asked is gone

        return Handler

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def queue_file(tmp_path, app) -> Iterator[str]:
    """The queue on a SQLite file, as in production without Redis: tasks wait there for a consumer."""
    url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    queue.configure(url, immediate=False)
    try:
        yield url
    finally:
        queue.configure(app.config["QUEUE_URL"], immediate=app.config["QUEUE_IMMEDIATE"])


@pytest.fixture
def consumer(app, queue_file) -> Iterator[None]:
    """A real Huey consumer in this process (two worker threads and the scheduler), on the queue file."""
    queue.bind_app(app)
    running = queue.huey.create_consumer(workers=2, worker_type="thread", periodic=False, initial_delay=0.05)
    running._set_signal_handlers = lambda: None  # signals belong to the main thread: the test stops it itself
    running.start()
    try:
        yield
    finally:
        running.stop(graceful=True)
        for _, worker in running.worker_threads:
            worker.join(PATIENCE)
        running.scheduler.join(PATIENCE)


def start_worker_process(database_url: str, queue_url: str, **settings: str) -> subprocess.Popen:
    """`flask queue-worker` in its own process, on the test database and the queue file."""
    env = {
        **os.environ,
        "RETOURS_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "QUEUE_URL": queue_url,
        "QUEUE_IMMEDIATE": "0",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "feedback", "queue-worker", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
