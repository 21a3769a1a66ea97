"""Reads about the report's files: whether a scope is large enough for the job queue, the files a viewer may fetch."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, or_, select

from feedback.db import db
from feedback.models import ReportFile, Response, User
from feedback.outbox import claim_cutoff
from feedback.scope import Scope


def responses_in_scope(scope: Scope) -> int:
    """The responses a report of this scope counts (the report ignores the profile filter): one COUNT."""
    conditions = replace(scope, profile=None).response_conditions()
    return db.session.scalar(select(func.count(Response.id)).where(*conditions)) or 0


def file_for_viewer(file_id: int, viewer: User, min_answers: int, now: datetime) -> ReportFile | None:
    """The file if this viewer may fetch it: asked for by them, or by an account of the same role at the same
    disclosure threshold (the same report), and not expired. None otherwise (the page answers 404)."""
    report_file = db.session.get(ReportFile, file_id)
    if report_file is None or report_file.expires_dt <= now or report_file.min_answers != min_answers:
        return None
    if report_file.user_id != viewer.id and report_file.role != viewer.role:
        return None
    return report_file


def unclaimed_files(now: datetime) -> list[int]:
    """Pending files no live worker holds: their task was lost (a killed worker, a queue down when asked)."""
    return list(
        db.session.scalars(
            select(ReportFile.id).where(
                ReportFile.status == "pending",
                ReportFile.expires_dt > now,
                or_(ReportFile.claimed_dt.is_(None), ReportFile.claimed_dt <= claim_cutoff(now)),
            )
        )
    )
