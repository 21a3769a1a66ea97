"""Local time of the organisation (Europe/Paris by default) versus UTC storage."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
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


def _moment_or_now(_ctx, _param, text: str | None) -> datetime:
    from feedback.db import utcnow

    if text is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("date ISO 8601 attendue, par exemple 2026-03-12T09:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


#: `--now` for the cron commands: the clock moved by tests (hidden; ISO 8601, UTC unless a zone is given).
now_option = click.option(
    "--now",
    "now",
    default=None,
    hidden=True,
    callback=_moment_or_now,
    help="Moment (ISO 8601, UTC by default) used instead of the clock; for tests.",
)
