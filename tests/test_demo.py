"""The demo: two years of the catalogue through the real imports and submit operation, totals equal to the file's."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback.cli import DEFAULT_CATALOGUE
from feedback.db import db
from feedback.demo import load_demo
from feedback.imports.catalogue import parse_catalogue
from feedback.imports.operations import SAME, plan_catalogue
from feedback.imports.tables import read_table
from feedback.models import Attendance, Quote, QuoteStatus, Response, TrainerReview, Training, TrainingSession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def small_catalogue(tmp_path) -> Path:
    """The first actions of the report's table: enough for every kind of answer, quick to load."""
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    path = tmp_path / "activite-2025.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[:41])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _participations(year: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(TrainingSession.participants_present), 0)).where(
            TrainingSession.import_key.like(f"activite-{year}:%")
        )
    )


def test_the_demo_holds_two_years_whose_totals_are_the_catalogues(small_catalogue):
    load_demo(small_catalogue, now=NOW)
    db.session.commit()

    catalogue = parse_catalogue(read_table(small_catalogue.read_bytes(), small_catalogue.name))
    assert _participations(2025) == catalogue.participations  # the import's own total, nothing invented
    assert 0 < _participations(2024) != _participations(2025)
    # Importing the same catalogue again finds every session as the demo left it: the demo used that import.
    plan = plan_catalogue(catalogue)
    assert plan.sessions and all(change.action == SAME for change in plan.sessions)

    for year in (2024, 2025):
        first = select(func.count(Response.id)).join(TrainingSession).where(Response.is_followup.is_(False))
        assert db.session.scalar(first.where(TrainingSession.import_key.like(f"activite-{year}:%"))) > 100
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup.is_(True))) > 0
    # Every follow-up answer is paired with a first answer.
    paired = db.session.scalar(
        select(func.count(Response.id)).where(
            Response.is_followup.is_(True),
            Response.followup_key.in_(select(Response.followup_key).where(Response.is_followup.is_(False))),
        )
    )
    assert paired == db.session.scalar(select(func.count(Response.id)).where(Response.is_followup.is_(True)))
    assert db.session.scalar(select(func.count(TrainerReview.id))) > 0
    approved = select(func.count(Quote.answer_id)).where(Quote.status == QuoteStatus.APPROVED)
    assert db.session.scalar(approved) > 0

    # An attendance list for each past session whose participations the report gives, as long as that count.
    listed = db.session.execute(
        select(TrainingSession.participants_present, func.count(Attendance.person_hash))
        .join(Attendance, Attendance.session_id == TrainingSession.id)
        .group_by(TrainingSession.id, TrainingSession.participants_present)
    ).all()
    assert listed and all(present == people for present, people in listed)
    people = db.session.scalar(select(func.count(func.distinct(Attendance.person_hash))))
    visits = db.session.scalar(select(func.count()).select_from(Attendance))
    assert people < visits  # people come back, as in the report


def test_loading_the_demo_twice_adds_nothing(small_catalogue):
    load_demo(small_catalogue, now=NOW)
    db.session.commit()
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Training, TrainingSession, Response)]
    summary = load_demo(small_catalogue, now=NOW)
    db.session.commit()
    assert summary.already_loaded
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Training, TrainingSession, Response)] == (
        counts
    )
