"""The one way invitations and follow-ups leave: claim in the database, commit, send, record each message, commit.

Four kinds of mail go this way (the invitation, its reminder, the follow-up, its reminder); each is a `MailKind`:
which row, which link column, which column records the SMTP server's acceptance, and what a refusal changes.

- **Claim**: a conditional update sets `claimed_dt` and the hash of a fresh link on a row whose mail is not recorded
  and not claimed (or whose claim is older than QUEUE_CLAIM_SECONDS: its worker died). Committed before any e-mail
  leaves: two workers at once never claim the same row.
- **Record**: each message is recorded (and committed) as soon as the SMTP server answered for it. A worker killed
  mid-batch leaves at most the one message in flight unrecorded; everything else is either recorded (never sent
  again) or still claimed (sent again once its claim has expired: at least once).
- What the server did not take (down, greylisting, a batch cut short) is released and due again at the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import or_, update

from feedback.db import affected_rows, db, utcnow
from feedback.mail import BatchResult, send_batch
from feedback.personal_links import hash_token, new_link_token

#: Messages sent over one SMTP connection (servers often cap a connection at 100).
MAIL_BATCH = 50


@dataclass(frozen=True)
class OutgoingMail:
    """One claimed e-mail: the row it is for (an invitation or a follow-up contact), its address and message."""

    row_id: int
    email: str
    message: EmailMessage


@dataclass(frozen=True)
class MailKind:
    model: Any
    #: The column holding the hash of the link this mail carries.
    token_column: str
    #: The column recording when the SMTP server accepted the mail.
    done_column: str
    #: Values written when the mail is released unsent (its link reached nobody).
    on_released: dict = field(default_factory=dict)
    #: Values written with the acceptance (e.g. an address no longer needed is erased).
    on_sent: dict = field(default_factory=dict)
    #: Values written when the server refuses the address for good (None: the row is deleted).
    on_refused: dict | None = None
    #: A refusal is recorded as the mail done (never tried again), `on_refused` being ignored.
    is_refusal_done: bool = False


def claim_cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["QUEUE_CLAIM_SECONDS"])


def claimable(kind: MailKind, now: datetime):
    """The condition of a row whose mail is neither recorded nor claimed by a live worker."""
    model = kind.model
    return (
        getattr(model, kind.done_column).is_(None),
        or_(model.claimed_dt.is_(None), model.claimed_dt <= claim_cutoff(now)),
    )


def claim(
    kind: MailKind,
    rows: Sequence,
    now: datetime,
    write: Callable[[Any, str], EmailMessage],
    *,
    values: Callable[[Any], dict] | None = None,
    where: tuple = (),
) -> list[OutgoingMail]:
    """Claim each row with a fresh link (conditionally: a row claimed meanwhile is skipped); flushes, the caller
    commits before sending. `write(row, token)` makes the message; `values(row)` adds columns to the claim."""
    model = kind.model
    outgoing = []
    for row in rows:
        token = new_link_token()
        claimed = db.session.execute(
            update(model)
            .where(model.id == row.id, *claimable(kind, now), *where)
            .values(claimed_dt=now, **{kind.token_column: hash_token(token)}, **(values(row) if values else {})),
            execution_options={"synchronize_session": False},
        )
        if affected_rows(claimed) == 1:
            outgoing.append(OutgoingMail(row.id, row.email, write(row, token)))
    db.session.flush()
    return outgoing


def record(kind: MailKind, outgoing: Sequence[OutgoingMail], result: BatchResult, now: datetime | None = None) -> None:
    """Record what the server did with claimed mail: accepted, refused for good, or not taken (released)."""
    now = now or utcnow()
    model = kind.model
    sent = [outgoing[i].row_id for i in result.sent]
    refused = [outgoing[i].row_id for i in result.refused]
    handled = set(result.sent) | set(result.refused)
    released = [mail.row_id for index, mail in enumerate(outgoing) if index not in handled]

    def write(ids: list[int], values: dict) -> None:
        for start in range(0, len(ids), 500):  # bounded IN lists
            db.session.execute(
                update(model).where(model.id.in_(ids[start : start + 500])).values(**values),
                execution_options={"synchronize_session": False},
            )

    write(sent, {kind.done_column: now, "claimed_dt": None, **kind.on_sent})
    write(released, {"claimed_dt": None, **kind.on_released})
    if kind.is_refusal_done:
        write(refused, {kind.done_column: now, "claimed_dt": None})
    elif kind.on_refused is None:
        for row_id in refused:
            row = db.session.get(model, row_id)
            if row is not None:
                db.session.delete(row)
    else:
        write(refused, {"claimed_dt": None, **kind.on_refused})
    db.session.flush()
    db.session.expire_all()


def send_claimed(kind: MailKind, outgoing: Sequence[OutgoingMail], now: datetime | None = None) -> BatchResult:
    """Send claimed mail by batches of one SMTP connection each, recording and committing each message's fate.

    Stops at the first failure of the server itself: what is left is released, due again at the next run.
    """
    result = BatchResult()
    for start in range(0, len(outgoing), MAIL_BATCH):
        batch = list(outgoing[start : start + MAIL_BATCH])

        def after_each(index: int, outcome: str, batch=batch, start=start) -> None:
            one = BatchResult()
            getattr(one, outcome).append(0)
            record(kind, [batch[index]], one, now)
            db.session.commit()
            getattr(result, outcome).append(start + index)

        batch_result = send_batch([mail.message for mail in batch], after_each=after_each)
        if batch_result.error:
            result.error = batch_result.error
            handled = set(batch_result.sent) | set(batch_result.refused) | set(batch_result.deferred)
            rest = [mail for index, mail in enumerate(batch) if index not in handled]
            record(kind, rest + list(outgoing[start + MAIL_BATCH :]), BatchResult())
            db.session.commit()
            break
    return result
