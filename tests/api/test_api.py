"""The JSON API through the application, with real tokens: what each role reads and writes, paging, ETags,
errors, the rate limit, and the same numbers as the pages and `flask report --json`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import quote

from sqlalchemy import select

from feedback.auth.api_tokens import hash_token
from feedback.db import db, utcnow
from feedback.models import Answer, ApiToken, AuditEvent, Axis, Department, Modality, Role, TrainingSession
from tests.dashboard.conftest import add_responses


def test_a_token_is_printed_once_and_stored_hashed(app, runner, make_user, client):
    manager = make_user(Role.MANAGER, email="direction@example.org")
    result = runner.invoke(
        args=["api-token", "create", "direction@example.org", "--name", "Power BI", "--expires-days", "30"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("rt_") and len(secret) >= 40
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == manager.id))
    assert token.name == "Power BI" and token.token_hash == hash_token(secret)
    assert secret not in json.dumps([str(v) for v in token.__dict__.values()])  # only the hash is kept
    assert timedelta(days=29) < token.expires_dt - utcnow() <= timedelta(days=30)
    assert token.last_used_dt is None
    assert client.get("/api/v1/trainings", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    db.session.refresh(token)
    assert token.last_used_dt is not None
    unknown = runner.invoke(args=["api-token", "create", "nobody@example.org", "--name", "x"])
    assert unknown.exit_code != 0 and "Aucun compte actif" in unknown.output


def test_the_account_page_creates_shows_once_lists_and_revokes_a_token(client, auth, make_user):
    user = make_user(Role.COMMUNICATION)
    auth.login(user)
    page = client.post("/account/api-tokens", data={"name": "Site web", "expires_days": "90"})
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    secret = html.split('<code class="api-token">')[1].split("</code>")[0]
    assert hash_token(secret) == token.token_hash
    listed = client.get("/account").get_data(as_text=True)
    assert "Site web" in listed and token.prefix in listed and secret not in listed  # shown once
    assert client.get("/api/v1/trainings", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    assert "révoqué" in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/trainings", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "api_token")).all()
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]
    refused = client.post("/account/api-tokens", data={"name": "", "expires_days": "0"})
    assert refused.status_code == 422 and "Donnez un nom" in refused.get_data(as_text=True)


def test_a_manager_creates_updates_opens_and_closes_a_session_and_each_change_is_audited(
    api_as, make_training, make_speaker
):
    api = api_as(Role.MANAGER)
    training = make_training("Accueillir les publics")
    speaker = make_speaker("Inès Roy")
    created = api.post(
        "/api/v1/sessions",
        {"training_id": training.id, "start_date": "2026-03-12", "department": "91", "speaker_ids": [speaker.id]},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    session = created.get_json()
    assert session["department"] == "91" and session["speakers"] == [{"id": speaker.id, "name": "Inès Roy"}]
    assert session["public_url"].endswith("/s/" + db.session.get(TrainingSession, session["id"]).public_code)
    assert session["is_open"] is False and session["responses"] == 0
    changed = api.patch(f"/api/v1/sessions/{session['id']}", {"place": "Évry", "participants_present": 14})
    assert changed.get_json()["place"] == "Évry" and changed.get_json()["participants_present"] == 14
    assert api.post(f"/api/v1/sessions/{session['id']}/open").get_json()["is_open"] is True
    assert api.post(f"/api/v1/sessions/{session['id']}/close").get_json()["is_open"] is False
    qr = api.get(session["qr_code_url"].split("127.0.0.1:5000")[-1])
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    events = db.session.execute(select(AuditEvent.action, AuditEvent.details).order_by(AuditEvent.id)).all()
    api_events = [(action, details) for action, details in events if action.startswith("api.")]
    assert [a for a, _ in api_events] == [
        "api.session_create",
        "api.session_update",
        "api.session_open",
        "api.session_close",
    ]
    assert all(details["via"] == "api" and details["token_name"] == "tests" for _, details in api_events)
    bad = api.patch(f"/api/v1/sessions/{session['id']}", {"end_date": "2026-01-01"})
    assert bad.status_code == 409 and "fin précède" in bad.get_json()["detail"]


def test_a_trainers_token_reads_only_their_sessions_and_scores(api_as, make_user, make_speaker, make_session):
    trainer = make_user(Role.TRAINER)
    mine = make_session(speakers=[make_speaker("Alix A.", user=trainer)], start_date=date(2025, 3, 3))
    other = make_session(speakers=[make_speaker("Bérénice B.")], start_date=date(2025, 3, 4))
    add_responses(mine, [4, 4, 3, 1, 2, 4])
    add_responses(other, [1, 1, 1, 1, 1, 1, 1])
    api = api_as(trainer)
    sessions = api.get("/api/v1/sessions").get_json()["items"]
    assert [s["id"] for s in sessions] == [mine.id]
    assert sessions[0]["public_url"] is None  # the link is the managers' business, as on the pages
    assert api.get(f"/api/v1/sessions/{other.id}").status_code == 404
    scores = api.get("/api/v1/scores?year=2025").get_json()
    assert scores["totals"]["responses"] == 6 and scores["totals"]["satisfaction"]["rate"] == 4 / 6
    assert api.get(f"/api/v1/scores?year=2025&training_id={other.training_id}").get_json()["totals"]["responses"] == 0
    assert api.get("/api/v1/scores?year=2025&by=speaker").status_code == 404
    responses = api.get("/api/v1/responses").get_json()["items"]
    assert {r["session_id"] for r in responses} == {mine.id}


def test_a_figure_from_too_few_answers_is_null_with_its_reason(api_as, make_session):
    session = make_session(start_date=date(2025, 5, 5), department=Department.ESSONNE)
    add_responses(session, [4, 4, 3])
    manager, admin = api_as(Role.MANAGER), api_as(Role.ADMIN)
    hidden = manager.get("/api/v1/scores?year=2025&by=department").get_json()
    assert hidden["totals"]["satisfaction"] == {
        "n": 3,
        "rate": None,
        "low": None,
        "high": None,
        "reason": "trop peu de réponses",
    }
    assert hidden["rows"][0]["key"] == "91" and hidden["rows"][0]["satisfaction"]["rate"] is None
    shown = admin.get("/api/v1/scores?year=2025&by=department").get_json()
    assert shown["totals"]["satisfaction"]["rate"] == 1.0 and shown["totals"]["satisfaction"]["reason"] is None


def test_the_report_endpoint_gives_the_numbers_of_flask_report_json(api_as, runner, make_training, make_session):
    training = make_training("Réseau des médiateurs", Axis.CITY_POLICY, Modality.PEER_NETWORK)
    for day in (3, 10, 17):
        add_responses(make_session(training, start_date=date(2025, 6, day), present=9), [4, 3, 4, 2, 4, 4])
    add_responses(make_session(training, start_date=date(2024, 6, 3), present=8), [4, 4, 4, 4, 1])
    cli = json.loads(runner.invoke(args=["report", "--period", "2025", "--json"]).output)
    api = api_as(Role.COMMUNICATION).get("/api/v1/report?year=2025")
    assert api.status_code == 200
    assert api.get_json() == cli
    assert api.get_json()["satisfaction"]["n"] == 18


def test_paging_through_responses_while_new_ones_arrive_sees_each_once(api_as, make_session):
    session = make_session(start_date=date(2025, 9, 1))
    add_responses(session, [4, 3, 2, 1, 4] * 5)  # 25
    api = api_as(Role.MANAGER)
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/api/v1/responses?limit=7" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [r["id"] for r in page["items"]]
        pages += 1
        if pages <= 3:
            add_responses(session, [4, 4])  # two more arrive after each of the first three pages
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 31  # no duplicate, no gap, the new ones included
    assert seen == sorted(seen)
    since = quote((utcnow() + timedelta(seconds=1)).isoformat())
    assert api.get(f"/api/v1/responses?updated_since={since}").get_json()["items"] == []
    earlier = quote((utcnow() - timedelta(hours=1)).isoformat())
    assert len(api.get(f"/api/v1/responses?limit=1000&updated_since={earlier}").get_json()["items"]) == 31


def test_responses_carry_answers_by_question_code_and_text_only_for_comment_readers(
    api_as, make_user, make_speaker, make_session, answer_form
):
    trainer = make_user(Role.TRAINER)
    session = make_session(speakers=[make_speaker("Alix A.", user=trainer)])
    assert answer_form(session, {"q-overall": "4", "q-liked": "Très bien, merci", "consent": "yes"}).status_code == 303
    for _ in range(4):
        assert answer_form(session, {"q-overall": "3"}).status_code == 303
    manager = api_as(Role.MANAGER).get(f"/api/v1/responses?session_id={session.id}").get_json()["items"]
    first = manager[0]["answers"]
    assert {"question": "overall", "kind": "satisfaction", "value": 4} in first
    assert any(a["value"] == "Très bien, merci" for a in first)
    trainers = api_as(trainer).get(f"/api/v1/responses?session_id={session.id}").get_json()["items"]
    assert len(trainers) == 5 and all(a["kind"] not in ("short_text", "long_text") for a in trainers[0]["answers"])
    comments = api_as(trainer).get("/api/v1/comments").get_json()["items"]
    assert [c["text"] for c in comments] == ["Très bien, merci"] and comments[0]["tone"] in ("positive", "mixed")
    assert comments[0]["analysed_tone"] == comments[0]["tone"]  # no correction by staff
    assert api_as(Role.COMMUNICATION).get("/api/v1/responses").status_code == 404


def test_read_endpoints_answer_304_to_their_etag(api_as, make_session):
    make_session()
    api = api_as(Role.MANAGER)
    first = api.get("/api/v1/sessions")
    assert first.status_code == 200 and first.headers["ETag"]
    again = api.get("/api/v1/sessions", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    make_session()
    changed = api.get("/api/v1/sessions", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and len(changed.get_json()["items"]) == 2


def test_errors_are_problem_details_in_french_or_english(api_as, client, make_session):
    api = api_as(Role.MANAGER)
    session = make_session()
    reversed_dates = {"start_date": "2026-05-02", "end_date": "2026-05-01"}
    refused = api.patch(f"/api/v1/sessions/{session.id}", reversed_dates, headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.get_json()["detail"] == "The end date comes before the start date."
    assert refused.headers["Content-Language"] == "en"
    french = api.get("/api/v1/sessions?limit=0")
    assert french.status_code == 422 and french.mimetype == "application/problem+json"
    assert french.get_json()["title"] == "Paramètres invalides" and "limit" in french.get_json()["errors"]
    english = api.get("/api/v1/sessions/999999", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 404 and english.get_json()["title"] == "Not found"
    anonymous = client.get("/api/v1/scores", headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.get_json()["title"].startswith("Missing, invalid")
    assert api.get("/api/v1/responses?cursor=not-a-cursor").status_code == 422


def test_the_rate_limit_counts_each_token_apart(app, api_as):
    saved = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = api_as(Role.MANAGER), api_as(Role.MANAGER)
        assert [first.get("/api/v1/trainings").status_code for _ in range(3)] == [200, 200, 200]
        limited = first.get("/api/v1/trainings")
        assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
        assert second.get("/api/v1/trainings").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = saved


def test_the_reference_page_is_built_from_the_document_and_passes_the_csp(client):
    page = client.get("/api/v1/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script" not in html and "https://" not in html.replace("https://github.com", "")
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method in operations:
            if method in ("get", "post", "patch"):
                assert f"{method.upper()} {path}" in html


def test_writes_need_the_token_not_a_csrf_token(api_as, make_session, csrf_enabled):
    """With CSRF protection on, as in production: a token's POST works without any CSRF token (a cross-site page
    cannot send the Authorization header), and sets no cookie."""
    session = make_session(is_open=False)
    opened = api_as(Role.MANAGER).post(f"/api/v1/sessions/{session.id}/open")
    assert opened.status_code == 200 and opened.get_json()["is_open"] is True
    assert "Set-Cookie" not in opened.headers


def test_approved_quotes_come_with_their_attribution_and_never_a_name(
    api_as, client, auth, make_user, make_training, make_session, answer_form
):
    training = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    session = make_session(training, department=Department.ESSONNE)
    text = "Une journée très riche, des échanges concrets avec des collègues du département, merci beaucoup."
    assert answer_form(session, {"q-overall": "4", "q-liked": text, "consent": "yes"}).status_code == 303
    for _ in range(4):  # enough answers for the comments of this anonymous questionnaire's session to be shown
        assert answer_form(session, {"q-overall": "3"}).status_code == 303
    communication = make_user(Role.COMMUNICATION)
    answer_id = db.session.scalar(select(Answer.id).where(Answer.text == text))
    auth.login(communication)
    for status in ("shortlisted", "approved"):
        assert client.post(f"/quotes/{answer_id}/statut", data={"status": status}).status_code == 302
    auth.logout()
    quotes = api_as(communication).get(f"/api/v1/quotes?year={session.start_date.year}").get_json()["items"]
    assert [q["text"] for q in quotes] == [text]
    assert "Droit des étrangers" in quotes[0]["attribution"] and "Essonne" in quotes[0]["attribution"]
    assert quotes[0]["axis"] == Axis.LANGUAGE_INTEGRATION.value
    assert api_as(Role.TRAINER).get("/api/v1/quotes").status_code == 404
