"""Reads of the public form: what a participant's page needs about a session, in one row.

The form, the submit and the thank-you page each look the session up by its public code: plain frozen
values read with one Core SELECT cost half as much as three ORM objects joined-loaded, and nothing loaded
for one request can be expired or lazily reloaded by another statement.

A room of 300 phones asks for the same session hundreds of times a minute: each process keeps what it read
for SURVEY_SESSION_CACHE_SECONDS (2 s by default; 0 turns it off). Any change to a session, training or
questionnaire flushed by this process empties it at once; another worker sees the change within that delay
(a form closed by hand may take one more answer in the next 2 seconds, a new title shows 2 s later).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from feedback.db import db, utcnow
from feedback.models import Questionnaire, QuestionnaireStatus, Training, TrainingSession
from feedback.models.catalogue import form_is_open


@dataclass(frozen=True)
class PublicTraining:
    id: int
    title: str


@dataclass(frozen=True)
class PublicQuestionnaire:
    id: int
    status: QuestionnaireStatus
    created_dt: datetime
    title: str
    title_en: str
    intro: str
    intro_en: str
    consent_text: str
    consent_text_en: str
    consent_version: int
    is_anonymous: bool
    is_one_per_device: bool


@dataclass(frozen=True)
class PublicSession:
    """A session as its participants see it (same attribute names as the models, for the templates)."""

    id: int
    public_code: str
    start_date: date
    end_date: date | None
    place: str
    opens_dt: datetime | None
    closes_dt: datetime | None
    training: PublicTraining
    questionnaire: PublicQuestionnaire

    def is_open_at(self, moment: datetime) -> bool:
        return form_is_open(self.opens_dt, self.closes_dt, moment)

    @property
    def is_open(self) -> bool:
        return self.is_open_at(utcnow())


_SESSION_COLUMNS = (
    TrainingSession.id,
    TrainingSession.public_code,
    TrainingSession.start_date,
    TrainingSession.end_date,
    TrainingSession.place,
    TrainingSession.opens_dt,
    TrainingSession.closes_dt,
)
_TRAINING_COLUMNS = (Training.id, Training.title)
_QUESTIONNAIRE_COLUMNS = (
    Questionnaire.id,
    Questionnaire.status,
    Questionnaire.created_dt,
    Questionnaire.title,
    Questionnaire.title_en,
    Questionnaire.intro,
    Questionnaire.intro_en,
    Questionnaire.consent_text,
    Questionnaire.consent_text_en,
    Questionnaire.consent_version,
    Questionnaire.is_anonymous,
    Questionnaire.is_one_per_device,
)


_snapshots: dict[str, tuple[float, PublicSession]] = {}
_snapshots_lock = threading.Lock()
SNAPSHOTS_MAX = 4096


def public_session(code: str) -> PublicSession | None:
    """The session of this public code, or None (unknown codes are never cached)."""
    lifetime = current_app.config["SURVEY_SESSION_CACHE_SECONDS"]
    now = time.monotonic()
    cached = _snapshots.get(code)
    if cached is not None and now - cached[0] < lifetime:
        return cached[1]
    session = _read_public_session(code)
    if session is not None and lifetime > 0:
        with _snapshots_lock:
            if len(_snapshots) >= SNAPSHOTS_MAX:
                _snapshots.clear()
            _snapshots[code] = (now, session)
    return session


def clear_snapshots() -> None:
    with _snapshots_lock:
        _snapshots.clear()


@event.listens_for(Session, "after_flush")
def _forget_changed_sessions(session: Session, _flush_context) -> None:
    """A change to what the participant's pages show, made by this process, is seen by its next request."""
    if not _snapshots:
        return
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, TrainingSession | Training | Questionnaire):
            clear_snapshots()
            return


def _read_public_session(code: str) -> PublicSession | None:
    row = db.session.execute(
        select(*_SESSION_COLUMNS, *_TRAINING_COLUMNS, *_QUESTIONNAIRE_COLUMNS)
        .select_from(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .join(Questionnaire, Questionnaire.id == TrainingSession.questionnaire_id)
        .where(TrainingSession.public_code == code)
    ).first()
    if row is None:
        return None
    values = tuple(row)
    s, t = len(_SESSION_COLUMNS), len(_SESSION_COLUMNS) + len(_TRAINING_COLUMNS)
    own = {column.key: value for column, value in zip(_SESSION_COLUMNS, values[:s], strict=True)}
    return PublicSession(**own, training=PublicTraining(*values[s:t]), questionnaire=PublicQuestionnaire(*values[t:]))
