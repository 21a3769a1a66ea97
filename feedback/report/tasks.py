"""The report's large files in the job queue: made by a worker, caught up if a worker died, deleted once expired."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from huey import crontab

from feedback.db import db, utcnow
from feedback.queue import periodic, task
from feedback.report import operations
from feedback.report.documents import report_file
from feedback.report.file_queries import unclaimed_files
from feedback.report_figures.build import build_report
from feedback.scope import Scope
from feedback.timeutil import local_zone

logger = logging.getLogger(__name__)


def prepare_file(file_id: int) -> None:
    """Claim (and commit), build, store (and commit). A second task for the same file finds it claimed or made;
    a worker killed in between leaves a claim that expires (QUEUE_CLAIM_SECONDS): the catch-up makes it again."""
    claimed = operations.claim_file(file_id, utcnow())
    db.session.commit()
    if claimed is None:
        return
    scope = Scope.from_args(json.loads(claimed.scope_args))
    try:
        report = build_report(scope, min_answers=claimed.min_answers)
        content, title, rows = report_file(report, claimed.file_format, today=datetime.now(local_zone()).date())
    except Exception:
        logger.exception("report file %s could not be made", file_id)
        db.session.rollback()
        operations.fail_file(claimed)
        db.session.commit()
        return
    operations.store_file(claimed, content, title, rows, utcnow())
    db.session.commit()


@task()
def prepare_report_file(file_id: int) -> None:
    """Enqueued by the download link of a large scope, once the request for the file is committed."""
    prepare_file(file_id)


@periodic(crontab(minute="*"))
def catch_up_report_files() -> None:
    """Files whose task was lost are made; expired ones are deleted."""
    now = utcnow()
    file_ids = unclaimed_files(now)
    db.session.rollback()
    for file_id in file_ids:
        prepare_file(file_id)
    if operations.delete_expired_files(now):
        db.session.commit()
    else:
        db.session.rollback()
