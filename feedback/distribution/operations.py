"""State changes of the distribution by e-mail; they flush, the caller commits.

Sending happens between two commits (see views.py and cli.py): the links are stored before any e-mail leaves,
and no write transaction stays open while the SMTP server is talked to (on SQLite it would block every
participant's submit for as long).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from feedback.catalogue.operations import latest_published
from feedback.db import affected_rows, db, utcnow
from feedback.distribution import mails
from feedback.distribution.queries import followup_trainings_due, invited_emails
from feedback.mail import BatchResult
from feedback.models import FollowUpContact, Invitation, Questionnaire, Response, Training, TrainingSession
from feedback.personal_links import hash_token, is_expired, midnight_utc, new_link_token, pairing_key
from feedback.timeutil import local_zone


@dataclass(frozen=True)
class OutgoingMail:
    invitation_id: int
    email: str
    message: EmailMessage


# -- invitations -------------------------------------------------------------------------------------------------


def add_invitations(session: TrainingSession, emails: list[str], now: datetime | None = None) -> list[Invitation]:
    """Invite these (normalised) addresses to the session; addresses already invited are left as they are."""
    now = now or utcnow()
    known = invited_emails(session, emails)
    invitations = []
    for email in emails:
        if email in known:
            continue
        # A placeholder: the token of the link is drawn when the e-mail is prepared, and only its hash kept.
        invitation = Invitation(session=session, email=email, token_hash=hash_token(new_link_token()), created_dt=now)
        db.session.add(invitation)
        invitations.append(invitation)
        known.add(email)
    db.session.flush()
    return invitations


def prepare_invitations(session: TrainingSession, invitations: list[Invitation]) -> list[OutgoingMail]:
    """Draw a fresh link for each invitation not sent yet and write its e-mail; the caller commits, then sends."""
    outgoing = []
    for invitation in invitations:
        if invitation.sent_dt is not None:
            continue
        token = new_link_token()
        invitation.token_hash = hash_token(token)
        outgoing.append(
            OutgoingMail(invitation.id, invitation.email, mails.invitation_message(session, invitation.email, token))
        )
    db.session.flush()
    return outgoing


def record_invitations_sent(outgoing: list[OutgoingMail], result: BatchResult, now: datetime | None = None) -> None:
    """Mark as sent what the SMTP server accepted; forget the addresses it refused (they had no working link)."""
    now = now or utcnow()
    sent = [outgoing[i].invitation_id for i in result.sent]
    refused = [outgoing[i].invitation_id for i in result.refused]
    if sent:
        db.session.execute(
            update(Invitation).where(Invitation.id.in_(sent)).values(sent_dt=now),
            execution_options={"synchronize_session": False},
        )
    for invitation_id in refused:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is not None:
            db.session.delete(invitation)
    db.session.flush()
    db.session.expire_all()


# -- reminders ---------------------------------------------------------------------------------------------------


def claim_due_reminders(now: datetime | None = None) -> list[OutgoingMail]:
    """Mark as reminded, with a fresh link each, those invited N days ago who have not answered, while the form is open.

    The caller commits before sending, so that two runs at once cannot remind anyone twice.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["REMINDER_AFTER_DAYS"])
    due = db.session.scalars(
        select(Invitation)
        .join(Invitation.session)
        .where(
            Invitation.is_used.is_(False),
            Invitation.reminded_dt.is_(None),
            Invitation.sent_dt.is_not(None),
            Invitation.sent_dt <= cutoff,
            Invitation.email.is_not(None),
            TrainingSession.opens_dt.is_not(None),
            TrainingSession.opens_dt <= now,
            or_(TrainingSession.closes_dt.is_(None), TrainingSession.closes_dt > now),
        )
        .options(
            selectinload(Invitation.session).selectinload(TrainingSession.training),
            selectinload(Invitation.session).selectinload(TrainingSession.questionnaire),
        )
        .order_by(Invitation.session_id, Invitation.id)
    ).all()
    outgoing = []
    for invitation in due:
        if is_expired(invitation, now):
            continue
        token = new_link_token()
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.reminded_dt.is_(None), Invitation.is_used.is_(False))
            .values(reminded_dt=now, reminder_token_hash=hash_token(token)),
            execution_options={"synchronize_session": False},
        )
        if affected_rows(claimed) == 1:
            message = mails.reminder_message(invitation.session, invitation.email, token)
            outgoing.append(OutgoingMail(invitation.id, invitation.email, message))
    db.session.flush()
    return outgoing


def release_unsent_reminders(outgoing: list[OutgoingMail], result: BatchResult) -> int:
    """Reminders the server never took (it was down) are due again at the next run; refused addresses are not."""
    handled = set(result.sent) | set(result.refused)
    unsent = [mail.invitation_id for index, mail in enumerate(outgoing) if index not in handled]
    if unsent:
        db.session.execute(
            update(Invitation).where(Invitation.id.in_(unsent)).values(reminded_dt=None, reminder_token_hash=None),
            execution_options={"synchronize_session": False},
        )
        db.session.flush()
    return len(unsent)


