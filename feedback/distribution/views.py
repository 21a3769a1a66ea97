"""Managers: invite a session's attendees by e-mail, each with a personal single-use link."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError

from feedback.auth.access import get_session_or_404, managers_only
from feedback.auth.forms import ConfirmForm
from feedback.db import db, utcnow
from feedback.distribution import operations, queries
from feedback.distribution.addresses import AddressList, CsvUnreadable, InvalidEntry, parse_csv, parse_pasted
from feedback.distribution.forms import AddressesForm, SendInvitationsForm
from feedback.mail import BatchResult, send_batch
from feedback.models import TrainingSession

bp = Blueprint("distribution", __name__, url_prefix="/manage")

#: Addresses invited in one go: a conference hall, not a mailing list.
MAX_ADDRESSES = 1000
#: Messages sent over one SMTP connection (servers often cap a connection at 100) before recording them.
MAIL_BATCH = 50


@dataclass
class Preview:
    new: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    invalid: list[InvalidEntry] = field(default_factory=list)
    duplicates: int = 0
    too_many: bool = False

    @property
    def can_send(self) -> bool:
        return bool(self.new) and not self.invalid and not self.too_many


def _preview(session: TrainingSession, addresses: AddressList) -> Preview:
    known = queries.invited_emails(session, addresses.addresses)
    return Preview(
        new=[email for email in addresses.addresses if email not in known],
        already_invited=[email for email in addresses.addresses if email in known],
        invalid=addresses.invalid,
        duplicates=addresses.duplicates,
        too_many=len(addresses.addresses) > MAX_ADDRESSES,
    )


def _has_closed(session: TrainingSession) -> bool:
    return session.closes_dt is not None and session.closes_dt <= utcnow()


def _page(session: TrainingSession, *, form=None, preview: Preview | None = None):
    """The invitations page; like every staff form, a refused list comes back as a page (200) with its errors."""
    send_form = None
    if preview is not None and preview.can_send:
        send_form = SendInvitationsForm(formdata=None, emails=", ".join(preview.new))
    return render_template(
        "distribution/invitations.html",
        session=session,
        counts=queries.invitation_counts(session),
        invitations=db.session.scalars(queries.session_invitations(session)).all(),
        form=form or AddressesForm(formdata=None),
        preview=preview,
        send_form=send_form,
        confirm_form=ConfirmForm(formdata=None),
        has_closed=_has_closed(session),
        max_addresses=MAX_ADDRESSES,
        reminder_days=current_app.config["REMINDER_AFTER_DAYS"],
    )


@bp.get("/sessions/<int:session_id>/invitations")
@managers_only
def invitations(session_id: int):
    """The session's invitations: how many were sent, reminded, used; the form to invite more."""
    session = get_session_or_404(session_id, for_management=True)
    return _page(session)


@bp.post("/sessions/<int:session_id>/invitations/check")
@managers_only
def check_invitations(session_id: int):
    """What a pasted or imported list would do: new addresses, already invited, invalid lines. Sends nothing."""
    session = get_session_or_404(session_id, for_management=True)
    form = AddressesForm()
    if not form.validate_on_submit():
        return _page(session, form=form)
    upload = form.csv_file.data
    has_file = upload is not None and bool(upload.filename)
    has_text = bool((form.emails.data or "").strip())
    if has_file and has_text:
        form.csv_file.errors = ["Collez des adresses ou choisissez un fichier, pas les deux à la fois."]
        return _page(session, form=form)
    if not has_file and not has_text:
        form.emails.errors = ["Collez au moins une adresse ou choisissez un fichier CSV."]
        return _page(session, form=form)
    if has_file:
        try:
            addresses = parse_csv(upload.read())
        except CsvUnreadable as problem:
            form.csv_file.errors = [str(problem)]
            return _page(session, form=form)
    else:
        addresses = parse_pasted(form.emails.data)
    preview = _preview(session, addresses)
    return _page(session, form=form, preview=preview)


