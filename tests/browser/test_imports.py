"""The import pages in a real Chromium: a refused file's table of problems, then the real catalogue's preview and
its confirmation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Role, TrainingSession
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD
from tests.imports.helpers import REAL_CATALOGUE, SESSION_HEADER, csv_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def manager_page(app, browser, live_server, make_user, tmp_path):
    app.config["IMPORT_PENDING_DIR"] = str(tmp_path / "pending")
    user = make_user(Role.MANAGER)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    context.set_default_timeout(10_000)
    login = context.request.post(f"{live_server}/login", form={"email": user.email, "password": PASSWORD})
    assert login.ok
    yield context.new_page()
    context.close()
    app.config["IMPORT_PENDING_DIR"] = None


def test_refused_then_previewed_then_confirmed(manager_page, live_server, tmp_path):
    page = manager_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bad = tmp_path / "catalogue.csv"
    bad.write_bytes(
        csv_bytes([SESSION_HEADER, ["Atelier", "regional", "formation", "93", "31/04/2025"]], delimiter=";")
    )
    page.goto(f"{live_server}/manage/imports/")
    page.get_by_label("Fichier du catalogue (CSV ou XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    problems = page.locator("#import-problems tbody tr")
    assert problems.count() == 2
    assert problems.nth(0).inner_text().split("\t")[:2] == ["2", "date_debut"]
    page.screenshot(path=str(SCREENSHOTS / "import-refused.png"), full_page=True)

    page.get_by_label("Fichier du catalogue (CSV ou XLSX)").set_input_files(str(REAL_CATALOGUE))
    page.get_by_role("button", name="Vérifier le fichier").click()
    assert "254" in page.locator("#import-summary").inner_text()
    assert page.locator("#import-rows tbody tr").count() == 30
    page.screenshot(path=str(SCREENSHOTS / "import-preview.png"), full_page=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0

    page.get_by_role("button", name="Confirmer l'import").click()
    # 254 sessions written in one transaction: allow for a busy machine.
    page.get_by_role("status").filter(has_text="Catalogue importé : 105 formations créées").wait_for(timeout=30_000)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 254