# -- the follow-up questionnaire ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingFollowUp:
    contact_id: int
    email: str
    message: EmailMessage


@dataclass
class FollowUpPlan:
    """The trainings whose follow-up is due, and those that cannot be sent (no published follow-up questionnaire)."""

    #: training id -> the follow-up questionnaire's version to send.
    questionnaires: dict[int, Questionnaire] = field(default_factory=dict)
    missing: list[Training] = field(default_factory=list)


def plan_followups(now: datetime | None = None) -> FollowUpPlan:
    """The trainings whose delay has passed since their last session, each with the version of its questionnaire."""
    now = now or utcnow()
    today = now.astimezone(local_zone()).date()
    plan = FollowUpPlan()
    versions: dict[str, Questionnaire | None] = {}
    for training in followup_trainings_due(today):
        family = training.followup_family
        if family not in versions:
            versions[family] = latest_published(family)
        questionnaire = versions[family]
        if questionnaire is None:
            plan.missing.append(training)
        else:
            plan.questionnaires[training.id] = questionnaire
    return plan


def collect_followup_contacts(training_ids: list[int], now: datetime | None = None) -> None:
    """One contact per person and training: the addresses of the invitations join the thank-you page's, once.

    The contact kept for an address is, in order: one already mailed, one paired with a first answer, the one of
    the latest session. The others are deleted (their first answers simply stay unpaired); the invitations are
    marked as collected, so that a later run does not bring their addresses back.
    """
    if not training_ids:
        return
    now = now or utcnow()
    contacts = db.session.execute(
        select(
            FollowUpContact.id,
            FollowUpContact.email,
            FollowUpContact.followup_key,
            FollowUpContact.sent_dt,
            TrainingSession.training_id,
            TrainingSession.start_date,
        )
        .join(TrainingSession, TrainingSession.id == FollowUpContact.session_id)
        .where(TrainingSession.training_id.in_(training_ids), FollowUpContact.email.is_not(None))
    ).all()
    invitations = db.session.execute(
        select(Invitation.id, Invitation.email, Invitation.session_id, TrainingSession.training_id)
        .join(TrainingSession, TrainingSession.id == Invitation.session_id)
        .where(
            TrainingSession.training_id.in_(training_ids),
            Invitation.is_followup_collected.is_(False),
            Invitation.sent_dt.is_not(None),
            Invitation.email.is_not(None),  # erased by `flask purge`
        )
        .order_by(TrainingSession.start_date.desc(), Invitation.id.desc())
    ).all()
    paired = _paired_contact_keys([c.followup_key for c in contacts if c.sent_dt is None])

    people: dict[tuple[int, str], list] = {}
    for contact in contacts:
        people.setdefault((contact.training_id, contact.email), []).append(contact)
    dropped: list[int] = []
    for group in people.values():
        if len(group) > 1:
            group.sort(key=lambda c: (c.sent_dt is not None, c.followup_key in paired, c.start_date, c.id))
            group.reverse()
            dropped += [c.id for c in group[1:] if c.sent_dt is None]  # never a link already sent
    if dropped:
        db.session.execute(delete(FollowUpContact).where(FollowUpContact.id.in_(dropped)))
    day = midnight_utc(now)
    for invitation in invitations:  # latest session first: a new contact is made with it
        key = (invitation.training_id, invitation.email)
        if key not in people:
            db.session.add(FollowUpContact(session_id=invitation.session_id, email=invitation.email, created_dt=day))
            people[key] = []
    if invitations:
        ids = [invitation.id for invitation in invitations]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.session.execute(
                update(Invitation).where(Invitation.id.in_(chunk)).values(is_followup_collected=True),
                execution_options={"synchronize_session": False},
            )
    db.session.flush()


def _paired_contact_keys(keys: list[str]) -> set[str]:
    """Those of these contact keys whose pairing key is on a first answer."""
    by_pairing = {pairing_key(key): key for key in keys}
    found: set[str] = set()
    pairings = list(by_pairing)
    for start in range(0, len(pairings), 500):  # bounded IN lists
        found.update(
            db.session.scalars(
                select(Response.followup_key).where(
                    Response.followup_key.in_(pairings[start : start + 500]), Response.is_followup.is_(False)
                )
            )
        )
    return {by_pairing[value] for value in found}


