"""Who reaches what: every staff URL, discovered from the URL map, for every kind of visitor.

The objects in the URLs belong to ANOTHER trainer than the one logged in. An endpoint that is not classified
below fails the sweep, so a new page cannot escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import select, update

from feedback.auth.api_tokens import create_api_token, revoke_api_token
from feedback.builder.operations import start_new_version
from feedback.db import db, utcnow
from feedback.models import Answer, ApiToken, Role, Speaker, TrainingSession, WebhookDelivery
from feedback.report.operations import request_file
from feedback.scope import Scope
from feedback.webhooks.operations import create_endpoint
from tests.conftest import form_token
from tests.htmltree import parse

#: Open to anyone, checked elsewhere (the public form, login, health).
PUBLIC = {
    "static",
    "health.health",
    "auth.index",
    "auth.login",
    "auth.logout",
    "auth.logout_everywhere",
    "survey.show_form",
    "survey.submit_form",
    "survey.thanks",
    "survey.leave_followup_email",
    "survey_offline.service_worker",
    "survey_script.script",
    "survey_offline.renew_form_token",
    "survey_offline.kiosk",
    "followup.show_form",
    "followup.submit_form",
    "followup.thanks",
    "accounts.accept_invitation",
    "accounts.reset_password",
    "accounts.forgot_password",
    "api-docs.openapi_json",
    "api_reference.reference",
}
#: The JSON API: a bearer token, never a cookie (swept apart, by `test_every_api_route_answers_each_role_as_its_pages`).
API = "api"
MANAGE = "manage"  # managers and admins only: the whole /manage area (catalogue, distribution, questionnaires, imports)
ALL_SCORES = "all_scores"  # managers, admins and communication
ANY_STAFF = "any_staff"  # any logged-in account (their own data only)
SCORES_OF = "scores_of"  # the scores of one training or session: its speakers, and who reads all scores
QUOTES = "quotes"  # the quotes workspace: communication staff, managers and admins (never trainers)
ADMIN = "admin"  # accounts, the audit log and the webhooks: admins only
OWN_SESSION = "own_session"  # a speaker's own questionnaire on their session: that speaker only, managers included
OWN_TOKEN = "own_token"  # an API token of the account itself: trainer B's is a 404 for everyone else
#: A report file the job queue prepares, asked for by another manager: managers fetch it (same report), no one else.
MANAGERS_FILE = "managers_file"
CLASSES = {
    "dashboard.overview": ALL_SCORES,
    "dashboard.export": ALL_SCORES,
    "auth.account": ANY_STAFF,
    "dashboard.my_sessions": ANY_STAFF,
    "dashboard.training": SCORES_OF,
    "dashboard.session": SCORES_OF,
    "quotes.index": QUOTES,
    "quotes.detail": QUOTES,
    "quotes.change_quote_status": QUOTES,
    "quotes.edit_quote_text": QUOTES,
    "quotes.correct_comment_tone": QUOTES,
    "quotes.suggestions": QUOTES,
    "quotes.themes": QUOTES,
    "quotes.cloud": QUOTES,
    "quotes.export": QUOTES,
    "report.index": ALL_SCORES,
    "report.download": ALL_SCORES,
    "report.prepared": MANAGERS_FILE,
    "reviews.mine": ANY_STAFF,
    "reviews.edit": OWN_SESSION,
    "reviews.save": OWN_SESSION,
    "auth.create_token": ANY_STAFF,
    "auth.revoke_token": OWN_TOKEN,
}


def classify(endpoint: str) -> str | None:
    if endpoint in PUBLIC:
        return "public"
    if endpoint.startswith(("manage.", "distribution.", "builder.", "imports.")):
        return MANAGE
    if endpoint.startswith(("accounts.", "webhooks.")):
        return ADMIN
    if endpoint.startswith("api."):
        return API
    return CLASSES.get(endpoint)


def staff_routes(app) -> list[tuple[str, str]]:
    """(endpoint, method) of every rule outside the public ones, from the app's URL map."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if classify(rule.endpoint) not in ("public", API)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return sorted(routes)


def public_routes(app) -> list[tuple[str, str]]:
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if classify(rule.endpoint) == "public"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return sorted(routes)


