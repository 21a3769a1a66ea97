"""Commands for cron, idempotent: `flask send-reminders` (invitations), `flask send-followups` (follow-up).

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


@click.command("send-followups")
@now_option
def send_followups_command(now: datetime) -> None:
    """Send the follow-up questionnaire of trainings whose delay has passed, remind once, erase spent addresses."""
    run = tasks.send_due_followups(now)
    for training in run.missing:
        click.echo(
            f"« {training.title} » : aucune version publiée du questionnaire de suivi ({training.followup_family}), "
            "rien n'est envoyé pour cette formation."
        )
    if run.followups:
        click.echo(f"Questionnaires de suivi envoyés : {len(run.sent.sent)} sur {run.followups}.")
    if run.reminders:
        click.echo(f"Relances du suivi envoyées : {len(run.reminded.sent)} sur {run.reminders}.")
    if not run.followups and not run.reminders:
        click.echo("Aucun questionnaire de suivi ni relance à envoyer.")
    refused = len(run.sent.refused) + len(run.reminded.refused)
    if refused:
        click.echo(f"Adresses refusées par le serveur de messagerie : {refused} (effacées).")
    deferred = len(run.sent.deferred) + len(run.reminded.deferred)
    if deferred:
        click.echo(
            f"Adresses refusées pour l'instant par le serveur de messagerie : {deferred} "
            "(nouvel essai au prochain passage)."
        )
    if run.erased:
        click.echo(f"Adresses e-mail effacées (suivi fait ou délai de conservation passé) : {run.erased}.")
    if run.error:
        raise click.ClickException(
            f"{run.error} ; {run.unsent} message(s) non envoyé(s), ils repartiront au prochain passage."
        )
