"""Staff accounts on the web: invitations and password resets by e-mail, roles, deactivation, login throttling."""

from __future__ import annotations

import hashlib
import re
import time
import types
from datetime import timedelta
from urllib.parse import urlsplit

import limits.storage.memory
import limits.strategies
import pytest
from sqlalchemy import func, select

from feedback.accounts import operations as account_operations
from feedback.db import db, utcnow
from feedback.models import AccountToken, AuditEvent, Role, User
from tests.conftest import PASSWORD, free_port
from tests.htmltree import parse

LINK_RE = re.compile(r"(\S+/account/(invitation|reset)/(\S+))")
THROTTLED = "Trop de tentatives de connexion"
FAILURE = "Adresse e-mail ou mot de passe incorrect."
LONG_PASSWORD = "une phrase de passe de soixante-quatre caractères bien plus sûre"


def flashes(page) -> list[str]:
    return [p.text for p in parse(page.get_data(as_text=True)).find_all("p", class_="flash")]


def errors(page) -> list[str]:
    return [p.text for p in parse(page.get_data(as_text=True)).find_all("p", class_="error")]


def link_in(message) -> tuple[str, str, str]:
    """(link, purpose, token) of the one link in an e-mail."""
    found = LINK_RE.findall(message.get_content())
    assert len(found) == 1, message.get_content()
    return found[0]


def path_of(link: str) -> str:
    return urlsplit(link).path


def is_logged_in(client) -> bool:
    return client.get("/scores/mine").status_code == 200


def login(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def audit_actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def admin(client, auth, make_user):
    user = make_user(Role.ADMIN, email="admin@example.org")
    auth.login(user)
    return user


def invite(client, email="ines@example.org", role="trainer", name="Inès Martin", **kwargs):
    return client.post("/admin/accounts/invite", data={"email": email, "role": role, "name": name}, **kwargs)


# -- invitations ---------------------------------------------------------------------------------------------------


def test_an_admin_invites_by_email_and_the_link_comes_from_base_url_whatever_the_host(
    app, client, make_user, smtp_server
):
    # The whole visit reaches the app under another Host (a proxy passing it on, a forged header).
    evil = "http://evil.example"
    admin_user = make_user(Role.ADMIN, email="admin@example.org")
    assert (
        client.post("/login", data={"email": admin_user.email, "password": PASSWORD}, base_url=evil).status_code == 302
    )
    page = invite(client, email="  Ines@Example.ORG ", base_url=evil)
    assert page.status_code == 302 and path_of(page.headers["Location"]) == "/admin/accounts"

    [message] = smtp_server.to("ines@example.org")
    link, purpose, token = link_in(message)
    assert purpose == "invitation"
    assert link.startswith(f"{app.config['BASE_URL']}/account/invitation/")  # never the request's Host
    assert "evil.example" not in message.get_content()
    assert "Intervenant·e" in message.get_content()

    # 128 random bits at least, and only the token's hash is stored.
    assert len(token) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    stored = db.session.scalar(select(AccountToken))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.token_hash, str(stored.id)}

    user = db.session.scalar(select(User).where(User.email == "ines@example.org"))
    assert user.role == Role.TRAINER and user.name == "Inès Martin"
    row = [tr.text for tr in parse(client.get("/admin/accounts", base_url=evil).get_data(as_text=True)).find_all("tr")]
    assert any("ines@example.org" in text and "Invitation en attente" in text for text in row)