#: What each public URL answers (anonymous visitor, logged-in staff), requested with an empty body. The links of
#: e-mails carry tokens that are not valid in the sweep: the pages then say so (404 for the follow-up, 410 for an
#: account link). `login` is a redirect to the login page, `home` a redirect elsewhere (the user's home page).
PUBLIC_EXPECTED = {
    ("static", "GET"): (200, 200),
    ("health.health", "GET"): (200, 200),
    ("auth.index", "GET"): ("login", "home"),
    ("auth.login", "GET"): (200, "home"),
    ("auth.login", "POST"): (200, "home"),  # an empty form comes back with its errors
    ("auth.logout", "POST"): ("login", "login"),
    ("auth.logout_everywhere", "POST"): ("login", "login"),  # anonymous: to log in; logged in: logged out
    ("survey.show_form", "GET"): (200, 200),
    ("survey.submit_form", "POST"): (400, 400),  # no form token: the form again, nothing stored
    ("survey.thanks", "GET"): (200, 200),
    ("survey.leave_followup_email", "POST"): (400, 400),
    ("survey_offline.service_worker", "GET"): (200, 200),
    ("survey_script.script", "GET"): (200, 200),
    ("survey_offline.renew_form_token", "POST"): (200, 200),  # no token to renew: a new one (counted like a form)
    ("survey_offline.kiosk", "GET"): (403, 403),  # no signed kiosk link: a page that says so
    ("followup.show_form", "GET"): (404, 404),
    ("followup.submit_form", "POST"): (404, 404),
    ("followup.thanks", "GET"): (404, 404),
    ("accounts.accept_invitation", "GET"): (410, 410),
    ("accounts.accept_invitation", "POST"): (410, 410),
    ("accounts.reset_password", "GET"): (410, 410),
    ("accounts.reset_password", "POST"): (410, 410),
    ("accounts.forgot_password", "GET"): (200, 200),
    ("accounts.forgot_password", "POST"): (422, 422),  # no address typed
    ("api-docs.openapi_json", "GET"): (200, 200),  # the API's description is public; its data needs a token
    ("api_reference.reference", "GET"): (200, 200),
}


def test_every_endpoint_is_classified(app):
    unclassified = sorted({rule.endpoint for rule in app.url_map.iter_rules() if classify(rule.endpoint) is None})
    assert unclassified == [], f"classify these endpoints in {__name__}: {unclassified}"
    assert len(staff_routes(app)) >= 20  # the sweep really sweeps (GET and POST of every staff page)
    missing = sorted(set(public_routes(app)) - set(PUBLIC_EXPECTED))
    assert missing == [], f"give the expected statuses of these public routes in PUBLIC_EXPECTED: {missing}"


@dataclass
class World:
    """Trainer B's speaker, training and session; the URLs are filled with those ids."""

    ids: dict[str, int]

    def url(self, app, endpoint: str, method: str) -> str:
        rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
        defaults = rule.defaults or {}  # e.g. the format of /quotes/nuage.png
        unknown = set(rule.arguments) - set(self.ids) - set(defaults)
        assert not unknown, f"{endpoint}: no id to fill {unknown}; add one to the `world` fixture"
        values = {**defaults, **{a: self.ids[a] for a in rule.arguments if a not in defaults}}
        return app.url_map.bind("localhost").build(endpoint, values, method=method)


def app_min_answers() -> int:
    return current_app.config["MIN_ANSWERS_FOR_RATE"]


