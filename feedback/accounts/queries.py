"""Reads of the account pages: accounts with their invitation state, and the audit log, filtered and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from feedback.db import db
from feedback.models import AccountToken, AuditEvent, TokenPurpose, User

AUDIT_PER_PAGE = 50


@dataclass(frozen=True)
class AccountRow:
    user: User
    #: Invited and no password chosen yet; `invitation_expires` says until when the latest link works.
    pending: bool
    invitation_expires: datetime | None


def account_rows() -> list[AccountRow]:
    """Every account, admins first then by address; one GROUP BY for the invitations."""
    links = (
        select(
            AccountToken.user_id,
            func.max(AccountToken.expires_dt).filter(AccountToken.purpose == TokenPurpose.INVITATION).label("expires"),
            func.count(AccountToken.id).filter(AccountToken.purpose == TokenPurpose.INVITATION).label("invitations"),
            func.count(AccountToken.used_dt).label("used"),
        )
        .group_by(AccountToken.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, links.c.expires, links.c.invitations, links.c.used)
        .outerjoin(links, links.c.user_id == User.id)
        .order_by(User.role, User.email)
    ).all()
    result = []
    for user, expires, invitations, used in rows:
        pending = bool(invitations) and not used
        result.append(AccountRow(user, pending, expires if pending else None))
    return result


@dataclass(frozen=True)
class AuditPage:
    events: list[tuple[AuditEvent, str | None]]
    page: int
    pages: int
    total: int


def audit_page(*, user_id: int | None, action: str | None, page: int) -> AuditPage:
    """Newest first, AUDIT_PER_PAGE a page, with the acting account's address."""
    conditions = []
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if action:
        conditions.append(AuditEvent.action == action)
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    page = min(max(page, 1), pages)
    events = db.session.execute(
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(*conditions)
        .order_by(AuditEvent.created_dt.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PER_PAGE)
        .offset((page - 1) * AUDIT_PER_PAGE)
    ).all()
    return AuditPage([(event, email) for event, email in events], page, pages, total)


def audit_actions() -> list[str]:
    """Actions found in the log, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def user_choices() -> list[tuple[int, str]]:
    return [(user_id, email) for user_id, email in db.session.execute(select(User.id, User.email).order_by(User.email))]
