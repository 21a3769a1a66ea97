"""`flask send-followups`, for cron (the job queue runs the same each day: tasks.py)."""

from __future__ import annotations

from datetime import datetime

import click

from feedback.followup import tasks
from feedback.timeutil import now_option


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
