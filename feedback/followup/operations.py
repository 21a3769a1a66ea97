"""State changes of the follow-up questionnaire (« évaluation à froid »); they flush, the caller commits.

Its e-mails are claimed here and sent through the job queue (tasks.py) by the one sender, `feedback/outbox.py`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from feedback.db import db, utcnow
from feedback.followup import mails
from feedback.followup.queries import followup_trainings_due
from feedback.links import hash_token, is_link_token
from feedback.manage.operations import latest_published
from feedback.models import FollowUpContact, Invitation, Questionnaire, Response, Training, TrainingSession
from feedback.outbox import MailKind, OutgoingMail, claim, claimable
from feedback.survey.forms import ParsedSurvey
from feedback.survey.operations import submit_response
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


def pairing_key(followup_key: str) -> str:
    """What a first answer and its follow-up answer share: an HMAC of the contact's random key with the secret.

    Without the application's secret, a copy of the database cannot tell which answer goes with which contact.
    Shaped like `survey.operations.new_response_key` (32 hex digits), the random value every first answer gets.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"followup-pair:" + followup_key.encode(), hashlib.sha256).hexdigest()[:32]


def _day(moment: datetime) -> datetime:
    """Midnight UTC of the day: the time to the second would point at the response submitted just before."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def store_followup_contact(
    session: TrainingSession, email: str, now: datetime | None = None, *, nonce: str | None = None
) -> None:
    """Keep an address for the follow-up questionnaire, apart from the answers; leaving it twice keeps one.

    `nonce` is the submission token of the response its author sent just before (the thank-you page's cookie):
    that response gets the contact's pairing key, so that the follow-up answer can be paired with it.
    """
    now = now or utcnow()
    exists = db.session.scalar(
        select(FollowUpContact.id).where(FollowUpContact.session_id == session.id, FollowUpContact.email == email)
    )
    if exists is not None:
        return
    contact = FollowUpContact(session_id=session.id, email=email, created_dt=_day(now))
    db.session.add(contact)
    try:
        db.session.flush()
    except IntegrityError:
        # The same address sent twice at once: the other request stored it (it is this request's only write).
        db.session.rollback()
        return
    if nonce:
        db.session.execute(
            update(Response)
            .where(
                Response.submission_token == nonce,
                Response.session_id == session.id,
                Response.is_followup.is_(False),
            )
            .values(followup_key=pairing_key(contact.followup_key)),
            execution_options={"synchronize_session": False},
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
    day = _day(now)
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


def erase_followup_emails(now: datetime | None = None) -> int:
    """Erase the addresses no longer needed: answered, reminded, or left longer ago than the retention period.

    The contact keeps its random key (and the hashes of its links, which still open the follow-up).
    """
    now = now or utcnow()
    retention = now - timedelta(days=current_app.config["FOLLOWUP_RETENTION_DAYS"])
    erased = db.session.execute(
        update(FollowUpContact)
        .where(
            FollowUpContact.email.is_not(None),
            or_(
                FollowUpContact.is_used.is_(True),
                FollowUpContact.reminded_dt.is_not(None),
                FollowUpContact.created_dt <= retention,
            ),
        )
        .values(email=None),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    return erased.rowcount


# -- the follow-up's personal link -------------------------------------------------------------------------------


class FollowUpAlreadyAnswered(Exception):
    """A follow-up answer was already stored with this personal link."""


def find_followup_contact(token: str | None) -> FollowUpContact | None:
    """The contact whose follow-up or reminder link carries this token; None for anything else. Spends nothing."""
    if not is_link_token(token):
        return None
    digest = hash_token(token)
    return db.session.scalar(
        select(FollowUpContact)
        .where(
            FollowUpContact.questionnaire_id.is_not(None),
            or_(FollowUpContact.token_hash == digest, FollowUpContact.reminder_token_hash == digest),
        )
        .options(
            joinedload(FollowUpContact.session).joinedload(TrainingSession.training),
            joinedload(FollowUpContact.questionnaire),
        )
    )


def is_followup_link_expired(contact: FollowUpContact, now: datetime | None = None) -> bool:
    """Both links work until FOLLOWUP_LINK_MAX_AGE_DAYS after the last e-mail (the reminder, if any)."""
    last_mail = contact.reminded_dt or contact.sent_dt
    max_age = timedelta(days=current_app.config["FOLLOWUP_LINK_MAX_AGE_DAYS"])
    return last_mail is None or last_mail + max_age < (now or utcnow())


def submit_followup(contact: FollowUpContact, parsed: ParsedSurvey, nonce: str) -> int:
    """Store the follow-up answer, paired with the first one by key, and spend the link; the caller commits.

    Raises AlreadySubmitted for a replay of the same form (the answer is stored), FollowUpAlreadyAnswered when
    the link was spent by another answer. The address is erased in the same transaction: it is no longer needed.
    """
    try:
        response_id = submit_response(
            contact.session,
            parsed,
            nonce,
            questionnaire=contact.questionnaire,
            followup_key=pairing_key(contact.followup_key),
        )
    except IntegrityError:
        # Another answer with this key won the race (UNIQUE followup_key, is_followup); already rolled back.
        raise FollowUpAlreadyAnswered from None
    # Conditional: of two answers racing with the same link, only the first to commit spends it.
    spent = db.session.execute(
        update(FollowUpContact)
        .where(FollowUpContact.id == contact.id, FollowUpContact.is_used.is_(False))
        .values(is_used=True, email=None),
        execution_options={"synchronize_session": False},
    )
    if spent.rowcount != 1:
        raise FollowUpAlreadyAnswered
    return response_id
