"""Webhook deliveries in the job queue: each due delivery is claimed, sent, recorded; failures come back later."""

from __future__ import annotations

from huey import crontab

from feedback.db import db, utcnow
from feedback.queue import huey, periodic, task
from feedback.webhooks import operations


def deliver_one(delivery_id: int) -> None:
    """Claim (and commit), send outside any transaction, record (and commit). A worker killed between the two
    commits leaves a claim that expires: the delivery is sent again with the same id (at least once)."""
    delivery = operations.claim_delivery(delivery_id)
    db.session.commit()
    if delivery is None:
        return
    result = operations.attempt(delivery)
    disabled = operations.record_attempt(delivery, result)
    next_attempt = delivery.next_attempt_dt
    db.session.commit()
    if disabled:
        operations.tell_admins_endpoint_disabled(delivery.endpoint)
    if next_attempt is not None:
        # The backoff: this delivery's next attempt; the periodic run catches it up should this be lost.
        deliver.schedule(args=(delivery_id,), eta=next_attempt)


@task()
def deliver(delivery_id: int) -> None:
    deliver_one(delivery_id)


@task()
def deliver_due() -> None:
    """Deliver every due delivery (enqueued after the commit of an event, and every minute)."""
    while due := operations.due_deliveries(utcnow()):
        for delivery_id in due:
            deliver_one(delivery_id)


@periodic(crontab(minute="*"))
def deliver_due_every_minute() -> None:
    deliver_due.call_local()


@huey.on_startup()
def catch_up_after_restart() -> None:
    """A consumer that starts looks again, once the claims of a killed one have expired, for what it left."""
    from feedback.queue import _app

    delay = _app().config["QUEUE_CLAIM_SECONDS"] + 1
    deliver_due.schedule(delay=delay)
