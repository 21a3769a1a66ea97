"""What the demo holds once loaded: counts of demo rows, and the demo logins still valid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from feedback.db import db
from feedback.demo.catalogue import demo_key
from feedback.demo.people import DEMO_ACCOUNTS, DEMO_SPEAKERS, DemoLogin
from feedback.demo.settings import DEMO_PASSWORD, OPEN_SESSION_KEY
from feedback.models import (
    Response,
    Speaker,
    Training,
    TrainingSession,
    User,
)


@dataclass
class DemoSummary:
    """What the demo holds once loaded (counts of demo rows in the database, not only those just added)."""

    trainings: int
    sessions: int
    speakers: int
    responses: int
    logins: list[DemoLogin]
    open_session_code: str | None
    already_loaded: bool
    participations: int = 0


def demo_summary(*, already_loaded: bool = True, new_accounts: frozenset[str] = frozenset()) -> DemoSummary:
    """Counts of the demo rows present; logins listed only while they still have the demo password.

    `new_accounts` were just created with it, which spares their (slow, scrypt) password check.
    """
    demo_sessions = select(TrainingSession.id).where(
        or_(demo_key(TrainingSession.import_key), TrainingSession.import_key == OPEN_SESSION_KEY)
    )
    users = db.session.scalars(select(User).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS]))).all()
    by_email = {u.email: u for u in users}
    logins = [
        DemoLogin(email, role, DEMO_PASSWORD)
        for email, role, _name in DEMO_ACCOUNTS
        if email in by_email and (email in new_accounts or by_email[email].check_password(DEMO_PASSWORD))
    ]
    return DemoSummary(
        trainings=db.session.scalar(select(func.count(Training.id)).where(demo_key(Training.import_key))) or 0,
        sessions=db.session.scalar(select(func.count()).select_from(demo_sessions.subquery())) or 0,
        speakers=db.session.scalar(
            select(func.count(Speaker.id)).where(Speaker.email.in_([s.email for s in DEMO_SPEAKERS]))
        )
        or 0,
        responses=db.session.scalar(select(func.count(Response.id)).where(Response.session_id.in_(demo_sessions))) or 0,
        logins=logins,
        open_session_code=db.session.scalar(
            select(TrainingSession.public_code).where(TrainingSession.import_key == OPEN_SESSION_KEY)
        ),
        already_loaded=already_loaded,
        participations=db.session.scalar(
            select(func.coalesce(func.sum(TrainingSession.participants_present), 0)).where(
                demo_key(TrainingSession.import_key)
            )
        )
        or 0,
    )