@bp.post("/sessions/<int:session_id>/invitations/send")
@managers_only
def send_invitations(session_id: int):
    """Invite the checked addresses and send their e-mails; one invalid address and nothing is sent."""
    session = get_session_or_404(session_id, for_management=True)
    form = SendInvitationsForm()
    if not form.validate_on_submit():
        flash("Le formulaire a expiré : vérifiez la liste à nouveau.", "error")
        return redirect(url_for("distribution.invitations", session_id=session.id))
    if _has_closed(session):
        flash("Le questionnaire de cette session est fermé : rouvrez-le avant d'envoyer des invitations.", "error")
        return redirect(url_for("distribution.invitations", session_id=session.id))
    # Checked again: what comes back from the browser is never trusted.
    preview = _preview(session, parse_pasted(form.emails.data or ""))
    if not preview.can_send:
        return _page(session, form=AddressesForm(formdata=None, emails=form.emails.data), preview=preview)
    operations.add_invitations(session, preview.new)
    return _send_pending(session)


@bp.post("/sessions/<int:session_id>/invitations/send-pending")
@managers_only
def send_pending_invitations(session_id: int):
    """Send again the invitations the mail server did not take (it was down)."""
    session = get_session_or_404(session_id, for_management=True)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("distribution.invitations", session_id=session.id))
    if _has_closed(session):
        flash("Le questionnaire de cette session est fermé : rouvrez-le avant d'envoyer des invitations.", "error")
        return redirect(url_for("distribution.invitations", session_id=session.id))
    return _send_pending(session)


def _send_pending(session: TrainingSession):
    """Draw the links and commit, then send by batches of one SMTP connection each, committing what was accepted."""
    pending = db.session.scalars(queries.pending_invitations(session)).all()
    outgoing = operations.prepare_invitations(session, list(pending))
    try:
        # Two commits on purpose: the links exist before any e-mail leaves, and no write lock is held while the
        # mail server is talked to (on SQLite that would stall every participant's submit).
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Ces adresses viennent d'être invitées par ailleurs : vérifiez la liste ci-dessous.", "error")
        return redirect(url_for("distribution.invitations", session_id=session.id))
    result = BatchResult()
    for start in range(0, len(outgoing), MAIL_BATCH):
        batch = outgoing[start : start + MAIL_BATCH]
        batch_result = send_batch([mail.message for mail in batch])
        operations.record_invitations_sent(batch, batch_result)
        # What the server took is recorded batch by batch: if the worker is stopped during a long list (its
        # timeout), "Envoyer les invitations en attente" will not send those again.
        db.session.commit()
        result.sent += [start + i for i in batch_result.sent]
        result.refused += [start + i for i in batch_result.refused]
        result.deferred += [start + i for i in batch_result.deferred]
        if batch_result.error:
            result.error = batch_result.error
            break
    _flash_result(outgoing, result)
    return redirect(url_for("distribution.invitations", session_id=session.id))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _flash_result(outgoing: list[operations.OutgoingMail], result: BatchResult) -> None:
    sent, total = len(result.sent), len(outgoing)
    unsent = total - sent - len(result.refused)
    if result.error:
        done = "Aucune invitation n'a été envoyée" if not sent else f"{sent} invitation(s) envoyée(s) sur {total}"
        flash(
            f"{done} : {result.error}. "
            f"{_plural(unsent, 'adresse reste', 'adresses restent')} en attente : réessayez plus tard avec "
            "« Envoyer les invitations en attente ».",
            "error",
        )
    elif sent:
        flash(f"{_plural(sent, 'invitation envoyée', 'invitations envoyées')}.", "success")
    if result.deferred and not result.error:
        flash(
            f"{_plural(len(result.deferred), 'adresse refusée', 'adresses refusées')} pour l'instant par le serveur "
            "de messagerie, gardée(s) en attente : réessayez plus tard avec « Envoyer les invitations en attente ».",
            "error",
        )
    if result.refused:
        refused = ", ".join(outgoing[i].email for i in result.refused[:20])
        more = "…" if len(result.refused) > 20 else ""
        flash(
            f"Adresses refusées par le serveur de messagerie, non invitées : {refused}{more}. "
            "Vérifiez-les et invitez-les à nouveau.",
            "error",
        )
    if not outgoing:
        flash("Aucune invitation à envoyer.", "success")