@pytest.fixture
def world(make_user, make_speaker, make_training, make_session, answer_form) -> World:
    trainer_b = make_user(Role.TRAINER, email="trainer-b@example.org")
    speaker_b = make_speaker("Bérénice B.", user=trainer_b)
    training_b = make_training("Formation de B")
    session_b = make_session(training_b, speakers=[speaker_b], present=8)
    # Consent given: the quotes workspace shows this comment to communication staff, never to another trainer.
    assert answer_form(session_b, {"q-overall": "4", "q-liked": "Confidentiel B", "consent": "yes"}).status_code == 303
    # Enough responses for the disclosure rule to show the comments of this anonymous questionnaire's session.
    for _ in range(app_min_answers() - 1):
        assert answer_form(session_b, {"q-overall": "3"}).status_code == 303
    draft = start_new_version(session_b.questionnaire)  # the builder's pages, on a draft its buttons may change
    # A webhook endpoint with one delivery (an address refused before any connection: the sweep sends nothing out).
    endpoint = create_endpoint("https://127.0.0.1:9/hook", ["session.closed"])
    delivery = WebhookDelivery(endpoint=endpoint, message_id="msg_world", event="session.closed", payload="{}")
    delivery.status = "failed"
    db.session.add(delivery)
    # A report file another manager asked for (a large scope: the job queue makes it; here it is still pending).
    other_manager = make_user(Role.MANAGER, email="manager-b@example.org")
    report_file, _ = request_file(other_manager, "docx", Scope.for_year(2025), app_min_answers(), utcnow())
    db.session.commit()
    return World(
        {
            "user_id": trainer_b.id,
            "code": session_b.public_code,
            "token": "not-a-valid-token-" + "x" * 30,
            "filename": "app.css",
            "training_id": training_b.id,
            "session_id": session_b.id,
            "speaker_id": speaker_b.id,
            "questionnaire_id": draft.id,
            "question_id": draft.questions[0].id,
            "answer_id": db.session.scalar(select(Answer.id).where(Answer.text == "Confidentiel B")),
            "endpoint_id": endpoint.id,
            "delivery_id": delivery.id,
            "token_id": create_api_token(trainer_b, name="B's script").row.id,
            "file_id": report_file.id,
        }
    )


#: Trainer B's training title and comment: never on a page refused to someone else.
WORLD_SECRETS = ("Formation de B", "Confidentiel B")


def _sweep(app, client, world, expected_for, *, may_see_b: bool = False) -> list[str]:
    """Request every staff URL; return one line per URL whose answer is not the expected one."""
    wrong = []
    for endpoint, method in staff_routes(app):
        url = world.url(app, endpoint, method)
        expected = expected_for(classify(endpoint))
        page = client.open(url, method=method)
        if expected == 200 and method == "POST" and page.status_code == 302:
            # An allowed action redirects back to a page (POST/redirect/GET); an empty form comes back with errors.
            page = client.get(page.headers["Location"])
        status = page.status_code
        if expected == 200 and method == "POST" and status == 422:
            status = 200  # reached: the empty form is refused with its errors (422), as a person would see it
        if expected == "login":
            location = urlsplit(page.headers.get("Location", "")).path
            if status != 302 or location != "/login":
                wrong.append(f"{method} {url} ({endpoint}): {status} {location!r} instead of a redirect to /login")
        elif status != expected:
            wrong.append(f"{method} {url} ({endpoint}): {status} instead of {expected}")
        elif not may_see_b and any(secret in page.get_data(as_text=True) for secret in WORLD_SECRETS):
            wrong.append(f"{method} {url} ({endpoint}): the page shows trainer B's data")
        elif page.headers.get("Cache-Control") != "no-store":
            wrong.append(f"{method} {url} ({endpoint}): a staff page without Cache-Control: no-store")
    return wrong


def test_an_anonymous_visitor_is_sent_to_login_from_every_staff_url(app, client, world):
    wrong = _sweep(app, client, world, lambda kind: "login")
    assert wrong == [], "\n".join(wrong)


EXPECTED = {
    Role.TRAINER: {
        MANAGE: 404,
        ALL_SCORES: 404,
        ANY_STAFF: 200,
        SCORES_OF: 404,
        QUOTES: 404,
        ADMIN: 404,
        OWN_SESSION: 404,
        OWN_TOKEN: 404,
        MANAGERS_FILE: 404,
    },
    Role.COMMUNICATION: {
        MANAGE: 404,
        ALL_SCORES: 200,
        ANY_STAFF: 200,
        SCORES_OF: 200,
        QUOTES: 200,
        ADMIN: 404,
        OWN_SESSION: 404,
        OWN_TOKEN: 404,
        MANAGERS_FILE: 404,
    },
    Role.MANAGER: {
        MANAGE: 200,
        ALL_SCORES: 200,
        ANY_STAFF: 200,
        SCORES_OF: 200,
        QUOTES: 200,
        ADMIN: 404,
        OWN_SESSION: 404,
        OWN_TOKEN: 404,
        MANAGERS_FILE: 200,
    },
    Role.ADMIN: {
        MANAGE: 200,
        ALL_SCORES: 200,
        ANY_STAFF: 200,
        SCORES_OF: 200,
        QUOTES: 200,
        ADMIN: 200,
        OWN_SESSION: 404,
        OWN_TOKEN: 404,
        MANAGERS_FILE: 404,
    },
}


