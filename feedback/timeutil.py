"""Local time of the organisation (Europe/Paris by default) versus UTC storage."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(naive: datetime | None) -> datetime | None:
    """A wall-clock time typed by staff, read in the organisation's zone."""
    if naive is None:
        return None
    return naive.replace(tzinfo=local_zone()).astimezone(UTC)


def utc_to_local_naive(aware: datetime | None) -> datetime | None:
    if aware is None:
        return None
    return aware.astimezone(local_zone()).replace(tzinfo=None)
