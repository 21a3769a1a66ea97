"""The audit log: who downloaded what, who changed a questionnaire or a quote; read by admins, filtered and paged."""

from __future__ import annotations

import json

import pytest
from flask import current_app
from sqlalchemy import select

from feedback import audit
from feedback.db import db
from feedback.models import Answer, AuditEvent, Questionnaire, Role
from tests.htmltree import parse

SECRET = "Le formateur m'a confié son numéro, merci Jeanne"


def events(action: str | None = None) -> list[AuditEvent]:
    db.session.rollback()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def approved_comment(client, auth, make_user, make_session, answer_form):
    """A comment whose author consented, approved by communication staff through the workspace's buttons."""
    session = make_session()
    assert answer_form(session, {"q-overall": "4", "q-liked": SECRET, "consent": "yes"}).status_code == 303
    # Enough responses for the disclosure rule to show the comments of this anonymous questionnaire's session.
    for _ in range(current_app.config["MIN_ANSWERS_FOR_RATE"] - 1):
        assert answer_form(session, {"q-overall": "3"}).status_code == 303
    answer_id = db.session.scalar(select(Answer.id).where(Answer.text == SECRET))
    communication = make_user(Role.COMMUNICATION, email="comm@example.org")
    auth.login(communication)
    for status in ("shortlisted", "approved"):
        assert client.post(f"/quotes/{answer_id}/statut", data={"status": status}).status_code == 302
    auth.logout()
    return answer_id, communication


#: Every download of the service: (endpoint, URL, format, roles allowed).
EXPORTS = [
    ("dashboard.export", "/scores/export?format=csv&annee=2025", "csv"),
    ("dashboard.export", "/scores/export?format=xlsx", "xlsx"),
    ("quotes.export", "/quotes/citations.docx?annee=toutes", "docx"),
    ("quotes.export", "/quotes/citations.md?annee=toutes", "md"),
    ("quotes.export", "/quotes/citations.csv?annee=toutes", "csv"),
    ("quotes.export", "/quotes/citations.xlsx?annee=toutes", "xlsx"),
    ("builder.export", "/manage/questionnaires/{questionnaire_id}/export.json", "json"),
    ("report.download", "/report/rapport.xlsx?annee=2025", "xlsx"),
    ("report.download", "/report/rapport.docx", "docx"),
]


def test_every_export_endpoint_is_in_the_audited_list(app):
    exported = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.rpartition(".")[2] in ("export", "download")
    }
    assert exported == {endpoint for endpoint, _url, _format in EXPORTS}


@pytest.mark.parametrize(("endpoint", "url", "file_format"), EXPORTS, ids=[f"{e}-{f}" for e, _u, f in EXPORTS])
def test_every_download_is_logged_with_who_what_and_the_filters_but_no_participant_text(
    client, auth, make_user, approved_comment, endpoint, url, file_format
):
    manager = make_user(Role.MANAGER, email="manager@example.org")
    auth.login(manager)
    questionnaire_id = db.session.scalar(select(Questionnaire.id))
    page = client.get(url.format(questionnaire_id=questionnaire_id))
    assert page.status_code == 200 and page.headers["Content-Disposition"].startswith("attachment")
    if endpoint == "quotes.export" and file_format in ("csv", "md"):
        assert "Le formateur" in page.get_data(as_text=True)  # the file holds the quote...

    [event] = events("export.download")
    assert (event.user_id, event.object_type, event.object_id) == (manager.id, "export", endpoint)
    assert event.details["format"] == file_format and event.details["path"] == url.split("?")[0].format(
        questionnaire_id=questionnaire_id
    )
    assert isinstance(event.details["rows"], int) and event.details["title"]
    if "annee=" in url:
        assert event.details["filters"]["annee"] == [url.split("annee=")[1]]
    assert "formateur" not in json.dumps(event.details, ensure_ascii=False)  # ...the log never does


