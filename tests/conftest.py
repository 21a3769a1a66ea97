"""Fixtures: one app and one schema per test run, emptied after each test; factories for the domain.

The same suite runs on SQLite (default, a throw-away file) and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import g, request_started
from sqlalchemy import text

from config import TestingConfig
from feedback import create_app
from feedback.auth.operations import create_user
from feedback.db import db, utcnow
from feedback.extensions import limiter
from feedback.survey.structure import clear_cache as clear_structure_cache
from feedback.manage import operations
from feedback.models import Axis, Modality, Role

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'retours-test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/analysis/" in str(item.path) or item.path.name.startswith("test_pure_"):
            item.add_marker(pytest.mark.pure)


@pytest.fixture(autouse=True)
def _app_context(request) -> Iterator[None]:
    """Each test runs inside an app context and leaves the database empty (pure tests get no app)."""
    if request.node.get_closest_marker("pure"):
        yield
        return
    app = request.getfixturevalue("app")
    limiter.reset()  # counters of one test never leak into the next
    clear_structure_cache()
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture(autouse=True)
def _fresh_request_globals(request) -> Iterator[None]:
    """Each request starts with an empty `g`, as in production.

    The test's app context is reused by every request of the test client, so without this `g` would carry the
    logged-in user (Flask-Login), the CSRF token (Flask-WTF) and the locale (Flask-Babel) from one request, or
    one client, to the next: a deactivated account would stay logged in, a participant would be the manager.
    """
    if request.node.get_closest_marker("pure"):
        yield
        return
    app = request.getfixturevalue("app")

    def clear_globals(sender, **extra) -> None:
        for name in list(g):
            g.pop(name)

    request_started.connect(clear_globals, app, weak=False)
    yield
    request_started.disconnect(clear_globals, app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_enabled(app):
    """Turn Flask-WTF's CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# -- factories ---------------------------------------------------------------------------------------------------


@pytest.fixture
def make_user():
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.MANAGER, email: str | None = None, password: str = PASSWORD):
        user = create_user(email or f"{role.value}{next(counter)}@example.org", role, password)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_speaker():
    def make(name: str = "Camille Martin", user=None, organisation: str = "Centre"):
        speaker = operations.create_speaker(name=name, organisation=organisation, user=user)
        db.session.commit()
        return speaker

    return make


@pytest.fixture
def make_training():
    def make(
        title: str = "Droit des étrangers",
        axis: Axis = Axis.LANGUAGE_INTEGRATION,
        modality: Modality = Modality.TRAINING,
    ):
        training = operations.create_training(title=title, axis=axis, modality=modality)
        db.session.commit()
        return training

    return make


@pytest.fixture
def make_session(make_training):
    def make(
        training=None,
        *,
        speakers=(),
        is_open: bool = True,
        present: int | None = None,
        start_date: date | None = None,
        **fields,
    ):
        training = training or make_training()
        session = operations.create_session(
            training,
            start_date=start_date or date.today(),
            speakers=list(speakers),
            participants_present=present,
            **fields,
        )
        if is_open:
            operations.open_session(session, now=utcnow() - timedelta(minutes=5))
        db.session.commit()
        return session

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = PASSWORD):
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "login failed"
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


# -- the public form ---------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


def form_token(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no token in the form"
    return match.group(1)


@pytest.fixture
def answer_form(client):
    """GET a session's form, then POST answers with the token the page carried."""

    def answer(session, answers: dict[str, str | list[str]], *, follow: bool = False, headers=None):
        page = client.get(f"/s/{session.public_code}")
        assert page.status_code == 200
        data = {"token": form_token(page.get_data(as_text=True)), **answers}
        return client.post(f"/s/{session.public_code}", data=data, follow_redirects=follow, headers=headers or {})

    return answer
