"""The job queue: the manager's request no longer waits on the mail server, and what the consumer gets through.

A scratch database, a SQLite queue file and a real consumer (two threads) in this process; a slow SMTP server on
loopback (aiosmtpd, --smtp-delay seconds per message, as a distant server with greylisting checks can be) and a
webhook receiver on loopback. Figures:

- the manager's « Envoyer » request for --addresses new addresses: median of --runs sessions (target < 1 s,
  whatever the mail server's speed; before the queue it lasted addresses × the server's time per message);
- the invitations per second the consumer gets accepted by that server (for information: the server sets it);
- webhook deliveries per second to the receiver, --events events at once (target >= 20/s).

    .venv/bin/python benchmarks/queue_work.py                       # SQLite
    .venv/bin/python benchmarks/queue_work.py --engine postgres --addresses 300 --runs 5

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import database_url, drop_database  # noqa: E402

TARGET_REQUEST_MS = 1000
TARGET_DELIVERIES_PER_S = 20
PASSWORD = "benchmark-manager-password"  # noqa: S105 (a scratch database's account)


class SlowSmtp:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def receiver() -> tuple[ThreadingHTTPServer, list[str]]:
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(self.headers["webhook-id"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def wait_for(condition, patience: float = 600) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the consumer did not finish in time")
        time.sleep(0.02)


def run(engine: str, addresses: int, runs: int, events: int, smtp_delay: float) -> bool:
    from aiosmtpd.controller import Controller
    from sqlalchemy import func, select

    from config import TestingConfig
    from feedback import create_app, queue
    from feedback.auth.operations import create_user
    from feedback.catalogue import operations as manage
    from feedback.db import db
    from feedback.models import Axis, Invitation, Modality, Role, WebhookDelivery
    from feedback.webhooks import operations as webhooks

    with tempfile.TemporaryDirectory() as scratch:
        url = database_url(engine, Path(scratch), "bench_queue")
        smtp = SlowSmtp(smtp_delay)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
        probe.close()
        controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            QUEUE_URL=f"sqlite:///{scratch}/queue.sqlite",
            QUEUE_IMMEDIATE=False,
            MAIL_PORT=smtp_port,
            MAIL_TIMEOUT=30,
        )
        consumer = queue.huey.create_consumer(workers=2, worker_type="thread", periodic=False, initial_delay=0.02)
        consumer._set_signal_handlers = lambda: None
        with app.app_context():
            db.create_all()
            create_user("manager@bench.test", Role.MANAGER, PASSWORD)
            training = manage.create_training(title="Bench", axis=Axis.CITY_POLICY, modality=Modality.TRAINING)
            sessions = []
            for day in range(runs):
                session = manage.create_session(training, start_date=date(2025, 1, 1) + timedelta(days=day))
                manage.open_session(session)
                sessions.append(session.id)
            db.session.commit()
        queue.bind_app(app)
        consumer.start()
        ok = True
        try:
            client = app.test_client()
            client.post("/login", data={"email": "manager@bench.test", "password": PASSWORD})
            request_ms, accepted_per_s = [], []
            for index, session_id in enumerate(sessions):
                emails = ", ".join(f"p{index}-{n}@exemple.fr" for n in range(addresses))
                before = smtp.count
                started = time.perf_counter()
                response = client.post(f"/manage/sessions/{session_id}/invitations/send", data={"emails": emails})
                request_ms.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 302, response.status_code
                wait_for(lambda before=before: smtp.count - before >= addresses)
                accepted_per_s.append(addresses / (time.perf_counter() - started))
            with app.app_context():
                sent = db.session.scalar(select(func.count()).where(Invitation.sent_dt.is_not(None)))
            assert sent == addresses * runs, sent
            median_ms = statistics.median(request_ms)
            print(
                f"[{engine}] « Envoyer » {addresses} invitations (SMTP {smtp_delay * 1000:.0f} ms a message): "
                f"request {median_ms:.0f} ms median of {runs} (target < {TARGET_REQUEST_MS} ms; without the queue "
                f"≥ {addresses * smtp_delay * 1000:.0f} ms); consumer {statistics.median(accepted_per_s):.0f} mails/s"
            )
            ok &= median_ms < TARGET_REQUEST_MS

            server, received = receiver()
            with app.app_context():
                endpoint = webhooks.create_endpoint(
                    f"http://127.0.0.1:{server.server_address[1]}/h", ["session.closed"], allows_private_network=True
                )
                db.session.commit()
                endpoint_id = endpoint.id
                started = time.perf_counter()
                for number in range(events):
                    webhooks.queue_event("session.closed", {"session_id": number})
                db.session.commit()  # one nudge: the consumer delivers them all
            wait_for(lambda: len(received) >= events)
            seconds = time.perf_counter() - started
            with app.app_context():
                delivered = db.session.scalar(
                    select(func.count()).where(
                        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "delivered"
                    )
                )
            rate = events / seconds
            print(
                f"[{engine}] webhooks: {events} deliveries in {seconds:.1f} s, {rate:.0f}/s "
                f"(target >= {TARGET_DELIVERIES_PER_S}/s); {len(set(received))} distinct ids, {delivered} recorded"
            )
            ok &= rate >= TARGET_DELIVERIES_PER_S and len(set(received)) == events
            server.shutdown()
        finally:
            consumer.stop(graceful=True)
            for _, worker in consumer.worker_threads:
                worker.join(60)
            controller.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            drop_database(engine, "bench_queue")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--addresses", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--smtp-delay", type=float, default=0.02)
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    for engine in engines:
        ok &= run(engine, args.addresses, args.runs, args.events, args.smtp_delay)
    print("queue: every target met" if ok else "queue: a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