def claim_due_followups(plan: FollowUpPlan, now: datetime | None = None) -> list[OutgoingFollowUp]:
    """Draw a link for each contact of the due trainings not mailed yet, mark it sent; the caller commits, then sends.

    Claimed (a conditional update) and committed before sending: two runs at once cannot mail anyone twice.
    """
    if not plan.questionnaires:
        return []
    now = now or utcnow()
    due = db.session.scalars(
        select(FollowUpContact)
        .join(TrainingSession, TrainingSession.id == FollowUpContact.session_id)
        .where(
            TrainingSession.training_id.in_(list(plan.questionnaires)),
            FollowUpContact.email.is_not(None),
            FollowUpContact.sent_dt.is_(None),
        )
        .options(selectinload(FollowUpContact.session).selectinload(TrainingSession.training))
        .order_by(FollowUpContact.session_id, FollowUpContact.id)
    ).all()
    outgoing = []
    for contact in due:
        questionnaire = plan.questionnaires[contact.session.training_id]
        token = new_link_token()
        claimed = db.session.execute(
            update(FollowUpContact)
            .where(FollowUpContact.id == contact.id, FollowUpContact.sent_dt.is_(None))
            .values(sent_dt=now, token_hash=hash_token(token), questionnaire_id=questionnaire.id),
            execution_options={"synchronize_session": False},
        )
        if affected_rows(claimed) == 1:
            message = mails.followup_message(contact.session, questionnaire, contact.email, token, now)
            outgoing.append(OutgoingFollowUp(contact.id, contact.email, message))
    db.session.flush()
    return outgoing


def record_followups_sent(outgoing: list[OutgoingFollowUp], result: BatchResult) -> int:
    """What the server did not take is due again at the next run; a refused address is erased. Returns the unsent."""
    unsent = _unhandled(outgoing, result)
    if unsent:
        db.session.execute(
            update(FollowUpContact)
            .where(FollowUpContact.id.in_(unsent))
            .values(sent_dt=None, token_hash=None, questionnaire_id=None),
            execution_options={"synchronize_session": False},
        )
    refused = [outgoing[i].contact_id for i in result.refused]
    if refused:
        # No working link ever reached it: nothing to remind, nothing to keep.
        db.session.execute(
            update(FollowUpContact)
            .where(FollowUpContact.id.in_(refused))
            .values(email=None, sent_dt=None, token_hash=None, questionnaire_id=None),
            execution_options={"synchronize_session": False},
        )
    db.session.flush()
    return len(unsent)


def _unhandled(outgoing: list[OutgoingFollowUp], result: BatchResult) -> list[int]:
    handled = set(result.sent) | set(result.refused)
    return [mail.contact_id for index, mail in enumerate(outgoing) if index not in handled]


def claim_due_followup_reminders(now: datetime | None = None) -> list[OutgoingFollowUp]:
    """Mark as reminded, with a fresh link each, those mailed N days ago who have not answered; the caller commits."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["FOLLOWUP_REMINDER_AFTER_DAYS"])
    due = db.session.scalars(
        select(FollowUpContact)
        .where(
            FollowUpContact.email.is_not(None),
            FollowUpContact.is_used.is_(False),
            FollowUpContact.reminded_dt.is_(None),
            FollowUpContact.sent_dt.is_not(None),
            FollowUpContact.sent_dt <= cutoff,
        )
        .options(
            selectinload(FollowUpContact.session).selectinload(TrainingSession.training),
            selectinload(FollowUpContact.questionnaire),
        )
        .order_by(FollowUpContact.session_id, FollowUpContact.id)
    ).all()
    outgoing = []
    for contact in due:
        token = new_link_token()
        claimed = db.session.execute(
            update(FollowUpContact)
            .where(
                FollowUpContact.id == contact.id,
                FollowUpContact.reminded_dt.is_(None),
                FollowUpContact.is_used.is_(False),
            )
            .values(reminded_dt=now, reminder_token_hash=hash_token(token)),
            execution_options={"synchronize_session": False},
        )
        if affected_rows(claimed) == 1:
            message = mails.followup_reminder_message(contact.session, contact.questionnaire, contact.email, token, now)
            outgoing.append(OutgoingFollowUp(contact.id, contact.email, message))
    db.session.flush()
    return outgoing


def record_followup_reminders_sent(outgoing: list[OutgoingFollowUp], result: BatchResult) -> int:
    """Erase the address once its reminder is sent (or refused); the unsent are due again. Returns the unsent."""
    unsent = _unhandled(outgoing, result)
    if unsent:
        db.session.execute(
            update(FollowUpContact)
            .where(FollowUpContact.id.in_(unsent))
            .values(reminded_dt=None, reminder_token_hash=None),
            execution_options={"synchronize_session": False},
        )
    refused = [outgoing[i].contact_id for i in result.refused]
    if refused:
        db.session.execute(
            update(FollowUpContact)
            .where(FollowUpContact.id.in_(refused))
            .values(reminded_dt=None, reminder_token_hash=None),
            execution_options={"synchronize_session": False},
        )
    done = [outgoing[i].contact_id for i in (*result.sent, *result.refused)]
    for start in range(0, len(done), 500):
        db.session.execute(
            update(FollowUpContact).where(FollowUpContact.id.in_(done[start : start + 500])).values(email=None),
            execution_options={"synchronize_session": False},
        )
    db.session.flush()
    return len(unsent)
