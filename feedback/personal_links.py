"""Personal links as the public form sees them: an invitation's link and a follow-up contact's link.

Below the areas: the distribution creates and sends these links, the public form looks them up and spends them,
and both go through this module. Like every operations module: they change objects and flush, never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, TypeGuard

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from feedback.db import affected_rows, db, insert_unless_duplicate, table_of, utcnow
from feedback.errors import Refusal
from feedback.models import FollowUpContact, Invitation, Response, TrainingSession


class ParticipantQuestionnaire(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def is_anonymous(self) -> bool: ...
    @property
    def consent_version(self) -> int: ...


class ParticipantSession(Protocol):
    """What the participant's operations read of a session: a TrainingSession, or the public form's cached copy."""

    @property
    def id(self) -> int: ...
    @property
    def start_date(self) -> date: ...
    @property
    def questionnaire(self) -> ParticipantQuestionnaire: ...


#: The alphabet and length of `new_link_token`; anything else is not looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def new_link_token() -> str:
    """192 random bits, URL-safe: the part of a personal link that makes it personal."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_link_token(value: str | None) -> TypeGuard[str]:
    """Shaped like a token of `new_link_token`: anything else is never looked up nor carried in a page."""
    return value is not None and _TOKEN.fullmatch(value) is not None


class InvitationAlreadyUsed(Refusal):
    """A response was already stored with this personal link."""

    default_message = "Ce lien personnel a déjà servi à répondre."


def find_invitation(session: ParticipantSession, token: str | None) -> Invitation | None:
    """The invitation of this session whose invitation or reminder link carries this token; None for any other."""
    if not is_link_token(token):
        return None
    digest = hash_token(token)
    return db.session.scalar(
        select(Invitation).where(
            Invitation.session_id == session.id,
            or_(Invitation.token_hash == digest, Invitation.reminder_token_hash == digest),
        )
    )


def is_expired(invitation: Invitation, now: datetime | None = None) -> bool:
    max_age = timedelta(days=current_app.config["INVITATION_TOKEN_MAX_AGE_DAYS"])
    return invitation.sent_dt is None or invitation.sent_dt + max_age < (now or utcnow())


def use_invitation(session: ParticipantSession, token: str | None, now: datetime | None = None) -> Invitation | None:
    """Spend a personal link in the transaction of the response it brings; unknown or expired links are ignored.

    The response keeps nothing of the invitation. For an anonymous questionnaire the invitation only records that
    it was used, not when, so the two cannot be matched by their times.
    """
    now = now or utcnow()
    invitation = find_invitation(session, token)
    if invitation is None:
        return None
    if invitation.is_used:
        raise InvitationAlreadyUsed
    if is_expired(invitation, now):
        return None
    values: dict = {"is_used": True}
    if not session.questionnaire.is_anonymous:
        values["used_dt"] = now
    # Conditional: of two responses racing with the same link, only the first to commit spends it.
    spent = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.is_used.is_(False)).values(**values),
        execution_options={"synchronize_session": False},
    )
    if affected_rows(spent) != 1:
        raise InvitationAlreadyUsed
    return invitation


def pairing_key(followup_key: str) -> str:
    """What a first answer and its follow-up answer share: an HMAC of the contact's random key with the secret.

    Without the application's secret, a copy of the database cannot tell which answer goes with which contact.
    Shaped like `survey.operations.new_response_key` (32 hex digits), the random value every first answer gets.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"followup-pair:" + followup_key.encode(), hashlib.sha256).hexdigest()[:32]


def midnight_utc(moment: datetime) -> datetime:
    """Midnight UTC of the day: the time to the second would point at the response submitted just before."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def store_followup_contact(
    session: ParticipantSession, email: str, now: datetime | None = None, *, nonce: str | None = None
) -> None:
    """Keep an address for the follow-up questionnaire, apart from the answers; leaving it twice keeps one.

    `nonce` is the submission token of the response its author sent just before (the thank-you page's cookie):
    that response gets the contact's pairing key, so that the follow-up answer can be paired with it.
    """
    now = now or utcnow()
    # The same address left twice, even by two requests at once: the second writes nothing and changes nothing.
    followup_key = db.session.execute(
        insert_unless_duplicate(table_of(FollowUpContact)).returning(FollowUpContact.followup_key),
        dict(session_id=session.id, email=email, created_dt=midnight_utc(now)),
    ).scalar_one_or_none()
    if followup_key is None:
        return
    if nonce:
        db.session.execute(
            update(Response)
            .where(
                Response.submission_token == nonce,
                Response.session_id == session.id,
                Response.is_followup.is_(False),
            )
            .values(followup_key=pairing_key(followup_key)),
            execution_options={"synchronize_session": False},
        )


class FollowUpAlreadyAnswered(Refusal):
    """A follow-up answer was already stored with this personal link."""

    default_message = "Ce questionnaire de suivi a déjà reçu une réponse."


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
    return affected_rows(erased)
