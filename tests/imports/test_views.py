"""The import pages: upload, preview, confirm; refusals shown by line and column; CSRF, size cap, access."""

from __future__ import annotations

import html as htmllib
import io
import re

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Attendance, Role, Training, TrainingSession
from tests.htmltree import parse
from tests.imports.helpers import REAL_CATALOGUE, SESSION_HEADER, as_file, csv_bytes, snapshot

TOKEN = re.compile(r'name="token" type="hidden" value="([A-Za-z0-9_-]{32})"|name="token" value="([A-Za-z0-9_-]{32})"')


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.find_all() if cell.tag in ("th", "td")] for row in table.find_all("tr")]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def token_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no confirmation token on the preview"
    return match.group(1) or match.group(2)


@pytest.fixture(autouse=True)
def pending_dir(app, tmp_path):
    """Uploads waiting for their confirmation go to this test's own directory."""
    app.config["IMPORT_PENDING_DIR"] = str(tmp_path / "pending")
    yield tmp_path / "pending"
    app.config["IMPORT_PENDING_DIR"] = None


@pytest.fixture
def manager(auth, make_user):
    user = make_user(Role.MANAGER)
    auth.login(user)
    return user


def upload(client, url: str, data: bytes, name: str, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_upload_preview_confirm_then_the_same_file_again(client, manager, kind):
    rows = [
        SESSION_HEADER,
        ["Droit des étrangers", "linguistique-integration", "formation", "91", "2025-03-04", "", "", "18", "", ""],
        ["<script>alert(1)</script>", "regional", "webinaire", "", "2025-04-29", "", "", "203", "", ""],
    ]
    data, name = as_file(rows, kind)
    page = upload(client, "/manage/imports/catalogue", data, name)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Aperçu : fichier." in html and "une ligne par session" in html
    summary = cells(parse(html).find(id="import-summary"))
    assert summary[1:] == [["Formations", "2", "0", "0"], ["Sessions", "2", "0", "0"]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert count(Training) == 0  # nothing before the confirmation

    done = client.post("/manage/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Catalogue importé : 2 formations créées, 0 modifiée ; 2 sessions créées" in done.get_data(as_text=True)
    assert (count(Training), count(TrainingSession)) == (2, 2)
    before = snapshot()

    # Confirming twice does nothing: the upload was forgotten.
    again = client.post("/manage/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Cet aperçu a expiré ou a déjà été confirmé" in again.get_data(as_text=True)
    # The same file again: the preview says there is nothing to do, and offers no confirmation.
    same = upload(client, "/manage/imports/catalogue", data, name).get_data(as_text=True)
    assert "Ce fichier est déjà importé tel quel" in same and "Confirmer l'import" not in same
    assert snapshot() == before


def test_a_refused_file_shows_every_problem_in_a_table(client, manager):
    rows = [
        SESSION_HEADER,
        ["A", "regional", "formation", "", "30/02/2025", "", "", "", "", ""],
        ["B", "regional", "formation", "", "2025-01-01", "", "", "=1+2", "", ""],
    ]
    page = upload(client, "/manage/imports/catalogue", csv_bytes(rows), "f.csv")
    assert page.status_code == 200
    box = parse(page.get_data(as_text=True)).find(id="import-problems")
    assert "Fichier refusé : rien n'a été importé. 2 problèmes à corriger" in box.text
    rows = cells(box.find("table"))
    assert rows[0] == ["Ligne", "Colonne", "Problème"]
    assert rows[1] == ["2", "date_debut", "la date « 30/02/2025 » n'existe pas."]
    assert rows[2][:2] == ["3", "participants"] and rows[2][2].startswith("cette cellule ressemble à une formule")
    assert count(Training) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"nom;prix\r\nA;1\r\n", "autre.csv", "format de fichier non reconnu"),
        ("titre;axe\r\nÉté;x\r\n".encode("utf-16"), "utf16.csv", "UTF-16"),
    ],
)
def test_hostile_or_wrong_files_are_explained(client, manager, data, name, message):
    page = upload(client, "/manage/imports/catalogue", data, name)
    assert page.status_code == 200 and message in page.get_data(as_text=True)


def test_no_file_and_files_over_the_cap(app, client, manager):
    page = client.post("/manage/imports/catalogue", data={}, content_type="multipart/form-data")
    assert "Choisissez un fichier CSV ou XLSX." in page.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 500
    try:
        page = upload(client, "/manage/imports/catalogue", REAL_CATALOGUE.read_bytes(), "activite.csv")
    finally:
        app.config["IMPORT_MAX_BYTES"] = 2 * 1024 * 1024
    assert "Le fichier dépasse la taille permise" in page.get_data(as_text=True)
    # Above the request cap, the body is refused before it is read.
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    huge = client.post("/manage/imports/catalogue", data=body, content_type="multipart/form-data; boundary=b")
    assert huge.status_code == 413 and "Envoi trop volumineux" in huge.get_data(as_text=True)


def test_the_real_catalogue_through_the_pages(client, manager):
    html = upload(client, "/manage/imports/catalogue", REAL_CATALOGUE.read_bytes(), REAL_CATALOGUE.name).get_data(
        as_text=True
    )
    assert "7\u202f411 participations" in html
    assert "l'action 2517 n'a pas de date : créée sans session." in htmllib.unescape(html)
    assert "… et 224 autres." in html  # 254 sessions, the first 30 listed
    client.post("/manage/imports/confirm", data={"token": token_of(html)})
    assert (count(Training), count(TrainingSession)) == (105, 254)


def test_an_attendance_list_through_the_pages_stores_no_name(client, manager, make_session, pending_dir):
    session = make_session(is_open=False)
    rows = [["Prénom", "Nom"], ["Hélène", "Vasseur"], ["Karim", "Belkacem"]]
    page = client.get(f"/manage/imports/?session={session.id}").get_data(as_text=True)
    assert f'value="{session.id}"' in page
    data, name = as_file(rows, "xlsx")
    preview = upload(client, "/manage/imports/attendance", data, name, session_id=str(session.id))
    html = preview.get_data(as_text=True)
    assert "Vasseur" not in html and "2 personnes dans 1 session" in html
    # The upload waiting for its confirmation holds hashes only.
    waiting = list(pending_dir.glob("*.json"))
    assert waiting and not any("Vasseur" in p.read_text() or "Hélène" in p.read_text() for p in waiting)

    done = client.post("/manage/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Émargement importé : 1 session, 2 personnes ; 2 ajoutées, 0 retirée." in done.get_data(as_text=True)
    assert count(Attendance) == 2 and session.participants_present == 2
    assert not list(pending_dir.glob("*.json"))

    unknown = upload(client, "/manage/imports/attendance", data, name, session_id="999999").get_data(as_text=True)
    assert "La session n° 999999 n'existe pas." in htmllib.unescape(unknown)


def test_cancel_forgets_the_upload(client, manager):
    html = upload(
        client,
        "/manage/imports/catalogue",
        *as_file([SESSION_HEADER, ["A", "regional", "formation", "", "2025-01-01"]], "csv"),
    ).get_data(as_text=True)
    token = token_of(html)
    assert "Import annulé" in client.post(
        "/manage/imports/cancel", data={"token": token}, follow_redirects=True
    ).get_data(as_text=True)
    client.post("/manage/imports/confirm", data={"token": token})
    assert count(Training) == 0


def test_an_upload_waits_an_hour_at_most(client, manager, pending_dir):
    import json
    import os
    import time

    rows = [SESSION_HEADER, ["A", "regional", "formation", "", "2025-01-01"]]
    html = upload(client, "/manage/imports/catalogue", *as_file(rows, "csv")).get_data(as_text=True)
    (path,) = pending_dir.glob("*.json")
    payload = json.loads(path.read_text())
    path.write_text(json.dumps({**payload, "created": time.time() - 3601}))
    os.utime(path, (time.time() - 3601, time.time() - 3601))
    page = client.post("/manage/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Cet aperçu a expiré" in page.get_data(as_text=True) and count(Training) == 0
    upload(client, "/manage/imports/catalogue", *as_file(rows, "csv"))  # the next upload purges the stale one
    assert not path.exists() and len(list(pending_dir.glob("*.json"))) == 1


def test_another_manager_cannot_confirm_my_upload(client, auth, manager, make_user):
    html = upload(
        client,
        "/manage/imports/catalogue",
        *as_file([SESSION_HEADER, ["A", "regional", "formation", "", "2025-01-01"]], "csv"),
    ).get_data(as_text=True)
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    page = client.post("/manage/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Cet aperçu a expiré" in page.get_data(as_text=True)
    assert count(Training) == 0
    assert client.post("/manage/imports/confirm", data={"token": "../../secret_key"}).status_code == 302


def test_the_pages_are_csrf_protected(client, manager, csrf_enabled):
    page = upload(
        client,
        "/manage/imports/catalogue",
        *as_file([SESSION_HEADER, ["A", "regional", "formation", "", "2025-01-01"]], "csv"),
    )
    assert page.status_code == 400
    assert client.post("/manage/imports/confirm", data={"token": "x" * 32}).status_code == 400
    assert count(Training) == 0


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COMMUNICATION])
def test_only_managers_and_admins_reach_the_imports(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/manage/imports/").status_code == 404
    data, name = as_file([SESSION_HEADER, ["A", "regional", "formation", "", "2025-01-01"]], "csv")
    assert upload(client, "/manage/imports/catalogue", data, name).status_code == 404
    assert count(Training) == 0
