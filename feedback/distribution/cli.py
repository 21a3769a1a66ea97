"""Commands for cron, idempotent: `flask send-reminders` (invitations), `flask send-followups` (follow-up)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app

from feedback import personal_links
from feedback.db import db
from feedback.distribution import operations
from feedback.mail import BatchResult, send_batch
from feedback.timeutil import now_option

#: Messages sent over one SMTP connection before recording them (servers often cap a connection at 100).
MAIL_BATCH = 50


@click.command("send-reminders")
@now_option
def send_reminders_command(now: datetime) -> None:
    """Remind, once, those invited N days ago (REMINDER_AFTER_DAYS) who have not answered, while the form is open."""
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


@click.command("send-followups")
@now_option
def send_followups_command(now: datetime) -> None:
    """Send the follow-up questionnaire of trainings whose delay has passed, remind once, erase spent addresses."""
    plan = operations.plan_followups(now)
    for training in plan.missing:
        click.echo(
            f"« {training.title} » : aucune version publiée du questionnaire de suivi ({training.followup_family}), "
            "rien n'est envoyé pour cette formation."
        )
    operations.collect_followup_contacts(list(plan.questionnaires), now)
    outgoing = operations.claim_due_followups(plan, now)
    # Claimed and committed before sending: a second run at the same time finds nothing left to send.
    db.session.commit()
    sent = _send(outgoing, operations.record_followups_sent)
    error = sent.error
    reminders: list[operations.OutgoingFollowUp] = []
    reminded = BatchResult()
    if error is None:
        reminders = operations.claim_due_followup_reminders(now)
        db.session.commit()
        reminded = _send(reminders, operations.record_followup_reminders_sent)
        error = reminded.error
    erased = personal_links.erase_followup_emails(now)
    db.session.commit()

    if outgoing:
        click.echo(f"Questionnaires de suivi envoyés : {len(sent.sent)} sur {len(outgoing)}.")
    if reminders:
        click.echo(f"Relances du suivi envoyées : {len(reminded.sent)} sur {len(reminders)}.")
    if not outgoing and not reminders:
        click.echo("Aucun questionnaire de suivi ni relance à envoyer.")
    refused = len(sent.refused) + len(reminded.refused)
    if refused:
        click.echo(f"Adresses refusées par le serveur de messagerie : {refused} (effacées).")
    deferred = len(sent.deferred) + len(reminded.deferred)
    if deferred:
        click.echo(
            f"Adresses refusées pour l'instant par le serveur de messagerie : {deferred} "
            "(nouvel essai au prochain passage)."
        )
    if erased:
        click.echo(f"Adresses e-mail effacées (suivi fait ou délai de conservation passé) : {erased}.")
    if error:
        unsent = len(outgoing) - len(sent.sent) - len(sent.refused)
        unsent += len(reminders) - len(reminded.sent) - len(reminded.refused)
        raise click.ClickException(f"{error} ; {unsent} message(s) non envoyé(s), ils repartiront au prochain passage.")


def _send(outgoing: list[operations.OutgoingFollowUp], record) -> BatchResult:
    """Send by batches of one SMTP connection each, recording and committing what each batch did."""
    result = BatchResult()
    for start in range(0, len(outgoing), MAIL_BATCH):
        batch = outgoing[start : start + MAIL_BATCH]
        batch_result = send_batch([mail.message for mail in batch])
        if batch_result.error:
            # Stopped here: what this batch did not send and the next batches are due again at the next run.
            record(outgoing[start:], batch_result)
        else:
            record(batch, batch_result)
        db.session.commit()
        result.sent += [start + i for i in batch_result.sent]
        result.refused += [start + i for i in batch_result.refused]
        result.deferred += [start + i for i in batch_result.deferred]
        if batch_result.error:
            result.error = batch_result.error
            break
    return result
