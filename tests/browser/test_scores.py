"""The score pages in a real Chromium, on a phone and a desktop: no axe-core violation, charts drawn, tables usable."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.models import Role
from tests.browser.test_survey_form import run_axe
from tests.conftest import PASSWORD
from tests.dashboard.conftest import add_responses

pytestmark = pytest.mark.browser


def log_in(page, live_server, user) -> None:
    """Log the page's browser context in (the login page itself is tested in tests/test_auth.py)."""
    login = page.context.request.post(f"{live_server}/login", form={"email": user.email, "password": PASSWORD})
    assert login.ok


def test_the_overview_and_a_trainers_page_pass_axe_and_draw_their_charts(
    new_page, viewport, live_server, make_user, make_speaker, make_session, make_training, axe_source, screenshot
):
    trainer = make_user(Role.TRAINER)
    speaker = make_speaker("Inès Dumont", user=trainer)
    training = make_training("Accueillir les publics allophones")
    for month in (2, 5, 9):
        add_responses(
            make_session(training, start_date=date(2025, month, 3), speakers=[speaker], present=12), [4, 4, 3, 2, 4, 3]
        )

    page = new_page()
    log_in(page, live_server, make_user(Role.MANAGER))
    page.goto(f"{live_server}/scores/?annee=2025&vue=formation")
    assert page.locator("svg.chart circle").count() == 3
    assert page.locator("table.sortable tbody tr").count() == 1
    page.click("table.sortable thead a:has-text('Réponses')")
    assert "tri=reponses" in page.url
    screenshot(page, "scores-overview")
    assert run_axe(page, axe_source) == []

    page = new_page()
    log_in(page, live_server, trainer)
    page.goto(f"{live_server}/scores/mine?annee=2025")
    assert page.locator("svg.chart circle").count() == 3
    assert "vs l'ensemble du centre" in page.inner_text("main")
    screenshot(page, "scores-trainer")
    assert run_axe(page, axe_source) == []


def test_the_trend_chart_month_labels_never_overlap(
    new_page, viewport, live_server, make_user, make_session, make_training
):
    """Two years of months (the longest trend drawn by month), at a phone's and a desktop's width."""
    training = make_training("Accueillir les publics allophones")
    for year in (2024, 2025):
        for month in range(1, 13):
            if (year, month) != (2025, 8):  # a month without sessions keeps its place
                add_responses(make_session(training, start_date=date(year, month, 3), present=8), [4, 4, 3, 2, 4])
    page = new_page()
    log_in(page, live_server, make_user(Role.MANAGER))
    page.goto(f"{live_server}/scores/?du=2024-01-01&au=2025-12-31")
    labels = page.locator("svg.chart text.x-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) >= 6
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"], (viewport, left, right)
    assert page.locator("svg.chart circle").count() == 23
    assert "août 2025" in page.locator("#trend-title ~ details table").text_content()