@pytest.mark.parametrize("role", list(EXPECTED), ids=[r.value for r in EXPECTED])
def test_each_role_reaches_only_its_pages(app, client, auth, world, make_user, make_speaker, make_session, role):
    """Trainer A gets 404 on every page of trainer B's objects and on /manage; communication reads all scores."""
    user = make_user(role)
    if role == Role.TRAINER:  # trainer A has sessions of their own
        make_session(speakers=[make_speaker("Alix A.", user=user)])
    auth.login(user)
    wrong = _sweep(app, client, world, EXPECTED[role].__getitem__, may_see_b=user.can_read_all_scores)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", [None, *EXPECTED], ids=["anonymous", *(r.value for r in EXPECTED)])
def test_every_public_url_answers_as_expected_for_everyone(app, client, auth, world, make_user, role):
    """The public pages (form, login, links sent by e-mail, health) for a visitor and for each role: never a 500."""
    user = make_user(role) if role is not None else None
    if user is not None:
        auth.login(user)
    wrong = []
    for endpoint, method in public_routes(app):
        url = world.url(app, endpoint, method)
        expected = PUBLIC_EXPECTED[(endpoint, method)][0 if user is None else 1]
        page = client.open(url, method=method)
        location = urlsplit(page.headers.get("Location", "")).path
        if expected == "login":
            ok = page.status_code == 302 and location == "/login"
        elif expected == "home":
            ok = page.status_code == 302 and location not in ("", "/login")
        else:
            ok = page.status_code == expected
        if not ok:
            wrong.append(f"{method} {url} ({endpoint}): {page.status_code} {location!r} instead of {expected}")
        page.close()  # a static file is streamed from disk
        if user is not None and endpoint in ("auth.logout", "auth.logout_everywhere"):
            auth.login(user)  # the rest of the sweep is for a logged-in person again
    assert wrong == [], "\n".join(wrong)


def _database_state() -> dict[str, list[str]]:
    """Every row of every table (the audit log aside: a download is recorded, and that is its purpose)."""
    db.session.rollback()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
        for table in db.metadata.sorted_tables
        if table.name != "audit_events"
    }


def test_no_get_of_any_url_changes_anything(app, client, auth, world, make_user):
    """GETs are what prefetchers, scanners and <img src> send: every one of them, as an admin, writes nothing."""
    auth.login(make_user(Role.ADMIN))
    before = _database_state()
    gets = [route for route in staff_routes(app) + public_routes(app) if route[1] == "GET"]
    assert len(gets) >= 30
    for endpoint, method in gets:
        client.open(world.url(app, endpoint, method), method=method).close()
    assert _database_state() == before


HOSTILE_COMMENTS = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' onmouseover='alert(1)' title='",
)


def _live_markup(node) -> list[str]:
    """Script that a browser would run: an inline <script>, an on… attribute, a javascript: link."""
    found = []
    for element in node.iter():
        if element.tag == "script" and not element.get("src"):
            found.append("inline <script>")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                found.append(f"<{element.tag} {name}=javascript:…>")
    return found


def test_participant_text_is_inert_on_every_staff_page(app, client, auth, world, make_user, answer_form):
    """Hostile comments (with consent, so they reach every page that shows comments) render as text everywhere,
    in attributes (tooltips, confirmations) too, and the SVG pictures stay well-formed XML."""
    from xml.etree import ElementTree

    session = db.session.get(TrainingSession, world.ids["session_id"])
    for text in HOSTILE_COMMENTS:
        answers = {"q-overall": "4", "q-liked": f"Très bien {text} vraiment", "consent": "yes"}
        assert answer_form(session, answers).status_code == 303
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    for answer_id in db.session.scalars(select(Answer.id).where(Answer.text.like("Très bien %"))):
        for status in ("shortlisted", "approved"):
            client.post(f"/quotes/{answer_id}/statut", data={"status": status})
    wrong = []
    checked = 0
    for endpoint, method in staff_routes(app):
        if method != "GET":
            continue
        page = client.get(world.url(app, endpoint, method))
        body = page.get_data()
        page.close()
        if page.mimetype == "text/html":
            wrong += [f"{endpoint}: {found}" for found in _live_markup(parse(body.decode()))]
            checked += 1
        elif page.mimetype == "image/svg+xml":
            tree = ElementTree.fromstring(body)  # well-formed, whatever the comments say
            if any(el.tag.endswith("script") or any(a.startswith("on") for a in el.attrib) for el in tree.iter()):
                wrong.append(f"{endpoint}: script in the SVG")
            checked += 1
    assert checked >= 25
    assert wrong == [], "\n".join(wrong)
    # The comments are really on the pages that list them, as text.
    listed = client.get("/quotes/?annee=toutes").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listed or "&lt;script&gt;alert(&quot;x&quot;)" in listed


