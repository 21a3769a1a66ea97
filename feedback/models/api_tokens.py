"""Personal access tokens of the JSON API (/api/v1/)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db import Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from feedback.models.users import User


class ApiToken(Model):
    """A token an account made for a script (`Authorization: Bearer rt_…`): it acts with the account's role.

    Only the SHA-256 of the token is stored (a copy of the database opens nothing): a request is matched by that
    hash through the unique index, never by comparing secrets one by one. `prefix` (the first characters, public)
    tells the tokens apart in the list. A revoked or expired token opens nothing, and neither does any token of a
    deactivated account.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the account called it ("site web", "Power BI").
    name: Mapped[str] = mapped_column(String(100))
    #: The token's first characters ("rt_ab12cd34"), shown in the list; not a secret.
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the whole token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None: never expires.
    expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Recorded at most once a minute (a script polling every second writes no row per call).
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable_at(self, moment: datetime) -> bool:
        if self.revoked_dt is not None:
            return False
        return self.expires_dt is None or moment < self.expires_dt

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"
