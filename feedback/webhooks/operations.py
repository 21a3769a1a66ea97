"""State changes of the webhooks: endpoints, deliveries (written with the event), attempts; they flush only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update

from feedback.db import affected_rows, db, utcnow
from feedback.mail import new_message, send_batch
from feedback.models import Role, User, WebhookDelivery, WebhookEndpoint
from feedback.webhooks import network, signing

#: The session's info key telling the commit hook (events.py) to enqueue a delivery run.
PENDING_KEY = "webhook_deliveries_pending"


def create_endpoint(url: str, events: list[str], *, description: str = "", allows_private_network: bool = False):
    """Register an endpoint with a new secret; the URL was checked by the form."""
    endpoint = WebhookEndpoint(
        url=url,
        secret=signing.new_secret(),
        events=" ".join(events),
        description=description,
        is_active=True,
        allows_private_network=allows_private_network,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    """Enable (its failure clock starts again) or disable an endpoint."""
    endpoint.is_active = active
    if active:
        endpoint.failing_since_dt = None
        endpoint.disabled_dt = None
    db.session.flush()


def queue_event(event: str, data: dict, now: datetime | None = None) -> int:
    """One delivery per active endpoint that wants the event, in the event's own transaction. Returns how many."""
    now = now or utcnow()
    endpoints = db.session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.events).where(WebhookEndpoint.is_active.is_(True))
    ).all()
    wanted = [row.id for row in endpoints if event in row.events.split()]
    if not wanted:
        return 0
    body = json.dumps({"type": event, "timestamp": now.isoformat(), "data": data}, ensure_ascii=False)
    rows = [
        dict(
            endpoint_id=endpoint_id,
            message_id=signing.new_message_id(),
            event=event,
            payload=body,
            created_dt=now,
            status="pending",
            attempts=0,
            next_attempt_dt=now,
        )
        for endpoint_id in wanted
    ]
    db.session.execute(insert(WebhookDelivery), rows)
    db.session.info[PENDING_KEY] = True
    return len(rows)


def _claim_cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["QUEUE_CLAIM_SECONDS"])


def due_deliveries(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Pending deliveries whose attempt is due and that no live worker holds."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_dt <= now,
                or_(WebhookDelivery.claimed_dt.is_(None), WebhookDelivery.claimed_dt <= _claim_cutoff(now)),
            )
            .order_by(WebhookDelivery.next_attempt_dt, WebhookDelivery.id)
            .limit(limit)
        )
    )


def claim_delivery(delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Take a due delivery for this worker (a conditional update); None if another worker has it or it is done."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_dt <= now,
            or_(WebhookDelivery.claimed_dt.is_(None), WebhookDelivery.claimed_dt <= _claim_cutoff(now)),
        )
        .values(claimed_dt=now),
        execution_options={"synchronize_session": False},
    )
    if affected_rows(claimed) != 1:
        return None
    db.session.flush()
    return db.session.get(WebhookDelivery, delivery_id, populate_existing=True)


def attempt(delivery: WebhookDelivery) -> network.Attempt:
    """Send the delivery once, signed with a fresh timestamp; no database work (call it outside a transaction)."""
    endpoint = delivery.endpoint
    timestamp = int(utcnow().timestamp())
    headers = signing.headers(endpoint.secret, delivery.message_id, timestamp, delivery.payload)
    config = current_app.config
    return network.post(
        endpoint.url,
        delivery.payload,
        headers,
        timeout=config["WEBHOOK_TIMEOUT"],
        allow_http=config["WEBHOOK_ALLOW_HTTP"],
        allow_private=endpoint.allows_private_network,
    )


def retry_delay(attempts: int) -> timedelta:
    delays = current_app.config["WEBHOOK_RETRY_DELAYS"]
    return timedelta(seconds=delays[min(attempts - 1, len(delays) - 1)])


def record_attempt(delivery: WebhookDelivery, result: network.Attempt, now: datetime | None = None) -> bool:
    """Record an attempt: delivered, due again after the backoff, or failed after 24 hours. Returns whether the
    endpoint was disabled by this failure (its deliveries have failed for WEBHOOK_DISABLE_AFTER_HOURS)."""
    now = now or utcnow()
    config = current_app.config
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.claimed_dt = None
    delivery.last_attempt_dt = now
    delivery.response_code = result.status
    delivery.duration_ms = result.duration_ms
    delivery.error = (result.error or "")[:300] or None
    disabled = False
    if result.is_success:
        delivery.status = "delivered"
        delivery.delivered_dt = now
        delivery.next_attempt_dt = None
        endpoint.failing_since_dt = None
    else:
        next_attempt = now + retry_delay(delivery.attempts)
        if next_attempt > delivery.created_dt + timedelta(hours=config["WEBHOOK_RETRY_HOURS"]):
            delivery.status = "failed"
            delivery.next_attempt_dt = None
        else:
            delivery.next_attempt_dt = next_attempt
        endpoint.failing_since_dt = endpoint.failing_since_dt or now
        limit = timedelta(hours=config["WEBHOOK_DISABLE_AFTER_HOURS"])
        if endpoint.is_active and endpoint.failing_since_dt + limit <= now:
            endpoint.is_active = False
            endpoint.disabled_dt = now
            disabled = True
    db.session.flush()
    return disabled


def resend_delivery(delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """« Renvoyer »: the same message (same id: a receiver that has it drops it) is due again now."""
    delivery.status = "pending"
    delivery.next_attempt_dt = now or utcnow()
    delivery.claimed_dt = None
    db.session.flush()
    db.session.info[PENDING_KEY] = True


def tell_admins_endpoint_disabled(endpoint: WebhookEndpoint) -> None:
    """E-mail every active admin that an endpoint was disabled (after the commit that disabled it)."""
    admins = db.session.scalars(
        select(User.email).where(User.role == Role.ADMIN, User.is_active_account.is_(True))
    ).all()
    since = endpoint.failing_since_dt.strftime("%d/%m/%Y %H:%M UTC") if endpoint.failing_since_dt else "?"
    body = (
        "Bonjour,\n\n"
        f"Le point de réception de webhooks {endpoint.url} ne répond plus correctement depuis le {since} : "
        "il a été désactivé, plus aucun événement ne lui est envoyé.\n\n"
        "Vérifiez le récepteur, puis réactivez-le depuis la page « Webhooks » de l'administration "
        f"({current_app.config['BASE_URL']}/admin/webhooks/{endpoint.id}).\n"
    )
    messages = [new_message(email, "Webhooks : un point de réception a été désactivé", body) for email in admins]
    result = send_batch(messages)
    if result.error:
        current_app.logger.warning("admins not told of webhook endpoint %s disabled: %s", endpoint.id, result.error)
