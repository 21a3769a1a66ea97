"""Fixtures: one app and one schema per test run, emptied after each test; factories for the domain.

The same suite runs on SQLite (default, a throw-away file) and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import g, request_started
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestingConfig
from feedback import create_app
from feedback.auth.operations import create_user
from feedback.catalogue import operations
from feedback.db import db, utcnow
from feedback.extensions import limiter
from feedback.models import Axis, Modality, Role
from feedback.questionnaire_structure import clear_cache as clear_structure_cache
from feedback.survey.page_cache import clear_cached_pages

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'retours-test.sqlite'}"


class ClosingClient(FlaskClient):
    """Reads each response whole and closes it, as a real server does once it has sent it."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = ClosingClient
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
    clear_cached_pages()
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


# -- mail --------------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on (as far as the system knows right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """The aiosmtpd handler: keeps every message it accepts.

    Recipients of `refused_domains` are refused for good (550), those of `deferred_domains` for now (451, as
    greylisting does); after `close_after` messages the server answers 421 and closes, as an overloaded one does.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused_domains: set[str] = set()
        self.deferred_domains: set[str] = set()
        self.close_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain in self.refused_domains:
            return "550 5.1.1 Unknown recipient"
        if domain in self.deferred_domains:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.close_after is not None and len(self.messages) >= self.close_after:
            return "421 4.3.2 Too busy, closing"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server(app) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback, which the app sends to for the length of the test."""
    handler = SmtpServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        app.config.update(saved)
        controller.stop()


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


def run_as_another_worker(action: Callable[[], object]) -> None:
    """Run `action` in another thread and wait for it: its requests get their own app context, so their own
    database session and connection, as another worker's would. What it raises is raised here."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as failure:  # reported in the test's thread
            failures.append(failure)

    thread = threading.Thread(target=run, name="other-worker")
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the competing request is stuck (a lock held by the first one?)"
    if failures:
        raise failures[0]


@pytest.fixture
def before_insert_into(app):
    """before_insert_into(table, action): run `action` in another thread just before this thread's next INSERT into it.

    The other thread's requests get their own app context, so their own session and connection, as another worker
    would: what `action` commits lands after this request's checks and before its write, the worst moment of a race.
    """
    main_thread = threading.get_ident()
    pending: dict[str, Callable[[], object]] = {}

    def before_execute(connection, cursor, statement, parameters, context, executemany) -> None:
        if threading.get_ident() != main_thread:
            return
        table = next((name for name in pending if statement.lstrip().startswith(f"INSERT INTO {name} ")), None)
        if table is None:
            return
        run_as_another_worker(pending.pop(table))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_execute)
    yield pending.__setitem__
    event.remove(engine, "before_cursor_execute", before_execute)
    assert not pending, "the race was never run: the request wrote nothing into that table"