def test_quote_changes_are_logged_with_who_and_the_statuses_never_the_text(client, auth, approved_comment):
    answer_id, communication = approved_comment
    assert [(e.details["from"], e.details["to"]) for e in events("quote.status")] == [
        ("new", "shortlisted"),
        ("shortlisted", "approved"),
    ]
    auth.login(communication)
    client.post(f"/quotes/{answer_id}/statut", data={"status": "shortlisted"})
    client.post(f"/quotes/{answer_id}/texte", data={"text": "Le formateur était clair."})
    logged = events("quote.status") + events("quote.edit")
    assert {(e.user_id, e.object_type, e.object_id) for e in logged} == {(communication.id, "comment", str(answer_id))}
    assert events("quote.edit")[0].details == {"edited": True}
    assert "formateur" not in json.dumps([e.details for e in logged], ensure_ascii=False)


def test_questionnaire_changes_are_logged_one_event_per_saved_edit(client, auth, make_user):
    manager = make_user(Role.MANAGER)
    auth.login(manager)
    created = client.post("/manage/questionnaires/new", data={"starting_point": "conference-webinaire"})
    assert created.status_code == 302
    draft = db.session.scalar(select(Questionnaire).order_by(Questionnaire.id.desc()))
    client.post(
        f"/manage/questionnaires/{draft.id}/questions",
        data={"edit_version": draft.edit_version, "kind": "long_text", "code": "suite", "label": "Et ensuite ?"},
    )
    db.session.refresh(draft)
    client.post(f"/manage/questionnaires/{draft.id}/publish", data={"edit_version": draft.edit_version})
    # A refused edit (a stale page) leaves no event.
    client.post(f"/manage/questionnaires/{draft.id}", data={"edit_version": "1", "title": "Autre"})

    logged = [e for e in events() if e.action.startswith("questionnaire.")]
    assert [e.action for e in logged] == [
        "questionnaire.new_from_library",
        "questionnaire.add_question",
        "questionnaire.publish",
    ]
    assert {(e.user_id, e.object_type, e.object_id) for e in logged} == {(manager.id, "questionnaire", str(draft.id))}
    assert logged[0].details["family"] == draft.family and "question_id" in logged[1].details


def test_admins_read_the_log_filtered_by_account_and_action_page_by_page(client, auth, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    manager = make_user(Role.MANAGER, email="manager@example.org")
    for number in range(60):
        audit.record("export.download", "export", "dashboard.export", {"format": "csv", "n": number}, user=manager)
    audit.record("account.role", "user", manager.id, {"from": "trainer", "to": "manager"}, user=admin)
    db.session.commit()
    auth.login(admin)

    first = parse(client.get("/admin/audit").get_data(as_text=True))
    assert "61 évènements — page 1 sur 2" in first.find("p", role="status").text
    rows = first.find("tbody").find_all("tr")
    assert len(rows) == 50 and "Compte : rôle changé" in rows[0].text  # newest first

    filtered = parse(client.get(f"/admin/audit?user={manager.id}&action=export.download&page=2").get_data(as_text=True))
    assert "60 évènements — page 2 sur 2" in filtered.find("p", role="status").text
    rows = filtered.find("tbody").find_all("tr")
    assert len(rows) == 10 and all("manager@example.org" in row.text for row in rows)
    assert "n : 9" in rows[0].text and "n : 0" in rows[-1].text
    previous = filtered.find("a", rel="prev").get("href")
    assert f"user={manager.id}" in previous and "action=export.download" in previous and "page=1" in previous

    odd = client.get("/admin/audit?user=abc&action=%3Cscript%3E&page=-3")
    assert odd.status_code == 200 and "<script>" not in odd.get_data(as_text=True)


def test_nested_details_read_as_lists_not_as_a_python_dict(client, auth, make_user):
    admin = make_user(Role.ADMIN)
    details = {"format": "xlsx", "filters": {"annee": "2025", "dept": ["91", "94"]}, "empty": {}}
    audit.record("export.download", "export", "report.download", details, user=admin)
    db.session.commit()
    auth.login(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    cell = parse(html).find("tbody").find("tr").find_all("td")[-1]
    assert "{" not in cell.text and "[" not in cell.text and "'" not in cell.text
    items = [" ".join(li.text.split()) for li in cell.find_all("li")]
    assert (
        "annee : 2025" in items and "dept : 91, 94" in items and "format : xlsx" in items and "empty : aucun" in items
    )
