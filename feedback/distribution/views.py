"""Managers: invite a session's attendees by e-mail, each with a personal single-use link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from feedback.auth.access import get_session_or_404, managers_only
from feedback.auth.forms import ConfirmForm
from feedback.db import db, utcnow
from feedback.distribution import operations, queries, tasks
from feedback.distribution.addresses import AddressList, CsvUnreadable, InvalidEntry, parse_csv, parse_pasted
from feedback.distribution.forms import AddressesForm, SendInvitationsForm
from feedback.errors import Refusal, save, show_refusal
from feedback.models import TrainingSession

bp = Blueprint("distribution", __name__, url_prefix="/manage")

#: Addresses invited in one go: a conference hall, not a mailing list.
MAX_ADDRESSES = 1000


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
    return _send_pending(session, lambda: operations.add_invitations(session, preview.new))


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


def _send_pending(session: TrainingSession, add: Callable[[], object] = lambda: None):
    """Add the invitations (`add`) and commit them, then hand their sending to the job queue: the manager never
    waits on the SMTP server."""
    try:
        save(add, conflict="Ces adresses viennent d'être invitées par ailleurs : vérifiez la liste ci-dessous.")
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(url_for("distribution.invitations", session_id=session.id))
    pending = queries.invitation_counts(session).pending
    try:
        # After the commit: the worker reads what this request stored.
        tasks.send_invitations(session.id)
    except Exception:  # the queue's storage is down: the periodic catch-up sends them once it is back
        current_app.logger.exception("invitations of session %s not enqueued", session.id)
    if pending:
        flash(
            f"{_plural(pending, 'invitation part', 'invitations partent')} : l'envoi se fait en arrière-plan, "
            "la page indique ce que le serveur de messagerie a accepté.",
            "success",
        )
    else:
        flash("Aucune invitation à envoyer.", "success")
    return redirect(url_for("distribution.invitations", session_id=session.id))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
