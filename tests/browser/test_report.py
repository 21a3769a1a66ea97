"""The report page in a real Chromium, on a phone and a desktop: no axe-core violation, charts and word cloud drawn,
filters in the URL, and a print PDF of several A4 pages without the navigation."""

from __future__ import annotations

import re

import pytest

from feedback.models import Role
from tests.browser.test_scores import log_in
from tests.browser.test_survey_form import run_axe
from tests.report.helpers import approve_quotes, build_centre

pytestmark = pytest.mark.browser

#: A4 in points (595 x 842), as Chromium writes each page's MediaBox.
A4_MEDIA_BOX = re.compile(rb"/MediaBox \[0 0 59[45](?:\.\d+)? 84[12](?:\.\d+)?\]")


def test_the_report_passes_axe_and_prints_as_a4_pages(
    new_page, viewport, live_server, make_user, make_training, make_session, answer_form, axe_source, screenshot
):
    centre = build_centre(make_training, make_session)
    approve_quotes(centre["lang_apr"], answer_form, make_user)

    page = new_page()
    log_in(page, live_server, make_user(Role.COMMUNICATION))
    page.goto(f"{live_server}/report/?annee=2025")
    assert page.locator("h1").inner_text() == "Rapport d'activité 2025"
    assert page.locator("svg.chart-bars").count() == 6
    assert page.locator("#t-department tbody tr").count() == 3
    assert page.locator("#verbatims blockquote").count() == 2
    assert page.eval_on_selector("#themes img", "img => img.complete && img.naturalWidth") == 900  # the cloud loaded
    screenshot(page, "report")
    assert run_axe(page, axe_source) == []

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages > 1 and len(A4_MEDIA_BOX.findall(pdf)) >= pages
    page.emulate_media(media="print")
    for hidden in ("header.topbar", "form.filters", "p.downloads"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("#verbatims").is_visible()
    page.emulate_media(media="screen")

    page.select_option("#f-dept", "94")
    page.click("form.filters button[type=submit]")
    assert "dept=94" in page.url
    assert page.locator("#t-department tbody tr").count() == 1
    assert "Département : Val-de-Marne (94)" in page.locator(".meta").inner_text()
