"""Staff accounts' one-time links (invitation, password reset) and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from feedback.models.users import User


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(Model):
    """A link sent by e-mail to choose a password: an admin's invitation, or a "forgot password" request.

    Only the SHA-256 of the token is stored (a copy of the database gives no working link); the link works once
    (`used_dt`), until `expires_dt`, and a newer link of the same purpose makes the older ones unusable.
    """

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, 12))
    #: SHA-256 (hex) of the token in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the password was chosen with it, or when it was made unusable (newer link, deactivation).
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The admin who sent the invitation; none for a reset asked for by the person.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEvent(Model):
    """Who did what, when, to which object: exports, questionnaires, quotes, accounts, purges.

    `details` never holds participant text (answers, comments, quotes): ids, formats, filters, statuses, roles.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_created_dt", "action", "created_dt"),
        Index("ix_audit_events_user_id_created_dt", "user_id", "created_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The staff account that acted; none for a command run from the server (purge...).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Dotted and stable, e.g. "export.download", "questionnaire.publish", "quote.status", "account.invite".
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
