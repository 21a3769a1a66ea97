"""The report's DOCX and XLSX of a large scope are made by the job queue: the link opens a page that refreshes
until the file is ready, then serves it; small scopes stay immediate. Only the account that asked, or one of the
same role, fetches the file; it expires after a day; a second click starts no second job; a dead worker's claim
is taken again."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from feedback import queue
from feedback.db import db, utcnow
from feedback.models import ReportFile, Role
from feedback.report import operations, tasks
from tests.conftest import free_port
from tests.htmltree import parse
from tests.queue_helpers import wait_until

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def large(app):
    """Every scope of these tests counts as large: more responses than REPORT_QUEUE_ABOVE."""
    saved = app.config["REPORT_QUEUE_ABOVE"]
    app.config["REPORT_QUEUE_ABOVE"] = 1
    yield
    app.config["REPORT_QUEUE_ABOVE"] = saved


def _files() -> list[ReportFile]:
    db.session.rollback()
    return list(db.session.scalars(select(ReportFile).order_by(ReportFile.id)))


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def test_a_small_scope_is_downloaded_at_once(client, auth, make_user, quoted):
    auth.login(make_user(Role.MANAGER))
    response = client.get("/report/rapport.xlsx?annee=2025")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert _files() == []


def test_a_large_scope_shows_a_refreshing_page_until_the_worker_has_made_the_file(
    app, client, auth, make_user, quoted, queue_file, large
):
    manager = make_user(Role.MANAGER)
    auth.login(manager)
    app.config["REPORT_QUEUE_ABOVE"] = 10**9
    immediate = client.get("/report/rapport.xlsx?annee=2025").data  # the same report, made in the request
    app.config["REPORT_QUEUE_ABOVE"] = 1

    asked = client.get("/report/rapport.xlsx?annee=2025")
    assert asked.status_code == 302
    page_url = asked.headers["Location"]
    waiting = client.get(page_url)
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    tree = parse(waiting.get_data(as_text=True))
    assert "préparation en cours" in tree.find("h1").text
    assert tree.find("meta", http_equiv="refresh").get("content") == "3"  # no script needed
    # A second click, a reload: the same file, no second job.
    assert client.get("/report/rapport.xlsx?annee=2025").headers["Location"] == page_url
    assert len(_files()) == 1 and queue.huey.pending_count() == 1

    queue.huey.execute(queue.huey.dequeue())  # what a worker does with the task
    ready = client.get(page_url)
    assert ready.status_code == 200 and ready.mimetype == XLSX
    assert ready.headers["Content-Disposition"] == 'attachment; filename="rapport-d-activite-2025.xlsx"'
    assert _sheets(ready.data) == _sheets(immediate)


def test_a_real_consumer_makes_the_document(client, auth, make_user, quoted, consumer, large):
    auth.login(make_user(Role.COMMUNICATION))
    page_url = client.get("/report/rapport.docx?annee=2025").headers["Location"]
    ready = wait_until(lambda: (page := client.get(page_url)).mimetype == DOCX and page, "the document, made")
    document = Document(io.BytesIO(ready.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["Rapport d'activité 2025", "L'année 2025 en chiffres", "Par département"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MANAGER, 200), (Role.COMMUNICATION, 404), (Role.ADMIN, 404), (Role.TRAINER, 404)],
    ids=["same role", "communication", "admin", "trainer"],
)
def test_only_the_same_role_fetches_another_accounts_file(client, auth, make_user, quoted, large, role, status):
    auth.login(make_user(Role.MANAGER, email="asked@example.org"))
    page_url = client.get("/report/rapport.docx?annee=2025").headers["Location"]
    auth.logout()
    auth.login(make_user(role, email="other@example.org"))
    response = client.get(page_url)
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == DOCX


def test_an_expired_file_is_gone_and_the_catch_up_deletes_it(client, auth, make_user, quoted, large):
    auth.login(make_user(Role.MANAGER))
    page_url = client.get("/report/rapport.xlsx?annee=2025").headers["Location"]
    assert client.get(page_url).mimetype == XLSX
    db.session.execute(update(ReportFile).values(expires_dt=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(page_url).status_code == 404
    tasks.catch_up_report_files.call_local()
    assert _files() == []
    # Asked again: a new file, for another day.
    again = client.get(client.get("/report/rapport.xlsx?annee=2025").headers["Location"])
    assert again.mimetype == XLSX
    [renewed] = _files()
    assert renewed.expires_dt > utcnow() + timedelta(hours=23)


def test_a_file_claimed_by_a_dead_worker_is_made_once_its_claim_expires(
    app, client, auth, make_user, quoted, queue_file, large
):
    auth.login(make_user(Role.MANAGER))
    page_url = client.get("/report/rapport.xlsx?annee=2025").headers["Location"]
    [asked] = _files()
    assert operations.claim_file(asked.id, utcnow()) is not None  # a worker took it, then was killed
    db.session.commit()

    queue.huey.execute(queue.huey.dequeue())  # the task again (delivered twice): the live claim stops it
    tasks.catch_up_report_files.call_local()
    assert [f.status for f in _files()] == ["pending"]
    assert "préparation en cours" in client.get(page_url).get_data(as_text=True)

    lease = timedelta(seconds=app.config["QUEUE_CLAIM_SECONDS"] + 1)
    db.session.execute(update(ReportFile).values(claimed_dt=utcnow() - lease))
    db.session.commit()
    tasks.catch_up_report_files.call_local()
    assert [f.status for f in _files()] == ["ready"]
    assert client.get(page_url).mimetype == XLSX
    assert db.session.scalar(select(func.count()).select_from(ReportFile)) == 1


def test_with_the_queue_down_the_file_is_made_by_the_catch_up(app, client, auth, make_user, quoted, large):
    auth.login(make_user(Role.MANAGER))
    queue.configure(f"redis://127.0.0.1:{free_port()}/0", immediate=False)  # nothing listens there
    try:
        asked = client.get("/report/rapport.docx?annee=2025")
    finally:
        queue.configure(app.config["QUEUE_URL"], immediate=app.config["QUEUE_IMMEDIATE"])
    assert asked.status_code == 302  # the request is stored; the page says the file is on its way
    assert "préparation en cours" in client.get(asked.headers["Location"]).get_data(as_text=True)

    tasks.catch_up_report_files.call_local()  # the consumer's per-minute run, once the queue is back
    assert [f.status for f in _files()] == ["ready"]
    assert client.get(asked.headers["Location"]).mimetype == DOCX


def test_a_file_that_could_not_be_made_says_so_and_can_be_asked_for_again(
    client, auth, make_user, quoted, queue_file, large, monkeypatch
):
    auth.login(make_user(Role.MANAGER))
    page_url = client.get("/report/rapport.docx?annee=2025").headers["Location"]

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "report_file", broken)
        queue.huey.execute(queue.huey.dequeue())
    failed = client.get(page_url)
    assert failed.status_code == 200 and failed.mimetype == "text/html"
    tree = parse(failed.get_data(as_text=True))
    assert "la préparation a échoué" in tree.find("h1").text
    assert tree.find("meta", http_equiv="refresh") is None  # nothing left to wait for
    (again,) = [a.get("href") for a in tree.find_all("a") if a.text == "Relancer la préparation"]

    new_page_url = client.get(again).headers["Location"]
    assert new_page_url != page_url  # a new request: the failed one is never handed out again
    queue.huey.execute(queue.huey.dequeue())
    made = client.get(new_page_url)
    assert made.status_code == 200 and made.mimetype == DOCX
    assert Document(io.BytesIO(made.data)).paragraphs
    assert [f.status for f in _files()] == ["failed", "ready"]
