"""Who reaches what: every staff URL, discovered from the URL map, for every kind of visitor.

The objects in the URLs belong to ANOTHER trainer than the one logged in. An endpoint that is not classified
below fails the sweep, so a new page cannot escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from feedback.builder.operations import start_new_version
from feedback.db import db
from feedback.models import Role, Speaker, TrainingSession
from tests.conftest import form_token

#: Open to anyone, checked elsewhere (the public form, login, health).
PUBLIC = {
    "static",
    "health.health",
    "auth.index",
    "auth.login",
    "auth.logout",
    "survey.show_form",
    "survey.submit_form",
    "survey.thanks",
    "survey.leave_followup_email",
    "followup.show_form",
    "followup.submit_form",
    "followup.thanks",
}
MANAGE = "manage"  # managers and admins only: the whole /manage area (catalogue, distribution, questionnaires)
ALL_SCORES = "all_scores"  # managers, admins and communication
ANY_STAFF = "any_staff"  # any logged-in account (their own data only)
SCORES_OF = "scores_of"  # the scores of one training or session: its speakers, and who reads all scores
CLASSES = {
    "dashboard.overview": ALL_SCORES,
    "dashboard.export": ALL_SCORES,
    "dashboard.my_sessions": ANY_STAFF,
    "dashboard.training": SCORES_OF,
    "dashboard.session": SCORES_OF,
}


def classify(endpoint: str) -> str | None:
    if endpoint in PUBLIC:
        return "public"
    if endpoint.startswith(("manage.", "distribution.", "builder.")):
        return MANAGE
    return CLASSES.get(endpoint)


def staff_routes(app) -> list[tuple[str, str]]:
    """(endpoint, method) of every rule outside the public ones, from the app's URL map."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if classify(rule.endpoint) != "public"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return sorted(routes)


def test_every_endpoint_is_classified(app):
    unclassified = sorted({rule.endpoint for rule in app.url_map.iter_rules() if classify(rule.endpoint) is None})
    assert unclassified == [], f"classify these endpoints in {__name__}: {unclassified}"
    assert len(staff_routes(app)) >= 20  # the sweep really sweeps (GET and POST of every staff page)


@dataclass
class World:
    """Trainer B's speaker, training and session; the URLs are filled with those ids."""

    ids: dict[str, int]

    def url(self, app, endpoint: str, method: str) -> str:
        rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
        unknown = set(rule.arguments) - set(self.ids)
        assert not unknown, f"{endpoint}: no id to fill {unknown}; add one to the `world` fixture"
        return app.url_map.bind("localhost").build(endpoint, {a: self.ids[a] for a in rule.arguments}, method=method)


@pytest.fixture
def world(make_user, make_speaker, make_training, make_session, answer_form) -> World:
    trainer_b = make_user(Role.TRAINER, email="trainer-b@example.org")
    speaker_b = make_speaker("Bérénice B.", user=trainer_b)
    training_b = make_training("Formation de B")
    session_b = make_session(training_b, speakers=[speaker_b], present=8)
    assert answer_form(session_b, {"q-overall": "4", "q-liked": "Confidentiel B"}).status_code == 303
    draft = start_new_version(session_b.questionnaire)  # the builder's pages, on a draft its buttons may change
    db.session.commit()
    return World(
        {
            "training_id": training_b.id,
            "session_id": session_b.id,
            "speaker_id": speaker_b.id,
            "questionnaire_id": draft.id,
            "question_id": draft.questions[0].id,
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
        if expected == "login":
            location = urlsplit(page.headers.get("Location", "")).path
            if status != 302 or location != "/login":
                wrong.append(f"{method} {url} ({endpoint}): {status} {location!r} instead of a redirect to /login")
        elif status != expected:
            wrong.append(f"{method} {url} ({endpoint}): {status} instead of {expected}")
        elif not may_see_b and any(secret in page.get_data(as_text=True) for secret in WORLD_SECRETS):
            wrong.append(f"{method} {url} ({endpoint}): the page shows trainer B's data")
    return wrong


def test_an_anonymous_visitor_is_sent_to_login_from_every_staff_url(app, client, world):
    wrong = _sweep(app, client, world, lambda kind: "login")
    assert wrong == [], "\n".join(wrong)


EXPECTED = {
    Role.TRAINER: {MANAGE: 404, ALL_SCORES: 404, ANY_STAFF: 200, SCORES_OF: 404},
    Role.COMMUNICATION: {MANAGE: 404, ALL_SCORES: 200, ANY_STAFF: 200, SCORES_OF: 200},
    Role.MANAGER: {MANAGE: 200, ALL_SCORES: 200, ANY_STAFF: 200, SCORES_OF: 200},
    Role.ADMIN: {MANAGE: 200, ALL_SCORES: 200, ANY_STAFF: 200, SCORES_OF: 200},
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
