"""Printed and live distribution in a real Chromium: the table tent prints on one A4 landscape page, the manager's
response count refreshes by itself."""

from __future__ import annotations

import re
from datetime import date

import pytest

from feedback.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: A page object of a PDF ("/Type /Pages" is the page tree, not a page).
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
PDF_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
A4_LANDSCAPE_PT = (841.89, 595.28)
LONG_TITLE = (
    "Accueillir les publics allophones et faciliter leur accès aux droits : outils, postures et partenariats "
    "pour les professionnels de la Politique de la ville, cycle de qualification des adultes-relais"
)


@pytest.fixture
def manager_context(browser, live_server, make_user):
    """A desktop browser context logged in as a manager."""
    user = make_user(Role.MANAGER)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    context.set_default_timeout(10_000)
    login = context.request.post(f"{live_server}/login", form={"email": user.email, "password": PASSWORD})
    assert login.ok and login.url.endswith("/")  # followed the redirect to the home page
    yield context
    context.close()


@pytest.mark.parametrize("title", ["Réseau ASV", LONG_TITLE], ids=["short", "long"])
def test_the_table_tent_prints_on_one_a4_landscape_page(
    manager_context, live_server, make_training, make_session, title
):
    session = make_session(make_training(title), start_date=date(2026, 6, 18), place="Maison de quartier, Évry")
    page = manager_context.new_page()
    page.goto(f"{live_server}/manage/sessions/{session.id}/table-tent")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert len(PDF_PAGE.findall(pdf)) == 1
    width, height = (float(v) for v in PDF_MEDIA_BOX.search(pdf).groups())
    assert (width, height) == pytest.approx(A4_LANDSCAPE_PT, abs=1)

    # As printed: the top half upside down, each half's content inside its half of the sheet.
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"table-tent-{len(title)}.png"), full_page=True)
    assert page.locator(".toolbar").is_hidden()
    transform = page.eval_on_selector(".half.back", "el => getComputedStyle(el).transform")
    assert transform == "matrix(-1, 0, 0, -1, 0, 0)"
    assert page.eval_on_selector(".half.front", "el => getComputedStyle(el).transform") == "none"
    for side in ("back", "front"):
        half = page.locator(f".half.{side}").bounding_box()
        for part in (".qr svg", ".kicker", ".title", ".when", ".link"):
            box = page.locator(f".half.{side} {part}").bounding_box()
            assert box is not None and box["height"] > 0, (side, part)
            assert half["y"] <= box["y"] and box["y"] + box["height"] <= half["y"] + half["height"] + 0.5, (side, part)
            assert half["x"] <= box["x"] and box["x"] + box["width"] <= half["x"] + half["width"] + 0.5, (side, part)
    # The link is printed whole: one or two lines of monospace, never clipped.
    link = page.locator(".half.front .link")
    assert link.inner_text() == f"http://retours.test/s/{session.public_code}"
    assert "monospace" in link.evaluate("el => getComputedStyle(el).fontFamily")


def test_the_response_count_refreshes_while_the_form_is_open(manager_context, live_server, make_session, answer_form):
    session = make_session()
    session_id = session.id  # read now: the answers below commit, which expires the object outside a request
    page = manager_context.new_page()
    page.clock.install()  # the 10-second refresh, without waiting 10 seconds
    page.goto(f"{live_server}/scores/sessions/{session_id}")
    counter = page.locator("#response-count")
    assert counter.inner_text() == "0"

    assert answer_form(session, {"q-overall": "4"}).status_code == 303
    assert answer_form(session, {"q-overall": "3"}).status_code == 303
    with page.expect_response(lambda r: r.url.endswith(f"/manage/sessions/{session_id}/counts")):
        page.clock.run_for(10_500)
    page.wait_for_function("document.getElementById('response-count').textContent === '2'")
    assert counter.inner_text() == "2"
    assert page.locator(".figure[aria-live=polite]").inner_text().startswith("2")


def test_the_copy_button_copies_the_public_link(manager_context, live_server, make_session):
    session = make_session()
    manager_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = manager_context.new_page()
    page.goto(f"{live_server}/scores/sessions/{session.id}")
    page.get_by_role("button", name="Copier le lien").click()
    page.get_by_role("status").filter(has_text="Lien copié.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == f"http://retours.test/s/{session.public_code}"


def test_without_javascript_the_page_shows_the_count_at_load(
    browser, live_server, make_user, make_session, answer_form
):
    user = make_user(Role.MANAGER)
    session = make_session()
    answer_form(session, {"q-overall": "4"})
    context = browser.new_context(java_script_enabled=False)
    try:
        context.request.post(f"{live_server}/login", form={"email": user.email, "password": PASSWORD})
        page = context.new_page()
        page.goto(f"{live_server}/scores/sessions/{session.id}")
        assert page.locator("#response-count").inner_text() == "1"
        assert page.locator("button[data-copy]").is_hidden()  # the copy button needs JavaScript
    finally:
        context.close()
