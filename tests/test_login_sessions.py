"""Logins end on the server: a copy of a cookie taken before logging out opens nothing afterwards, and « Se
déconnecter partout » ends the account's logins on every device (a new password and deactivation too: see
tests/test_accounts.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from feedback.auth.operations import load_logged_in_user, start_login_session
from feedback.db import db, utcnow
from feedback.models import LoginSession, Role
from tests.conftest import PASSWORD
from tests.htmltree import parse

STAFF_PAGE = "/manage/trainings"


def sent_to_login(page) -> bool:
    return page.status_code == 302 and urlsplit(page.headers["Location"]).path == "/login"


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def browser_with(app, cookies: dict[str, str]):
    """Another browser (an attacker's) into which the copied cookies were pasted."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def log_in(client, user, *, remember: bool = False) -> None:
    data = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=data).status_code == 302


def open_logins(user) -> int:
    return db.session.scalar(select(func.count(LoginSession.id)).where(LoginSession.user_id == user.id))


@pytest.mark.parametrize("remember", [False, True], ids=["session-cookie", "remember-me"])
def test_a_cookie_copied_before_logout_gets_the_login_page_afterwards(app, client, make_user, remember):
    user = make_user(Role.MANAGER)
    log_in(client, user, remember=remember)
    assert client.get(STAFF_PAGE).status_code == 200
    copied = cookies_of(client)
    assert ("remember_token" in copied) == remember
    assert browser_with(app, copied).get(STAFF_PAGE).status_code == 200  # the copy works while the login lasts

    assert sent_to_login(client.post("/logout"))

    assert sent_to_login(client.get(STAFF_PAGE))
    assert sent_to_login(browser_with(app, copied).get(STAFF_PAGE))
    if remember:  # the "remember me" cookie alone (the browser was closed) opens nothing either
        assert sent_to_login(browser_with(app, {"remember_token": copied["remember_token"]}).get(STAFF_PAGE))
    assert open_logins(user) == 0


def test_logout_deletes_the_remember_me_cookie_of_the_browser(client, make_user):
    log_in(client, make_user(Role.MANAGER), remember=True)
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    assert client.get_cookie("remember_token") is None


def test_logging_out_on_one_device_leaves_the_others_logged_in(app, make_user):
    """As the README says: « Se déconnecter » ends this device's login only."""
    user = make_user(Role.MANAGER)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    laptop.post("/logout")
    assert sent_to_login(laptop.get(STAFF_PAGE))
    assert phone.get(STAFF_PAGE).status_code == 200
    assert open_logins(user) == 1


def test_log_out_everywhere_ends_the_sessions_of_every_device(app, make_user):
    user = make_user(Role.TRAINER)
    someone_else = make_user(Role.TRAINER)
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user, remember=True)
    log_in(colleague, someone_else)
    copied = cookies_of(phone)

    account = laptop.get("/account")
    assert account.status_code == 200
    page = parse(account.get_data(as_text=True))
    logins = [item.text for item in page.find("ul", class_="logins").find_all("li")]
    assert len(logins) == 2 and sum("(cet appareil)" in text for text in logins) == 1  # the laptop and the phone
    form = page.find("form", action="/logout/everywhere")
    assert form is not None and form.get("method") == "post"

    assert sent_to_login(laptop.post("/logout/everywhere"))
    assert sent_to_login(laptop.get("/scores/mine"))
    assert sent_to_login(phone.get("/scores/mine"))
    assert sent_to_login(browser_with(app, copied).get("/scores/mine"))
    assert colleague.get("/scores/mine").status_code == 200  # another account keeps its login
    assert open_logins(user) == 0
    # The account itself still works: logging in again opens a new login.
    log_in(phone, user)
    assert phone.get("/scores/mine").status_code == 200


def test_log_out_everywhere_needs_the_csrf_token(app, client, make_user, csrf_enabled):
    user = make_user(Role.MANAGER)
    phone = app.test_client()
    for browser in (client, phone):
        token = parse(browser.get("/login").get_data(as_text=True)).find("input", name="csrf_token").get("value")
        data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert browser.post("/login", data=data).status_code == 302

    assert client.post("/logout/everywhere").status_code == 400  # a forged form from another site
    assert phone.get("/scores/mine").status_code == 200

    token = parse(client.get("/account").get_data(as_text=True)).find("input", name="csrf_token").get("value")
    assert sent_to_login(client.post("/logout/everywhere", data={"csrf_token": token}))
    assert sent_to_login(phone.get("/scores/mine"))


def test_a_login_ends_after_its_maximum_age_even_with_remember_me(app, make_user):
    user = make_user(Role.MANAGER)
    key = start_login_session(user)
    db.session.commit()
    max_age = timedelta(days=app.config["LOGIN_SESSION_MAX_AGE_DAYS"])
    assert load_logged_in_user(f"{user.id}:{key}", now=utcnow() + max_age - timedelta(minutes=1)) == user
    assert load_logged_in_user(f"{user.id}:{key}", now=utcnow() + max_age + timedelta(minutes=1)) is None
    assert load_logged_in_user(f"{user.id + 1}:{key}") is None  # the key of one account opens no other
