"""The report files the job queue prepares: asked for, claimed by a worker, stored, failed, expired."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from feedback.db import db
from feedback.models import ReportFile, User
from feedback.outbox import claim_cutoff
from feedback.scope import Scope


def scope_key(scope: Scope) -> str:
    """The scope as stored: its URL parameters in a fixed order (the same scope, the same text)."""
    return json.dumps(scope.to_args(), sort_keys=True, ensure_ascii=False)


def request_file(
    user: User, file_format: str, scope: Scope, min_answers: int, now: datetime
) -> tuple[ReportFile, bool]:
    """The file for this request: the same person's file of this format, scope and threshold if one is still
    pending or ready (a second click, a reload: no second job), else a new one. Returns (file, created)."""
    key = scope_key(scope)
    existing = db.session.scalar(
        select(ReportFile)
        .where(
            ReportFile.user_id == user.id,
            ReportFile.file_format == file_format,
            ReportFile.min_answers == min_answers,
            ReportFile.scope_args == key,
            ReportFile.status != "failed",
            ReportFile.expires_dt > now,
        )
        .order_by(ReportFile.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing, False
    hours = current_app.config["REPORT_FILE_HOURS"]
    report_file = ReportFile(
        user_id=user.id,
        role=user.role,
        file_format=file_format,
        scope_args=key,
        min_answers=min_answers,
        status="pending",
        created_dt=now,
        expires_dt=now + timedelta(hours=hours),
    )
    db.session.add(report_file)
    db.session.flush()
    return report_file, True


def claim_file(file_id: int, now: datetime) -> ReportFile | None:
    """Take a pending file for this worker: none if it is made already, or in the hands of a live worker."""
    claimed = db.session.execute(
        update(ReportFile)
        .where(
            ReportFile.id == file_id,
            ReportFile.status == "pending",
            ReportFile.expires_dt > now,
            or_(ReportFile.claimed_dt.is_(None), ReportFile.claimed_dt <= claim_cutoff(now)),
        )
        .values(claimed_dt=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(ReportFile, file_id, populate_existing=True)


def store_file(report_file: ReportFile, content: bytes, title: str, rows: int, now: datetime) -> None:
    report_file.content, report_file.title, report_file.rows = content, title, rows
    report_file.status, report_file.ready_dt = "ready", now


def fail_file(report_file: ReportFile) -> None:
    """The report could not be made (logged by the caller): the page says so and offers to ask again."""
    report_file.status = "failed"


def delete_expired_files(now: datetime) -> int:
    result = db.session.execute(delete(ReportFile).where(ReportFile.expires_dt <= now))
    return result.rowcount or 0  # type: ignore[attr-defined]