def test_the_invitee_chooses_a_password_once_then_logs_in(app, client, admin, smtp_server, make_user):
    assert flashes(invite(client, follow_redirects=True)) == ["Invitation envoyée à ines@example.org."]
    client.post("/logout")
    _link, _purpose, token = link_in(smtp_server.messages[-1])
    url = f"/account/invitation/{token}"

    # Opening the link (a mail scanner, a second look) spends nothing and cannot log in yet.
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200 and "ines@example.org" in page.get_data(as_text=True)
    assert login(client, "ines@example.org", PASSWORD).status_code == 200
    assert not is_logged_in(client)

    # 8 characters at least, common passwords and the address refused, the two entries must match.
    for password, expected in [
        ("court7!", "Le mot de passe doit compter au moins 8 caractères."),
        ("Password123!", "Ce mot de passe est trop courant ; choisissez-en un autre."),
        ("azertyuiop", "Ce mot de passe est trop courant ; choisissez-en un autre."),
        ("ines2025", "Le mot de passe ne doit pas reprendre l'adresse e-mail."),
        ("a" * 129, "128 caractères au plus."),
    ]:
        page = client.post(url, data={"password": password, "confirm": password})
        assert page.status_code == 422 and errors(page) == [expected], password
    page = client.post(url, data={"password": LONG_PASSWORD, "confirm": LONG_PASSWORD + "x"})
    assert page.status_code == 422 and errors(page) == ["Les deux saisies diffèrent."]

    assert len(LONG_PASSWORD) == 64
    page = client.post(url, data={"password": LONG_PASSWORD, "confirm": LONG_PASSWORD})
    assert page.status_code == 302 and path_of(page.headers["Location"]) == "/login"
    assert login(client, "ines@example.org", LONG_PASSWORD).status_code == 302
    assert is_logged_in(client)

    # Single use: the same link, opened or posted again, says it is no longer valid.
    client.post("/logout")
    assert client.get(url).status_code == 410
    again = client.post(url, data={"password": "un autre mot de passe", "confirm": "un autre mot de passe"})
    assert again.status_code == 410 and "plus valable" in again.get_data(as_text=True)
    assert login(client, "ines@example.org", LONG_PASSWORD).status_code == 302
    assert audit_actions()[-2:] == ["account.invite", "account.activate"]


def test_an_invitation_expires(app, client, make_user, smtp_server):
    admin_user = make_user(Role.ADMIN)
    hours = app.config["ACCOUNT_INVITATION_MAX_AGE_HOURS"]
    sent = account_operations.invite(
        "late@example.org", Role.MANAGER, "", admin_user, utcnow() - timedelta(hours=hours)
    )
    db.session.commit()
    _link, _purpose, token = link_in(sent.message)
    page = client.get(f"/account/invitation/{token}")
    assert page.status_code == 410 and "Demandez à un·e administrateur·rice" in page.get_data(as_text=True)

    still = account_operations.invite(
        "soon@example.org", Role.MANAGER, "", admin_user, utcnow() - timedelta(hours=hours - 1)
    )
    db.session.commit()
    assert client.get(f"/account/invitation/{link_in(still.message)[2]}").status_code == 200


def test_an_invitation_sent_again_replaces_the_first_link(client, admin, smtp_server):
    invite(client)
    first = link_in(smtp_server.messages[-1])[2]
    user_id = db.session.scalar(select(User.id).where(User.email == "ines@example.org"))
    assert client.post(f"/admin/accounts/{user_id}/resend").status_code == 302
    second = link_in(smtp_server.messages[-1])[2]
    assert first != second
    assert client.get(f"/account/invitation/{first}").status_code == 410
    assert client.get(f"/account/invitation/{second}").status_code == 200


def test_an_address_that_already_has_an_account_is_refused(client, admin, make_user, smtp_server):
    make_user(Role.MANAGER, email="camille@example.org")
    page = invite(client, email="Camille@example.org")
    assert page.status_code == 422
    assert errors(page) == ["Un compte existe déjà pour camille@example.org."]
    assert smtp_server.messages == []
    bad = invite(client, email="pas-une-adresse", role="superuser")
    assert bad.status_code == 422 and db.session.scalar(select(func.count(User.id))) == 2


