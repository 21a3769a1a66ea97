"""`flask send-reminders`: one reminder to those invited who have not answered; idempotent, meant for cron."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app

from feedback.db import db, utcnow
from feedback.distribution import operations
from feedback.mail import send_batch


@click.command("send-reminders")
@click.option(
    "--now",
    "now_text",
    default=None,
    hidden=True,
    help="Moment (ISO 8601, UTC by default) used instead of the clock; for tests.",
)
def send_reminders_command(now_text: str | None) -> None:
    """Remind, once, those invited N days ago (REMINDER_AFTER_DAYS) who have not answered, while the form is open."""
    now = _parse_now(now_text) if now_text else utcnow()
    outgoing = operations.claim_due_reminders(now)
    # Claimed and committed before sending: a second run at the same time finds nothing left to remind.
    db.session.commit()
    result = send_batch([mail.message for mail in outgoing])
    released = operations.release_unsent_reminders(outgoing, result)
    db.session.commit()
    days = current_app.config["REMINDER_AFTER_DAYS"]
    if not outgoing:
        click.echo(f"Aucune relance à envoyer (invitées depuis {days} jours sans réponse, questionnaire ouvert).")
        return
    click.echo(f"Relances envoyées : {len(result.sent)} sur {len(outgoing)}.")
    if result.refused:
        refused = len(result.refused)
        click.echo(f"Adresses refusées par le serveur de messagerie : {refused} (elles ne seront pas relancées).")
    if result.deferred:
        deferred = len(result.deferred)
        click.echo(
            f"Adresses refusées pour l'instant par le serveur de messagerie : {deferred} "
            "(nouvel essai au prochain passage)."
        )
    if result.error:
        raise click.ClickException(
            f"{result.error} ; {released} relance(s) non envoyée(s), elles repartiront au prochain passage."
        )


def _parse_now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("date ISO 8601 attendue, par exemple 2026-03-12T09:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
