"""Comments submitted through the real public form, so that their analysis is stored as in production."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from feedback.db import db
from feedback.models import Answer, Axis, CommentAnalysis, Department, Modality, Role
from tests.queue_helpers import queue_file  # noqa: F401  (the queue on a file: tasks wait for a worker)


@pytest.fixture
def comment(answer_form):
    """Submit one response with comments; return the answer id of each comment given, by question code."""

    def submit(
        session,
        liked: str | None = None,
        *,
        improve: str | None = None,
        wishes: str | None = None,
        overall: str = "4",
        consent: bool = True,
        profile: str | None = None,
    ) -> dict[str, int]:
        data = {"q-overall": overall}
        texts = {"liked": liked, "improve": improve, "wishes": wishes}
        data.update({f"q-{code}": text for code, text in texts.items() if text is not None})
        if consent:
            data["consent"] = "yes"
        if profile:
            data["q-profile"] = profile
        assert answer_form(session, data).status_code == 303
        ids = {}
        for code, text in texts.items():
            if text is not None:
                ids[code] = db.session.scalar(select(Answer.id).where(Answer.text == text).order_by(Answer.id.desc()))
        return ids

    return submit


def analysis_of(answer_id: int) -> CommentAnalysis:
    db.session.expire_all()
    return db.session.get(CommentAnalysis, answer_id)


@pytest.fixture
def every_comment_disclosed(app, monkeypatch):
    """For tests that follow the workflow on sessions of a few responses: the disclosure rule, which would withhold
    their comments, is tested in tests/test_disclosure.py."""
    monkeypatch.setitem(app.config, "MIN_ANSWERS_FOR_RATE", 1)


@pytest.fixture
def staff(make_user, auth):
    """A communication account, logged in."""
    user = make_user(Role.COMMUNICATION)
    user.name = "Camille Com"
    db.session.commit()
    auth.login(user)
    return user


@pytest.fixture
def droit(make_training, make_session):
    training = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    return make_session(training, start_date=date(2025, 3, 10), department=Department.ESSONNE)