def test_with_the_mail_server_down_the_account_waits_and_the_invitation_can_be_sent_again(
    app, client, admin, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    page = invite(client)
    assert "l'invitation n'est pas partie" in flashes(client.get(page.headers["Location"]))[0]
    monkeypatch.undo()  # the mail server answers again
    user_id = db.session.scalar(select(User.id).where(User.email == "ines@example.org"))
    client.post(f"/admin/accounts/{user_id}/resend")
    [message] = smtp_server.to("ines@example.org")
    assert client.get(path_of(link_in(message)[0])).status_code == 200


def test_inviting_needs_the_csrf_token(app, client, make_user, smtp_server, csrf_enabled):
    admin_user = make_user(Role.ADMIN)
    page = client.get("/login")
    token = parse(page.get_data(as_text=True)).find("input", name="csrf_token").get("value")
    client.post("/login", data={"email": admin_user.email, "password": PASSWORD, "csrf_token": token})
    assert invite(client).status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 1 and smtp_server.messages == []


# -- password reset ------------------------------------------------------------------------------------------------


def test_forgot_password_answers_the_same_whether_the_account_exists_or_not(client, make_user, smtp_server):
    make_user(Role.MANAGER, email="camille@example.org")
    inactive = make_user(Role.MANAGER, email="parti@example.org")
    inactive.is_active_account = False
    db.session.commit()

    pages = {}
    for email in ("camille@example.org", "nobody@example.org", "parti@example.org"):
        pages[email] = client.post("/account/forgot-password", data={"email": email})
        pages[email].close()  # the e-mail leaves once the answer has (the WSGI server closes it)
    bodies = {email: parse(page.get_data(as_text=True)).find("main").text for email, page in pages.items()}
    assert {page.status_code for page in pages.values()} == {200}
    assert len(set(bodies.values())) == 1 and "Si un compte actif correspond" in bodies["nobody@example.org"]
    assert [m["To"] for m in smtp_server.messages] == ["camille@example.org"]
    assert "Mot de passe oublié ?" in client.get("/login").get_data(as_text=True)


def test_a_reset_link_comes_from_base_url_works_once_and_ends_other_sessions(app, make_user, smtp_server):
    user = make_user(Role.MANAGER, email="camille@example.org")
    laptop, phone = app.test_client(), app.test_client()
    assert login(laptop, user.email, PASSWORD).status_code == 302

    phone.post(
        "/account/forgot-password", data={"email": "camille@example.org"}, base_url="http://evil.example"
    ).close()
    [message] = smtp_server.to("camille@example.org")
    link, purpose, token = link_in(message)
    assert purpose == "reset" and link.startswith(f"{app.config['BASE_URL']}/account/reset/")
    assert (
        len(token) >= 22
        and db.session.scalar(select(AccountToken.token_hash)) == hashlib.sha256(token.encode()).hexdigest()
    )

    new_password = "un tout nouveau mot de passe"
    page = phone.post(path_of(link), data={"password": new_password, "confirm": new_password})
    assert page.status_code == 302
    assert not is_logged_in(laptop)  # the session opened before the reset is over
    assert login(phone, user.email, PASSWORD).status_code == 200
    assert login(phone, user.email, new_password).status_code == 302
    assert phone.get(path_of(link)).status_code == 410
    assert "account.password_reset" in audit_actions()


def test_a_reset_link_expires_and_a_newer_one_replaces_it(app, client, make_user, smtp_server):
    user = make_user(Role.MANAGER, email="camille@example.org")
    minutes = app.config["PASSWORD_RESET_MAX_AGE_MINUTES"]
    old = account_operations.request_reset(user.email, utcnow() - timedelta(minutes=minutes + 1))
    db.session.commit()
    assert client.get(path_of(link_in(old.message)[0])).status_code == 410

    first = account_operations.request_reset(user.email, utcnow() - timedelta(minutes=5))
    db.session.commit()
    second = account_operations.request_reset(user.email)
    db.session.commit()
    assert client.get(path_of(link_in(first.message)[0])).status_code == 410
    assert client.get(path_of(link_in(second.message)[0])).status_code == 200
    # Asked again within two minutes: no new e-mail (a mailbox is not flooded), the same answer on the page.
    assert account_operations.request_reset(user.email) is None


# -- roles and deactivation ----------------------------------------------------------------------------------------


def test_deactivating_an_account_ends_its_sessions_at_once_and_reactivating_lets_it_back(app, client, admin, make_user):
    trainer = make_user(Role.TRAINER, email="trainer@example.org")
    trainer_browser = app.test_client()
    assert login(trainer_browser, trainer.email, PASSWORD).status_code == 302
    assert is_logged_in(trainer_browser)

    page = client.post(f"/admin/accounts/{trainer.id}/deactivate")
    assert flashes(client.get(page.headers["Location"])) == [
        "trainer@example.org est désactivé : ses sessions ouvertes sont fermées."
    ]
    assert not is_logged_in(trainer_browser)
    refused = login(trainer_browser, trainer.email, PASSWORD)
    assert refused.status_code == 200 and flashes(refused)[-1:] == [FAILURE]
    listed = parse(client.get("/admin/accounts").get_data(as_text=True)).text
    assert "Désactivé" in listed

    client.post(f"/admin/accounts/{trainer.id}/reactivate")
    assert login(trainer_browser, trainer.email, PASSWORD).status_code == 302
    assert audit_actions()[-2:] == ["account.deactivate", "account.reactivate"]


def test_changing_a_role_changes_what_the_account_reaches_at_its_next_request(app, client, admin, make_user):
    manager = make_user(Role.MANAGER, email="manager@example.org")
    browser = app.test_client()
    login(browser, manager.email, PASSWORD)
    assert browser.get("/manage/trainings").status_code == 200

    client.post(f"/admin/accounts/{manager.id}/role", data={"role": "communication"})
    assert browser.get("/manage/trainings").status_code == 404
    assert browser.get("/scores/").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.role"))
    assert (event.user_id, event.object_id, event.details["from"], event.details["to"]) == (
        admin.id,
        str(manager.id),
        "manager",
        "communication",
    )

    assert client.post(f"/admin/accounts/{manager.id}/role", data={"role": "root"}).status_code == 302
    db.session.refresh(manager)
    assert manager.role == Role.COMMUNICATION


def test_an_admin_cannot_lock_themselves_out(client, admin):
    page = client.post(f"/admin/accounts/{admin.id}/deactivate", follow_redirects=True)
    assert flashes(page) == ["Vous ne pouvez pas désactiver votre propre compte."]
    page = client.post(f"/admin/accounts/{admin.id}/role", data={"role": "trainer"}, follow_redirects=True)
    assert "propre rôle" in flashes(page)[0]
    db.session.refresh(admin)
    assert admin.is_active_account and admin.role == Role.ADMIN


# -- login throttling ------------------------------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_even_for_the_right_password_with_the_same_answer_for_unknown_ones(
    client, make_user
):
    make_user(Role.MANAGER, email="camille@example.org")
    for email in ("camille@example.org", "nobody@example.org"):
        for _ in range(5):
            page = login(client, email, "not-the-password")
            assert page.status_code == 200 and flashes(page) == [FAILURE]
    blocked = login(client, "camille@example.org", PASSWORD)
    unknown = login(client, "nobody@example.org", "whatever-password")
    for page in (blocked, unknown):
        assert page.status_code == 429
        assert flashes(page) == ["Trop de tentatives de connexion : patientez quelques minutes avant de réessayer."]
    assert not is_logged_in(client)
    # Another account is not locked by these failures.
    make_user(Role.TRAINER, email="other@example.org")
    assert login(client, "other@example.org", PASSWORD).status_code == 302


