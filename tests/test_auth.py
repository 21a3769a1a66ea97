"""Staff login and logout: one message for every failure, sessions that end, no open redirect, scrypt hashes."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from feedback.auth.operations import end_all_login_sessions
from feedback.db import db
from feedback.models import Role, User
from tests.conftest import PASSWORD
from tests.htmltree import parse

FAILURE = "Adresse e-mail ou mot de passe incorrect."


def flash_messages(page) -> list[str]:
    return [p.text for p in parse(page.get_data(as_text=True)).find_all("p", class_="flash")]


def is_logged_in(client) -> bool:
    return client.get("/scores/mine").status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, make_user):
    user = make_user(Role.MANAGER, email="camille@example.org")
    wrong_password = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not-the-password"})
    for page in (wrong_password, unknown):
        assert page.status_code == 200
        assert flash_messages(page) == [FAILURE]
        assert page.headers.get("Set-Cookie", "").find("remember_token") == -1
    assert not is_logged_in(client)


def test_the_right_password_logs_in_whatever_the_case_of_the_address(client, make_user):
    make_user(Role.MANAGER, email="camille@example.org")
    page = client.post("/login", data={"email": "  Camille@Example.ORG ", "password": PASSWORD})
    assert page.status_code == 302
    assert is_logged_in(client)


def test_a_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(Role.MANAGER)
    user.is_active_account = False
    db.session.commit()
    page = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert page.status_code == 200
    assert flash_messages(page) == [FAILURE]  # nothing tells that the account exists
    assert not is_logged_in(client)


@pytest.mark.parametrize("change", ["deactivate", "end-all-logins"])
def test_deactivating_or_ending_all_logins_ends_existing_sessions(client, auth, make_user, change):
    user = make_user(Role.TRAINER)
    auth.login(user)
    assert is_logged_in(client)

    if change == "deactivate":
        user.is_active_account = False
    else:
        end_all_login_sessions(user)
    db.session.commit()

    page = client.get("/scores/mine")
    assert page.status_code == 302
    assert urlsplit(page.headers["Location"]).path == "/login"


def test_logout_is_post_only_and_clears_the_session(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)  # a GET (a prefetch, an <img src>) does not log anyone out

    page = auth.logout()
    assert page.status_code == 302
    assert urlsplit(page.headers["Location"]).path == "/login"
    with client.session_transaction() as cookie_session:
        assert "_user_id" not in cookie_session and "_fresh" not in cookie_session
    assert not is_logged_in(client)


def test_login_starts_a_fresh_session(client, auth, make_user):
    with client.session_transaction() as cookie_session:
        cookie_session["planted"] = "by-an-attacker"
    auth.login(make_user(Role.MANAGER))
    with client.session_transaction() as cookie_session:
        assert "planted" not in cookie_session
        assert cookie_session.get("_user_id")


def _browser_target(location: str) -> str:
    """Where a browser goes: it drops tabs and newlines and reads backslashes as slashes."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/").strip()
    return urljoin("http://localhost/login", cleaned)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_next_never_sends_off_site_after_login(client, make_user, target):
    make_user(Role.MANAGER, email="camille@example.org")
    page = client.post(
        "/login", query_string={"next": target}, data={"email": "camille@example.org", "password": PASSWORD}
    )
    assert page.status_code == 302
    location = page.headers["Location"]
    assert urlsplit(_browser_target(location)).netloc == "localhost", location
    if "evil.example" in target and "\\" not in target:  # Werkzeug sends "/\\x" as the on-site path "/%5Cx"
        assert location == "/scores/"


def test_next_on_the_same_site_is_followed(client, make_user):
    make_user(Role.MANAGER, email="camille@example.org")
    page = client.post(
        "/login",
        query_string={"next": "/manage/speakers?x=1"},
        data={"email": "camille@example.org", "password": PASSWORD},
    )
    assert page.headers["Location"] == "/manage/speakers?x=1"


def test_a_visitor_sent_to_login_comes_back_to_the_page_asked_for(client, make_user):
    make_user(Role.MANAGER, email="camille@example.org")
    sent = client.get("/manage/speakers")
    assert sent.status_code == 302 and urlsplit(sent.headers["Location"]).path == "/login"
    page = client.post(sent.headers["Location"], data={"email": "camille@example.org", "password": PASSWORD})
    assert page.headers["Location"] == "/manage/speakers"


def test_passwords_are_stored_as_scrypt_hashes(make_user):
    user = make_user(Role.TRAINER, password="un mot de passe assez long")
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:")
    assert "un mot de passe assez long" not in stored
    assert user.check_password("un mot de passe assez long") and not user.check_password("un autre")


@pytest.mark.parametrize("email", ["camille\x00@example.org", "camille@example.org\x00"])
def test_a_nul_byte_in_the_address_is_a_failed_login_not_an_error(client, make_user, email):
    """PostgreSQL refuses NUL in text: an unauthenticated visitor must not be able to cause a 500."""
    make_user(Role.MANAGER, email="camille@example.org")
    page = client.post("/login", data={"email": email, "password": "not-the-password"})
    assert page.status_code == 200
    assert flash_messages(page) == [FAILURE]


@pytest.mark.parametrize(
    ("role", "linked", "shown"),
    [
        (Role.MANAGER, False, False),
        (Role.COMMUNICATION, False, False),
        (Role.ADMIN, False, False),
        (Role.MANAGER, True, True),
        (Role.TRAINER, False, True),
    ],
)
def test_mes_resultats_is_in_the_nav_only_for_trainers_and_speakers(
    client, auth, make_user, make_speaker, role, linked, shown
):
    user = make_user(role)
    if linked:
        make_speaker("Aïcha Benali", user=user)
    auth.login(user)
    nav = parse(client.get("/scores/mine").get_data(as_text=True)).find("nav")
    assert ("Mes résultats" in nav.text) is shown
