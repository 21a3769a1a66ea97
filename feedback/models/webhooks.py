"""Webhooks: the endpoints admins register, and every delivery of an event to one of them (the delivery log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, utcnow

#: The events an endpoint can subscribe to.
WEBHOOK_EVENTS = ("response.submitted", "session.opened", "session.closed", "quote.approved", "import.completed")


class WebhookEndpoint(Model):
    """A receiver of events: its URL, the secret its deliveries are signed with, the events it wants."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: https:// (http:// only where WEBHOOK_ALLOW_HTTP is set: development and tests).
    url: Mapped[str] = mapped_column(String(2000))
    #: Standard Webhooks secret, "whsec_" + base64 of 32 random bytes: the receiver needs it to check signatures.
    secret: Mapped[str] = mapped_column(String(100))
    #: Space-separated names of WEBHOOK_EVENTS.
    events: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: An admin allowed private, loopback and link-local addresses (a receiver inside the organisation's network).
    allows_private_network: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Since when every attempt failed (cleared by a success); past WEBHOOK_DISABLE_AFTER_HOURS it is disabled.
    failing_since_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it was disabled for failing (the admins were told); cleared when an admin enables it again.
    disabled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(back_populates="endpoint", passive_deletes=True)

    @property
    def event_list(self) -> list[str]:
        return self.events.split()

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id}>"


class WebhookDelivery(Model):
    """One event for one endpoint: its id (the `webhook-id`, the same for every attempt), its body, its fate."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    #: "msg_" + 32 random hex digits: receivers drop a delivery whose id they have already handled.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    #: The JSON body, exactly as signed and sent.
    payload: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: pending (an attempt is due at next_attempt_dt), delivered (a 2xx answer), failed (24 hours of failures).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a worker took it; a claim older than QUEUE_CLAIM_SECONDS is a dead worker's and is taken again.
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last attempt: the receiver's HTTP status (none when it could not be reached), how long it took, why not.
    response_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    last_attempt_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.message_id} {self.status}>"