def test_the_lock_is_temporary_and_a_success_clears_the_count(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", "3 per 15 minutes")
    user = make_user(Role.MANAGER, email="camille@example.org")
    for _ in range(2):
        login(client, user.email, "wrong-password")
    assert login(client, user.email, PASSWORD).status_code == 302  # the third attempt is still allowed
    client.post("/logout")
    for _ in range(2):
        login(client, user.email, "wrong-password")  # the count started again after the success
    login(client, user.email, "wrong-password")
    assert login(client, user.email, PASSWORD).status_code == 429
    # The window passes: the rate limiter's clock (memory:// storage and strategies) moved past it, no sleeping.
    later = time.time() + 15 * 60 + 1
    moved = types.SimpleNamespace(time=lambda: later)
    monkeypatch.setattr(limits.storage.memory, "time", moved)
    monkeypatch.setattr(limits.strategies, "time", moved)
    assert login(client, user.email, PASSWORD).status_code == 302


def test_failures_from_one_address_are_limited_across_accounts_but_not_for_other_addresses(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "6 per 15 minutes")
    user = make_user(Role.MANAGER, email="camille@example.org")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for number in range(6):  # one try per account: the per-account count never trips
        client.post("/login", data={"email": f"u{number}@example.org", "password": "x" * 9}, environ_base=attacker)
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}, environ_base=attacker).status_code
        == 429
    )
    other = app.test_client()
    colleague = {"REMOTE_ADDR": "198.51.100.4"}
    assert (
        other.post("/login", data={"email": user.email, "password": PASSWORD}, environ_base=colleague).status_code
        == 302
    )
