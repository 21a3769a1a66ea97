"""With CSRF protection on, as in production: a state-changing POST needs the token of the page it came from."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Response, Role, Training
from tests.conftest import PASSWORD, form_token
from tests.htmltree import parse

pytestmark = pytest.mark.usefixtures("csrf_enabled")


def csrf_token(html: str) -> str:
    field = parse(html).find("input", name="csrf_token")
    assert field is not None and field.get("value"), "no CSRF token on the page"
    return field.get("value")


def login(client, user) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def is_logged_in(client) -> bool:
    return client.get("/scores/mine").status_code == 200


def count_trainings() -> int:
    return db.session.scalar(select(func.count(Training.id)))


def test_login_needs_the_token_of_the_login_page(client, make_user):
    user = make_user(Role.MANAGER)
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert not is_logged_in(client)

    token = csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert is_logged_in(client)


def test_creating_a_training_needs_the_token(client, make_user):
    login(client, make_user(Role.MANAGER))
    data = {"title": "Lutter contre le non-recours", "axis": "precarite-sante", "modality": "formation"}

    assert client.post("/manage/trainings/new", data=data).status_code == 400
    assert client.post("/manage/trainings/new", data={**data, "csrf_token": "forged"}).status_code == 400
    assert count_trainings() == 0

    token = csrf_token(client.get("/manage/trainings/new").get_data(as_text=True))
    assert client.post("/manage/trainings/new", data={**data, "csrf_token": token}).status_code == 302
    assert db.session.scalar(select(Training.title)) == "Lutter contre le non-recours"


def test_opening_a_session_needs_the_token(client, make_user, make_session):
    session = make_session(is_open=False)
    login(client, make_user(Role.MANAGER))

    assert client.post(f"/manage/sessions/{session.id}/open").status_code == 400
    db.session.refresh(session)
    assert session.opens_dt is None and not session.is_open

    token = csrf_token(client.get(f"/scores/sessions/{session.id}").get_data(as_text=True))
    assert client.post(f"/manage/sessions/{session.id}/open", data={"csrf_token": token}).status_code == 302
    db.session.refresh(session)
    assert session.is_open


def test_a_token_from_another_browser_session_is_refused(app, client, make_user):
    manager = make_user(Role.MANAGER)
    other_browser = app.test_client()
    login(other_browser, manager)
    stolen = csrf_token(other_browser.get("/manage/trainings/new").get_data(as_text=True))

    login(client, manager)
    data = {"title": "Formation", "axis": "regional", "modality": "formation", "csrf_token": stolen}
    assert client.post("/manage/trainings/new", data=data).status_code == 400
    assert count_trainings() == 0


def test_logging_out_needs_the_token(client, make_user):
    login(client, make_user(Role.TRAINER))
    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)

    token = csrf_token(client.get("/scores/mine").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)


def test_participants_answer_with_the_forms_own_token_and_no_staff_cookie(client, make_session):
    """The public form has its own long-lived signed token: the staff CSRF check must not refuse it."""
    session = make_session()
    page = client.get(f"/s/{session.public_code}")
    data = {"token": form_token(page.get_data(as_text=True)), "q-overall": "4", "q-liked": "Très clair"}
    posted = client.post(f"/s/{session.public_code}", data=data)
    assert posted.status_code == 303
    assert db.session.scalar(select(func.count(Response.id))) == 1
