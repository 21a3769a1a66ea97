"""Reads of the webhooks' admin pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from feedback.db import db
from feedback.models import WebhookDelivery, WebhookEndpoint

#: Deliveries shown in an endpoint's log.
LOG_LENGTH = 200


@dataclass(frozen=True)
class EndpointRow:
    endpoint: WebhookEndpoint
    delivered: int
    pending: int
    failed: int


def endpoint_rows() -> list[EndpointRow]:
    """Every endpoint with the count of its deliveries by status (one aggregate)."""
    counts = (
        select(
            WebhookDelivery.endpoint_id,
            func.sum(case((WebhookDelivery.status == "delivered", 1), else_=0)).label("delivered"),
            func.sum(case((WebhookDelivery.status == "pending", 1), else_=0)).label("pending"),
            func.sum(case((WebhookDelivery.status == "failed", 1), else_=0)).label("failed"),
        )
        .group_by(WebhookDelivery.endpoint_id)
        .subquery()
    )
    rows = db.session.execute(
        select(WebhookEndpoint, counts.c.delivered, counts.c.pending, counts.c.failed)
        .outerjoin(counts, counts.c.endpoint_id == WebhookEndpoint.id)
        .order_by(WebhookEndpoint.id)
    ).all()
    return [EndpointRow(row[0], int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)) for row in rows]


def endpoint_deliveries(endpoint: WebhookEndpoint) -> Select:
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_LENGTH)
    )
