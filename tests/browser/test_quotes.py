"""The quotes workspace in a real Chromium: communication staff shortlist, edit, approve a quote and correct its
tone, read the themes and their word cloud; axe-core on each page; a trainer reads their session's comments."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.models import Axis, Department, Modality, Role
from tests.browser.test_builder import log_in, run_axe

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is a dev dependency").expect

COMMENTS = [
    "Des échanges riches avec des collègues de terrain, une journée très utile.",
    "Échanges riches et cas pratiques concrets.",
    "Trop de théorie, pas assez de cas pratiques.",
    "Merci Claire Martin pour cette journée, des cas pratiques utiles.",
    'Hostile "><img src=x onerror=alert(1)> <script>alert(2)</script> échanges riches.',
]


@pytest.fixture
def comments(make_training, make_session, make_speaker, answer_form):
    training = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    speaker = make_speaker("Claire Martin")
    session = make_session(training, start_date=date(2025, 3, 10), department=Department.ESSONNE, speakers=[speaker])
    for text in COMMENTS:
        assert answer_form(session, {"q-overall": "4", "q-liked": text, "consent": "yes"}).status_code == 303
    return session


def test_communication_staff_shortlist_edit_and_approve_a_quote(
    page, live_server, make_user, comments, axe_source, screenshot, viewport
):
    log_in(page, live_server, make_user(Role.COMMUNICATION))
    page.goto(f"{live_server}/quotes/")
    expect(page.locator("blockquote.comment-text")).to_have_count(len(COMMENTS))
    expect(page.get_by_text("Merci [nom] pour cette journée, des cas pratiques utiles.")).to_be_visible()
    expect(page.get_by_text(COMMENTS[4])).to_be_visible()  # shown as text, never run (the page has no error)
    violations = {"list": run_axe(page, axe_source)}
    screenshot(page, "quotes-list")

    card = page.locator("article.comment").filter(has_text=COMMENTS[0])
    card.get_by_role("button", name="Présélectionner").click()
    card = page.locator("article.comment").filter(has_text=COMMENTS[0])
    expect(card.locator(".status")).to_have_text("Présélectionné")
    card.get_by_role("link", name="Modifier le texte").click()
    page.get_by_label("Texte de la citation").fill("Des échanges riches avec des collègues de terrain.")
    page.get_by_role("button", name="Enregistrer le texte").click()
    expect(page.get_by_text("Texte de la citation enregistré.")).to_be_visible()
    page.get_by_role("button", name="Approuver").click()
    expect(page.locator(".attribution").first).to_have_text(
        "— Participant·e, formation « Droit des étrangers », Essonne, 2025"
    )
    page.get_by_label("Ton du commentaire").select_option("mixed")  # the analysis read praise; staff know better
    page.get_by_role("button", name="Enregistrer le ton").click()
    expect(page.get_by_text("Ton corrigé : mitigé.")).to_be_visible()
    expect(page.locator(".comment-meta .tone")).to_have_text("Mitigé (corrigé)")
    violations["detail"] = run_axe(page, axe_source)
    screenshot(page, "quotes-detail")

    page.goto(f"{live_server}/quotes/?statut=approved")
    expect(page.locator("blockquote.comment-text")).to_have_text(["Des échanges riches avec des collègues de terrain."])
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")

    page.goto(f"{live_server}/quotes/themes?annee=2025")
    cloud = page.get_by_role("img", name="Nuage des thèmes", exact=False)
    expect(cloud).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth", cloud.element_handle()) == 900
    violations["themes"] = run_axe(page, axe_source)
    screenshot(page, "quotes-themes")
    page.goto(f"{live_server}/quotes/suggestions?annee=2025")
    violations["suggestions"] = run_axe(page, axe_source)
    assert {name: found for name, found in violations.items() if found} == {}


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_trainer_reads_their_sessions_comments(page, live_server, make_user, make_speaker, make_session, answer_form):
    trainer = make_user(Role.TRAINER)
    session = make_session(start_date=date(2025, 3, 10), speakers=[make_speaker("Alix Aubert", user=trainer)])
    for number in range(5):
        assert (
            answer_form(
                session, {"q-overall": "3", "q-liked": f"Échanges riches, merci Alix Aubert ({number})."}
            ).status_code
            == 303
        )
    log_in(page, live_server, trainer)
    page.goto(f"{live_server}/scores/mine?annee=2025")
    section = page.locator("section.comments-by-session")
    expect(section.locator("blockquote.comment-text")).to_have_count(5)
    expect(section).to_contain_text("Échanges riches, merci [nom] (0).")
    expect(section).not_to_contain_text("Alix Aubert (")
