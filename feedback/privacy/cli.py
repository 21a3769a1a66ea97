"""`flask purge`: for cron (daily), deletes free text and e-mail addresses past their retention period."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app

from feedback.db import db
from feedback.privacy.operations import purge, record_purge
from feedback.timeutil import now_option


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Compter ce qui serait supprimé, sans rien supprimer.")
@now_option
def purge_command(dry_run: bool, now: datetime) -> None:
    """Delete comments older than TEXT_RETENTION_DAYS and old e-mail addresses; scores and counts stay."""
    config = current_app.config
    summary = purge(now)
    if dry_run:
        db.session.rollback()
    else:
        if summary.anything:  # a daily run that removes nothing leaves no line in the audit log
            record_purge(summary)
        db.session.commit()
    verb = "seraient supprimés" if dry_run else "supprimés"
    click.echo(
        f"Commentaires de plus de {config['TEXT_RETENTION_DAYS']} jours (réponses d'avant le "
        f"{summary.text_cutoff:%Y-%m-%d}) {verb} : {summary.texts} "
        f"(analyses : {summary.analyses}, citations : {summary.quotes}). Les notes et les taux restent."
    )
    click.echo(
        f"Adresses d'invitation des sessions closes avant le {summary.invitation_cutoff:%Y-%m-%d} "
        f"({config['INVITATION_RETENTION_DAYS']} jours) {'à effacer' if dry_run else 'effacées'} : "
        f"{summary.invitation_emails} ; adresses du suivi : {summary.followup_emails}."
    )
    if dry_run:
        click.echo("Simulation (--dry-run) : rien n'a été supprimé.")
