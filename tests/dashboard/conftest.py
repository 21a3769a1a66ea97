"""The scores' fixture: a small centre whose every figure is worked out by hand in the tests."""

from __future__ import annotations

import secrets
from datetime import date

import pytest

from feedback.db import db, utcnow
from feedback.models import Axis, Department, Modality, Response


def add_responses(session, levels, profiles=None):
    profiles = profiles or [None] * len(levels)
    for level, profile in zip(levels, profiles, strict=True):
        db.session.add(
            Response(
                session_id=session.id,
                session_date=session.start_date,
                questionnaire_id=session.questionnaire_id,
                submitted_dt=utcnow(),
                submission_token=secrets.token_hex(12),
                overall_level=level,
                profile=profile,
            )
        )
    db.session.commit()


@pytest.fixture
def centre(make_training, make_session, make_speaker):
    """Two trainings, five sessions over 2024-2025, two speakers, 19 responses (see each test's arithmetic)."""
    t1 = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    t2 = make_training("Webinaire QPV", Axis.CITY_POLICY, Modality.WEBINAR)
    a, b = make_speaker("Aïcha Benali"), make_speaker("Bruno Lefèvre")
    s1 = make_session(t1, start_date=date(2025, 3, 10), department=Department.ESSONNE, present=10, speakers=[a])
    s2 = make_session(t1, start_date=date(2025, 7, 1), department=Department.VAL_DE_MARNE, speakers=[a, b])
    s3 = make_session(t2, start_date=date(2025, 3, 20), department=Department.ESSONNE, present=8, speakers=[b])
    s4 = make_session(t2, start_date=date(2024, 5, 5), department=Department.ESSONNE, present=5, speakers=[b])
    s5 = make_session(t1, start_date=date(2025, 11, 2), present=12)
    add_responses(s1, [4, 4, 3, 2, 1], ["association", "association", "elu", "elu", None])
    add_responses(s2, [4, 3, 3])
    add_responses(s3, [1, 2, 4, 4, 4, None])
    add_responses(s4, [4, 4, 4, 4, 4])
    return {"t1": t1, "t2": t2, "a": a, "b": b, "sessions": (s1, s2, s3, s4, s5)}