def test_a_trainer_reaches_their_own_session_training_and_sessions(
    client, auth, make_user, make_speaker, make_session, world
):
    trainer = make_user(Role.TRAINER)
    session = make_session(speakers=[make_speaker("Alix A.", user=trainer)])
    auth.login(trainer)
    for url in (f"/scores/sessions/{session.id}", f"/scores/trainings/{session.training_id}", "/scores/mine"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert session.training.title in page.get_data(as_text=True)
    mine = client.get("/scores/mine").get_data(as_text=True)
    assert "Formation de B" not in mine


def test_a_trainer_sees_only_their_own_sessions_of_a_shared_training(
    app, client, auth, make_user, make_speaker, make_session, world
):
    """Two trainers teach sessions of the same training: each lists and opens only their own."""
    trainer = make_user(Role.TRAINER)
    speaker_a = make_speaker("Alix A.", user=trainer)
    session_b = db.session.get(TrainingSession, world.ids["session_id"])
    own = make_session(session_b.training, speakers=[speaker_a])
    auth.login(trainer)

    page = client.get(f"/scores/trainings/{session_b.training_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'/scores/sessions/{own.id}"' in html
    assert f'/scores/sessions/{session_b.id}"' not in html
    assert db.session.get(Speaker, world.ids["speaker_id"]).name not in html
    assert client.get(f"/scores/sessions/{session_b.id}").status_code == 404
    assert client.get(f"/scores/sessions/{own.id}").status_code == 200


def test_ids_that_do_not_exist_are_404_for_every_role(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    for url in (
        "/scores/sessions/999999",
        "/scores/trainings/999999",
        "/manage/sessions/999999/edit",
        "/manage/speakers/999999/edit",
        "/manage/trainings/999999/edit",
        "/manage/sessions/999999/poster",
        "/manage/sessions/999999/table-tent",
        "/manage/sessions/999999/slide.png",
        "/manage/sessions/999999/slide.svg",
        "/manage/sessions/999999/counts",
        "/manage/sessions/999999/invitations",
    ):
        assert client.get(url).status_code == 404, url


def test_the_public_form_of_another_trainers_session_needs_no_account(client, world):
    """The survey pages are public by design: their code is the secret, not an account."""
    session = db.session.get(TrainingSession, world.ids["session_id"])
    page = client.get(f"/s/{session.public_code}")
    assert page.status_code == 200 and form_token(page.get_data(as_text=True))


# -- the JSON API: the same rules, with a bearer token ------------------------------------------------------------

#: What each API route answers trainer A's, communication's and a manager's (or admin's) token, on trainer B's
#: objects. Lists answer 200 with what the token may see (never B's data for trainer A); POST and PATCH are sent
#: an empty JSON object (a manager's POST /sessions is then a 422: the fields are missing).
API_EXPECTED = {
    ("api.list_trainings", "GET"): (200, 200, 200),
    ("api.get_training", "GET"): (404, 200, 200),
    ("api.list_sessions", "GET"): (200, 200, 200),
    ("api.create_session", "POST"): (404, 404, 422),
    ("api.get_session", "GET"): (404, 200, 200),
    ("api.update_session", "PATCH"): (404, 404, 200),
    ("api.open_session", "POST"): (404, 404, 200),
    ("api.close_session", "POST"): (404, 404, 200),
    ("api.session_qr_code", "GET"): (404, 404, 200),
    ("api.scores", "GET"): (200, 200, 200),
    ("api.list_responses", "GET"): (200, 404, 200),
    ("api.list_comments", "GET"): (200, 404, 200),
    ("api.list_themes", "GET"): (404, 200, 200),
    ("api.list_quotes", "GET"): (404, 200, 200),
    ("api.report", "GET"): (404, 200, 200),
}
API_COLUMN = {Role.TRAINER: 0, Role.COMMUNICATION: 1, Role.MANAGER: 2, Role.ADMIN: 2}


def api_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if classify(rule.endpoint) == API
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def _api_call(app, client, world, endpoint: str, method: str, secret: str | None):
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    body = {"json": {}} if method in ("POST", "PATCH") else {}
    return client.open(world.url(app, endpoint, method), method=method, headers=headers, **body)


def test_every_api_route_has_its_expected_answers(app):
    missing = sorted(set(api_routes(app)) - set(API_EXPECTED))
    assert missing == [], f"give the expected statuses of these API routes in API_EXPECTED: {missing}"
    assert len(api_routes(app)) >= 15


@pytest.mark.parametrize("role", list(EXPECTED), ids=[r.value for r in EXPECTED])
def test_every_api_route_answers_each_role_as_its_pages(
    app, client, world, make_user, make_speaker, make_session, role
):
    """A token reads what its account reads on the pages: trainer A never sees trainer B's sessions, scores or
    comments, communication writes nothing and reads no single response, managers and admins may write."""
    user = make_user(role)
    if role == Role.TRAINER:
        make_session(speakers=[make_speaker("Alix A.", user=user)])
    secret = create_api_token(user, name="sweep").secret
    db.session.commit()
    wrong = []
    for endpoint, method in api_routes(app):
        expected = API_EXPECTED[(endpoint, method)][API_COLUMN[role]]
        page = _api_call(app, client, world, endpoint, method, secret)
        body = page.get_data(as_text=True)
        if page.status_code != expected:
            wrong.append(f"{method} {endpoint}: {page.status_code} instead of {expected} {body[:200]}")
        elif page.status_code >= 400 and page.mimetype != "application/problem+json":
            wrong.append(f"{method} {endpoint}: an error that is not application/problem+json")
        elif not user.can_read_all_scores and any(secret_text in body for secret_text in WORLD_SECRETS):
            wrong.append(f"{method} {endpoint}: trainer B's data in the answer")
        elif page.headers.get("Set-Cookie"):
            wrong.append(f"{method} {endpoint}: the API set a cookie")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("kind", ["none", "malformed", "unknown", "revoked", "expired", "deactivated"])
def test_every_api_route_refuses_a_token_that_opens_nothing(app, client, world, make_user, kind):
    """No token, a malformed one, an unknown one, a revoked, an expired one, or one of a deactivated account: 401
    on every route, with nothing of the data; a manager's logged-in cookie opens nothing either."""
    manager = make_user(Role.MANAGER)
    new = create_api_token(manager, name="sweep", expires_days=1)
    secret = {"none": None, "malformed": "Basic dXNlcjpwYXNz", "unknown": "rt_" + "A" * 40}.get(kind, new.secret)
    if kind == "malformed":
        secret = "not a token at all \u00e9"
    if kind == "revoked":
        revoke_api_token(new.row, by=manager)
    if kind == "expired":
        db.session.execute(update(ApiToken).where(ApiToken.id == new.row.id).values(expires_dt=utcnow_minus_a_second()))
    if kind == "deactivated":
        manager.is_active_account = False
    db.session.commit()
    before = _database_state()
    wrong = []
    for endpoint, method in api_routes(app):
        page = _api_call(app, client, world, endpoint, method, secret)
        body = page.get_data(as_text=True)
        if page.status_code != 401 or page.mimetype != "application/problem+json":
            wrong.append(f"{method} {endpoint}: {page.status_code} {page.mimetype}")
        elif any(secret_text in body for secret_text in WORLD_SECRETS) or '"items"' in body:
            wrong.append(f"{method} {endpoint}: data in a refusal")
    assert wrong == [], "\n".join(wrong)
    assert _database_state() == before  # nothing opened, closed, created, and no last use recorded


def test_a_logged_in_browser_opens_no_api_route(app, client, auth, world, make_user):
    """The API is stateless: the session cookie of a manager's browser is not a credential there (no CSRF then)."""
    auth.login(make_user(Role.MANAGER))
    before = _database_state()
    for endpoint, method in api_routes(app):
        page = _api_call(app, client, world, endpoint, method, None)
        assert page.status_code == 401, f"{method} {endpoint}: {page.status_code}"
    assert _database_state() == before


def utcnow_minus_a_second():
    from datetime import timedelta

    from feedback.db import utcnow

    return utcnow() - timedelta(seconds=1)
