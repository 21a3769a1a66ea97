"""Admins: register webhook endpoints, read their delivery log, send a delivery again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from feedback.auth.access import roles_required
from feedback.auth.forms import ConfirmForm
from feedback.db import db
from feedback.models import Role, WebhookDelivery, WebhookEndpoint
from feedback.webhooks import operations, queries
from feedback.webhooks.forms import EVENT_LABELS, EndpointForm

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

admins_only = roles_required(Role.ADMIN)


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    return db.get_or_404(WebhookEndpoint, endpoint_id)


@bp.get("")
@admins_only
def endpoints():
    """Every endpoint with its state and the outcome of its deliveries; the form to add one."""
    return render_template("webhooks/endpoints.html", rows=queries.endpoint_rows(), form=EndpointForm(formdata=None))


@bp.post("")
@admins_only
def create_endpoint():
    """Register an endpoint; its secret is shown on its page."""
    form = EndpointForm()
    if not form.validate_on_submit():
        return render_template("webhooks/endpoints.html", rows=queries.endpoint_rows(), form=form), 200
    endpoint = operations.create_endpoint(
        form.url.data.strip(),
        form.events.data,
        description=(form.description.data or "").strip(),
        allows_private_network=form.allows_private_network.data,
    )
    db.session.commit()
    flash(
        "Point de réception enregistré : donnez son secret au récepteur pour qu'il vérifie les signatures.", "success"
    )
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@bp.get("/<int:endpoint_id>")
@admins_only
def endpoint(endpoint_id: int):
    """An endpoint: its secret, its events, and its delivery log (latest first)."""
    endpoint = _endpoint_or_404(endpoint_id)
    deliveries = db.session.scalars(queries.endpoint_deliveries(endpoint)).all()
    return render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        deliveries=deliveries,
        event_labels=EVENT_LABELS,
        confirm=ConfirmForm(formdata=None),
    )


@bp.post("/<int:endpoint_id>/active")
@admins_only
def toggle_endpoint(endpoint_id: int):
    """Enable or disable an endpoint."""
    endpoint = _endpoint_or_404(endpoint_id)
    if ConfirmForm().validate_on_submit():
        operations.set_active(endpoint, not endpoint.is_active)
        db.session.commit()
        flash("Point de réception activé." if endpoint.is_active else "Point de réception désactivé.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/resend")
@admins_only
def resend_delivery(endpoint_id: int, delivery_id: int):
    """« Renvoyer »: the same delivery (same id) is sent again through the queue."""
    endpoint = _endpoint_or_404(endpoint_id)
    delivery = db.session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id)
    )
    if delivery is None:
        return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    if ConfirmForm().validate_on_submit():
        operations.resend_delivery(delivery)
        db.session.commit()
        flash(f"Envoi {delivery.message_id} renvoyé.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
