"""The web layer: security headers and cookies (as in production), the proxy setting, size limits, error pages,
the health check, and the log of refused access."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import ProductionConfig, TestingConfig
from feedback import create_app
from feedback.db import db
from feedback.models import Answer, Response, Role, Training
from feedback.web import SURVEY_CSS_SOURCE
from tests.conftest import PASSWORD, form_token
from tests.htmltree import form_state, parse

ROOT = Path(__file__).resolve().parent.parent
HTTPS = "https://retours.test"


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def make_app(database_url):
    """Another app on the same database, with other settings; its connections are closed afterwards."""
    made = []

    def make(config=TestingConfig, **overrides):
        other = create_app(config, **{"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


class ProductionForTests(ProductionConfig):
    SECRET_KEY = "a-production-secret-of-forty-characters!"  # noqa: S105 (tests only)


# -- headers -------------------------------------------------------------------------------------------------------


def test_every_page_carries_a_strict_csp_and_the_other_headers(client, auth, make_user, make_session):
    session = make_session()
    auth.login(make_user(Role.MANAGER))
    for url in ("/scores/", f"/s/{session.public_code}", "/login", "/no-such-page", "/health"):
        headers = client.get(url).headers
        csp = {part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split("; ")}
        assert csp["script-src"] == ["'self'"], url  # no 'unsafe-inline', no 'unsafe-eval', no other host
        # Styles: our files, and the form's inlined stylesheet by its hash only (never 'unsafe-inline').
        assert csp["default-src"] == ["'self'"] and csp["style-src"] == ["'self'", SURVEY_CSS_SOURCE]
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"] and headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP on a developer's machine


def test_the_forms_inlined_stylesheet_is_the_one_the_policy_allows(client, make_session):
    """The browser applies an inline <style> only if its bytes hash to a source of style-src: checked on the page."""
    page = client.get(f"/s/{make_session().public_code}")
    html = page.get_data(as_text=True)
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    allowed = dict(part.split(" ", 1) for part in page.headers["Content-Security-Policy"].split("; "))["style-src"]
    assert f"'sha256-{digest}'" in allowed.split()


def test_no_page_has_an_inline_script_or_event_handler():
    """What the CSP forbids must not be needed: every script is a file of static/, no on…= attribute."""
    inline = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        html = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag:
                inline.append(f"{template.relative_to(ROOT)}: {tag}")
        inline += [f"{template.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", html)]
        inline += [f"{template.relative_to(ROOT)}: javascript: URL" for _ in re.findall(r"javascript:", html)]
    assert inline == []


def test_staff_pages_are_never_cached_and_the_public_form_is_not_no_store(client, auth, make_user, make_session):
    session = make_session()
    assert "no-store" not in client.get(f"/s/{session.public_code}").headers.get("Cache-Control", "")
    auth.login(make_user(Role.MANAGER))
    for url in ("/scores/", "/scores/export?format=csv", f"/scores/sessions/{session.id}", "/manage/trainings"):
        page = client.get(url)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store", url


def _cookie(response, name: str) -> str:
    found = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_in_production_cookies_are_secure_httponly_lax_and_hsts_is_sent(make_app, make_user, make_session):
    session = make_session()
    user = make_user(Role.MANAGER)
    production = make_app(ProductionForTests)
    browser = production.test_client()

    page = browser.get("/login", base_url=HTTPS)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    token = parse(page.get_data(as_text=True)).find("input", name="csrf_token").get("value")
    logged = browser.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token},
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/login"},  # Flask-WTF checks it over HTTPS
    )
    assert logged.status_code == 302
    for name in ("session", "remember_token"):
        cookie = _cookie(logged, name)
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie, cookie
    assert browser.get("/scores/", base_url=HTTPS).headers["Cache-Control"] == "no-store"

    chosen = browser.get(f"/s/{session.public_code}?lang=en", base_url=HTTPS)
    cookie = _cookie(chosen, "lang")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_outside_production_cookies_work_over_plain_http(client, make_user):
    user = make_user(Role.MANAGER)
    logged = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = _cookie(logged, "session")
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "Secure" not in cookie


def test_production_refuses_to_start_without_a_real_secret_key(database_url):
    class NoSecret(ProductionConfig):
        SECRET_KEY = "short"  # noqa: S105

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoSecret, SQLALCHEMY_DATABASE_URI=database_url)


# -- the real client address behind a proxy --------------------------------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1], ids=["no-proxy", "one-proxy"])
def test_x_forwarded_for_is_honoured_only_when_a_proxy_is_configured(make_app, make_session, proxies):
    session = make_session()
    behind = make_app(PROXY_COUNT=proxies, SURVEY_SUBMIT_RATE_LIMIT="3 per minute")
    browser = behind.test_client()
    url = f"/s/{session.public_code}"

    def post(forwarded: str) -> int:
        return browser.post(url, data={"q-overall": "4"}, headers={"X-Forwarded-For": forwarded}).status_code

    first_room = [post("203.0.113.7") for _ in range(3)]
    second_room = [post("198.51.100.9") for _ in range(3)]
    if proxies:
        # Two venues, each with its own public address: each has its own quota.
        assert 429 not in first_room + second_room
        assert post("203.0.113.7") == 429
        # The proxy appends the address it saw: a client cannot pick another one by sending its own header first.
        assert post("192.0.2.55, 203.0.113.7") == 429
    else:
        # Without a proxy the header is anyone's to forge: the connection's own address is the one counted.
        assert 429 not in first_room and second_room == [429, 429, 429]


# -- sizes -----------------------------------------------------------------------------------------------------------


def test_a_request_over_the_size_cap_gets_a_clear_413_and_stores_nothing(app, client, auth, make_user, make_session):
    session = make_session()
    trainings = count(Training)
    page = client.get(f"/s/{session.public_code}")
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    refused = client.post(
        f"/s/{session.public_code}",
        data={"token": form_token(page.get_data(as_text=True)), "q-overall": "4", "q-liked": huge},
    )
    assert refused.status_code == 413
    html = refused.get_data(as_text=True)
    text = parse(html).find("main").text
    assert "Vos réponses sont trop longues pour être envoyées ensemble" in text and "raccourcissez" in text
    assert count(Response) == 0
    # What could be read comes back (the cut comment keeps its beginning), with a new token to send it again.
    state = form_state(parse(html).find("form", class_="survey"))
    assert state["q-overall"] == ["4"] and state["q-liked"][0].startswith("x" * 5000)
    resent = client.post(f"/s/{session.public_code}", data={**state, "q-liked": "x" * 10})
    assert resent.status_code == 303 and count(Response) == 1

    auth.login(make_user(Role.MANAGER))
    staff = client.post("/manage/trainings/new", data={"title": "T", "axis": "regional", "description": huge})
    assert staff.status_code == 413 and count(Training) == trainings


def test_a_comment_over_5000_characters_is_refused_with_its_length_and_shown_back(answer_form, make_session):
    session = make_session()
    refused = answer_form(session, {"q-overall": "4", "q-liked": "é" * 5001})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Votre réponse est trop longue (5001 caractères) : 5000 au maximum." in html
    assert "é" * 5001 in html  # kept for shortening, not lost
    assert count(Response) == 0 and count(Answer) == 0
    assert answer_form(session, {"q-overall": "4", "q-liked": "é" * 5000}).status_code == 303
    assert db.session.scalar(select(func.length(Answer.text)).where(Answer.text.is_not(None))) == 5000


@pytest.mark.parametrize("field", ["email", "password"])
def test_an_oversized_login_field_is_a_failed_login_not_an_error(client, field):
    data = {"email": "camille@example.org", "password": "not-the-password", field: "a" * 100_000}
    page = client.post("/login", data=data)
    assert page.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." not in page.get_data(as_text=True)  # refused by the form
    assert parse(page.get_data(as_text=True)).find("p", class_="error") is not None


# -- errors, health, refused access ----------------------------------------------------------------------------------


def test_an_unexpected_error_gives_a_generic_page_and_a_log_line_never_a_traceback(make_app, caplog):
    broken = make_app()

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret detail: the database password is hunter2")

    with caplog.at_level(logging.ERROR):
        page = broken.test_client().get("/boom")
    html = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "Une erreur est survenue" in html
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html
    assert any("Unhandled error on GET /boom" in r.getMessage() and r.exc_info for r in caplog.records)


def test_the_error_log_names_the_route_not_a_personal_links_token(make_app, caplog):
    broken = make_app()

    @broken.get("/lien/<token>")
    def link(token):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        assert broken.test_client().get("/lien/s3cr3t-t0ken").status_code == 500
    messages = [r.getMessage() for r in caplog.records]
    assert any("Unhandled error on GET /lien/<token>" in m for m in messages)
    assert not any("s3cr3t-t0ken" in m for m in messages)


def test_the_health_check_reports_the_database(client, make_app, tmp_path):
    ok = client.get("/health")
    assert ok.status_code == 200 and ok.get_json() == {"status": "ok", "database": "ok"}

    unreachable = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/retours.sqlite")
    down = unreachable.test_client().get("/health")
    assert down.status_code == 503 and down.get_json() == {"status": "error", "database": "unreachable"}


def test_refused_access_is_logged_with_who_and_where_but_no_answer_text(
    client, auth, make_user, make_speaker, make_session, answer_form, caplog
):
    owner = make_user(Role.TRAINER)
    session = make_session(speakers=[make_speaker("Bérénice B.", user=owner)])
    assert answer_form(session, {"q-overall": "4", "q-liked": "Un commentaire très personnel"}).status_code == 303
    intruder = make_user(Role.TRAINER)
    auth.login(intruder)
    with caplog.at_level(logging.WARNING):
        assert client.get(f"/scores/sessions/{session.id}?q=Un+commentaire").status_code == 404
    [line] = [r.getMessage() for r in caplog.records if "access refused" in r.getMessage()]
    assert f"user={intruder.id}" in line and "role=trainer" in line and f"/scores/sessions/{session.id}" in line
    assert "commentaire" not in line
