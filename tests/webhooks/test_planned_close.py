"""A form that closes at its planned time (nobody clicks) announces `session.closed` once: the job queue looks each
minute, marks the closing in the transaction that stores its deliveries, and the real receiver on loopback gets
one signed event with the planned time."""

from __future__ import annotations

from datetime import timedelta

from feedback.catalogue import operations as catalogue
from feedback.catalogue import tasks
from feedback.db import db, utcnow
from tests.queue_helpers import wait_until
from tests.webhooks.test_deliveries import deliveries, register


def _plan(session, closes_in: timedelta) -> None:
    catalogue.schedule_session(session, opens_dt=utcnow() - timedelta(hours=2), closes_dt=utcnow() + closes_in)
    db.session.commit()


def test_a_planned_close_reaches_the_receiver_once_with_its_planned_time(admin, make_session, receiver, consumer):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    session = make_session()
    _plan(session, timedelta(seconds=1))
    planned = session.closes_dt

    tasks.announce_closes.call_local()  # before its time: nothing
    assert deliveries() == [] and receiver.receipts == []

    wait_until(lambda: utcnow() > planned, "the planned time")
    tasks.announce_closes()  # what the scheduler enqueues each minute, taken by the real consumer
    [receipt] = wait_until(lambda: receiver.receipts, "the delivery")
    assert receipt["verified"]
    assert receipt["payload"]["type"] == "session.closed"
    assert receipt["payload"]["data"] == {"session_id": session.id, "closed_at": planned.isoformat()}

    wait_until(lambda: [d for d in deliveries() if d.status == "delivered"], "the delivery recorded")
    tasks.announce_closes.call_local()  # the next minutes' runs: the closing is announced already
    tasks.announce_closes.call_local()
    assert len(deliveries()) == 1 and len(receiver.receipts) == 1


def test_a_closing_by_hand_is_not_announced_again_by_the_queue(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    session = make_session()
    _plan(session, timedelta(hours=1))
    catalogue.close_session(session)  # a manager closes it before its planned time
    db.session.commit()
    assert len(receiver.receipts) == 1

    tasks.announce_closes_every_minute.call_local()
    assert catalogue.announce_planned_closes(utcnow() + timedelta(hours=2)) == []
    assert len(receiver.receipts) == 1


def test_a_session_opened_again_announces_its_next_planned_close(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    session = make_session()
    catalogue.close_session(session)
    db.session.commit()
    catalogue.open_session(session)
    db.session.commit()
    _plan(session, timedelta(minutes=30))

    assert catalogue.announce_planned_closes(utcnow()) == []
    assert catalogue.announce_planned_closes(utcnow() + timedelta(hours=1)) == [session.id]
    db.session.commit()
    closings = [r for r in receiver.receipts if r["payload"]["type"] == "session.closed"]
    assert len(closings) == 2 and len({r["id"] for r in closings}) == 2


def test_a_closing_already_past_when_it_is_set_is_not_announced(admin, make_session, receiver):
    """An import of past sessions, a date corrected afterwards: nothing that was open closed now."""
    register(admin, receiver.url, ["session.closed"])
    session = make_session(is_open=False)
    catalogue.schedule_session(session, opens_dt=utcnow() - timedelta(days=9), closes_dt=utcnow() - timedelta(days=8))
    db.session.commit()
    tasks.announce_closes_every_minute.call_local()
    assert receiver.receipts == [] and deliveries() == []
