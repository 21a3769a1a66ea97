"""State changes of the follow-up questionnaire (« évaluation à froid »); they flush, the caller commits.

Its e-mails are claimed here and sent through the job queue (tasks.py) by the one sender, `feedback/outbox.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from feedback.catalogue.operations import latest_published
from feedback.db import db, utcnow
from feedback.followup import mails
from feedback.followup.queries import followup_trainings_due
from feedback.models import FollowUpContact, Invitation, Questionnaire, Response, Training, TrainingSession
from feedback.outbox import MailKind, OutgoingMail, claim, claimable
from feedback.personal_links import midnight_utc, pairing_key
from feedback.timeutil import local_zone

#: The follow-up and its reminder (feedback/outbox.py): which row, link and acceptance column each uses.
FOLLOWUP = MailKind(
    FollowUpContact,
    "token_hash",
    "sent_dt",
    on_released={"token_hash": None, "questionnaire_id": None},
    # No working link ever reached it: nothing to remind, nothing to keep.
    on_refused={"email": None, "token_hash": None, "questionnaire_id": None},
)
FOLLOWUP_REMINDER = MailKind(
    FollowUpContact,
    "reminder_token_hash",
    "reminded_dt",
    on_released={"reminder_token_hash": None},
    # The address is erased once its reminder is sent or refused: it is no longer needed.
    on_sent={"email": None},
    on_refused={"email": None, "reminder_token_hash": None},
)


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
        if family is None:  # followup_trainings_due gives only trainings with a follow-up
            continue
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


def claim_due_followups(plan: FollowUpPlan, now: datetime | None = None) -> list[OutgoingMail]:
    """Claim, with a link each, the contacts of the due trainings not mailed yet; the caller commits, then sends."""
    if not plan.questionnaires:
        return []
    now = now or utcnow()
    due = db.session.scalars(
        select(FollowUpContact)
        .join(TrainingSession, TrainingSession.id == FollowUpContact.session_id)
        .where(
            TrainingSession.training_id.in_(list(plan.questionnaires)),
            FollowUpContact.email.is_not(None),
            *claimable(FOLLOWUP, now),
        )
        .options(selectinload(FollowUpContact.session).selectinload(TrainingSession.training))
        .order_by(FollowUpContact.session_id, FollowUpContact.id)
    ).all()

    def write(contact: FollowUpContact, token: str) -> EmailMessage:
        questionnaire = plan.questionnaires[contact.session.training_id]
        assert contact.email is not None  # the query keeps only contacts with an address
        return mails.followup_message(contact.session, questionnaire, contact.email, token, now)

    return claim(
        FOLLOWUP,
        due,
        now,
        write,
        values=lambda contact: {"questionnaire_id": plan.questionnaires[contact.session.training_id].id},
    )


def claim_due_followup_reminders(now: datetime | None = None) -> list[OutgoingMail]:
    """Claim, with a fresh link each, the reminders of those mailed N days ago who have not answered."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["FOLLOWUP_REMINDER_AFTER_DAYS"])
    due = db.session.scalars(
        select(FollowUpContact)
        .where(
            FollowUpContact.email.is_not(None),
            FollowUpContact.is_used.is_(False),
            *claimable(FOLLOWUP_REMINDER, now),
            FollowUpContact.sent_dt.is_not(None),
            FollowUpContact.sent_dt <= cutoff,
        )
        .options(
            selectinload(FollowUpContact.session).selectinload(TrainingSession.training),
            selectinload(FollowUpContact.questionnaire),
        )
        .order_by(FollowUpContact.session_id, FollowUpContact.id)
    ).all()
    return claim(
        FOLLOWUP_REMINDER,
        due,
        now,
        lambda c, token: mails.followup_reminder_message(c.session, c.questionnaire, c.email, token, now),
        where=(FollowUpContact.is_used.is_(False),),
    )
