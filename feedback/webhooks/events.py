"""The events other areas announce (feedback/signals.py), turned into deliveries in the same transaction.

After the commit that stores them, the job queue is asked to deliver them (`after_commit` below); if that request
is lost, the periodic run of tasks.py finds them all the same.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from feedback import signals
from feedback.webhooks.operations import PENDING_KEY, queue_event

logger = logging.getLogger(__name__)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _response_submitted(sender, **values) -> None:
    # Ids and scores only: no free text ever leaves by webhook.
    queue_event(
        "response.submitted",
        {
            "response_id": values["response_id"],
            "session_id": values["session_id"],
            "questionnaire_id": values["questionnaire_id"],
            "submitted_at": _iso(values["submitted_dt"]),
            "overall_level": values["overall_level"],
            "recommendation": values["recommendation"],
            "is_followup": values["is_followup"],
        },
    )


def _session_opened(sender, **values) -> None:
    queue_event("session.opened", {"session_id": values["session_id"], "opened_at": _iso(values["at"])})


def _session_closed(sender, **values) -> None:
    queue_event("session.closed", {"session_id": values["session_id"], "closed_at": _iso(values["at"])})


def _quote_approved(sender, **values) -> None:
    queue_event("quote.approved", {"answer_id": values["answer_id"]})


def _import_completed(sender, **values) -> None:
    queue_event("import.completed", {"kind": values["kind"], "summary": dict(values["summary"])})


def _after_commit(session: Session) -> None:
    if not session.info.pop(PENDING_KEY, False):
        return
    from feedback.webhooks.tasks import deliver_due

    try:
        deliver_due()
    except Exception:  # the queue's storage is down: the periodic run delivers them once it is back
        logger.exception("webhook deliveries not enqueued")


def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


def connect() -> None:
    signals.response_submitted.connect(_response_submitted, weak=False)
    signals.session_opened.connect(_session_opened, weak=False)
    signals.session_closed.connect(_session_closed, weak=False)
    signals.quote_approved.connect(_quote_approved, weak=False)
    signals.import_completed.connect(_import_completed, weak=False)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
