"""`flask send-reminders`, for cron, idempotent (`flask send-followups` is the follow-up area's).

The job queue runs the same work on schedule (tasks.py); these commands are for those who prefer cron.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app

from feedback.distribution import tasks
from feedback.timeutil import now_option


@click.command("send-reminders")
@now_option
def send_reminders_command(now: datetime) -> None:
    """Remind, once, those invited N days ago (REMINDER_AFTER_DAYS) who have not answered, while the form is open."""
    claimed, result = tasks.send_due_reminders(now)
    days = current_app.config["REMINDER_AFTER_DAYS"]
    if not claimed:
        click.echo(f"Aucune relance à envoyer (invitées depuis {days} jours sans réponse, questionnaire ouvert).")
        return
    click.echo(f"Relances envoyées : {len(result.sent)} sur {claimed}.")
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
        released = claimed - len(result.sent) - len(result.refused) - len(result.deferred)
        raise click.ClickException(
            f"{result.error} ; {released} relance(s) non envoyée(s), elles repartiront au prochain passage."
        )
