"""What the database itself guarantees, whatever the code above it does, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from feedback.db import db, utcnow
from feedback.models import Response
from tests.conftest import form_token


def _response_row(session, token):
    return {
        "session_id": session.id,
        "session_date": session.start_date,
        "questionnaire_id": session.questionnaire_id,
        "submitted_dt": utcnow(),
        "submission_token": token,
    }


def test_the_dedup_key_is_not_null_and_unique_in_the_database(make_session):
    session = make_session()
    db.session.execute(insert(Response.__table__), _response_row(session, "nonce-of-the-form"))
    db.session.commit()
    for token in ("nonce-of-the-form", None):  # a replay, then a key left empty: both refused by the database
        with pytest.raises(IntegrityError):
            db.session.execute(insert(Response.__table__), _response_row(session, token))
            db.session.commit()
        db.session.rollback()
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_400_participants_answering_within_a_minute_are_all_stored(app, make_session):
    """A conference room: 400 phones, 8 at a time, each opening the form then sending it; 400 rows, no error."""
    session = make_session()
    url = f"/s/{session.public_code}"

    def participant(number: int) -> int:
        phone = app.test_client()
        token = form_token(phone.get(url).get_data(as_text=True))
        answers = {"token": token, "q-overall": str(number % 4 + 1), "q-liked": f"Commentaire {number}"}
        return phone.post(url, data=answers).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(participant, range(400)))
    elapsed = time.monotonic() - started
    db.session.rollback()
    assert statuses == [303] * 400
    assert db.session.scalar(select(func.count(Response.id)).where(Response.session_id == session.id)) == 400
    assert elapsed < 60, f"{elapsed:.1f} s"
