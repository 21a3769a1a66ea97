"""The questionnaire builder in a real Chromium: a manager builds a questionnaire from the library, reorders it with
the buttons and by drag and drop, previews it as a participant sees it, and publishes it (refused first, with the
list of problems); without JavaScript the buttons do everything; axe-core on each page of the builder."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from feedback.db import db
from feedback.models import Questionnaire, QuestionnaireStatus, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is a dev dependency").expect

QUESTIONS = "ol.builder-questions > li"
#: What the manager adds to the library's "Conférence / webinaire" (overall, recommend, liked).
ADDED = [
    {
        "code": "profile",
        "kind": "single_choice",
        "label": "Votre structure",
        "help_text": "Une seule réponse",
        "options": "Collectivité\nAssociation\netat | Services de l'État | State services",
        "is_required": True,
    },
    {"code": "rythme", "kind": "rating", "label": "Le rythme", "options": "Trop lent\nBien\nTrop rapide"},
    {
        "code": "parts",
        "kind": "grid",
        "label": "Chaque temps de la séance",
        "options": "expose | L'exposé\nquestions | Les questions de la salle",
    },
]


def run_axe(page, axe_source: str) -> list[dict]:
    """axe-core on the page itself (the preview's frames are the participant's form, checked in test_survey_form)."""
    page.evaluate(axe_source)  # evaluated, not injected: the CSP refuses inline scripts
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations'], iframes: false});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )


def log_in(page, live_server: str, user) -> None:
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def codes_shown(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{QUESTIONS} > p.meta > code:first-child", "nodes => nodes.map(n => n.textContent)"
    )


def codes_stored(questionnaire_id: int) -> list[str]:
    db.session.rollback()  # the server's threads wrote them
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    db.session.refresh(questionnaire)
    return [q.code for q in questionnaire.questions]


def question_item(page, code: str):
    return page.locator(QUESTIONS).filter(has=page.locator(f"p.meta > code:text-is('{code}')"))


def add_question(page, data: dict) -> None:
    form = page.locator("#new-question form")
    form.locator("input[name=code]").fill(data["code"])
    form.locator("select[name=kind]").select_option(data["kind"])
    form.locator("input[name=label]").fill(data["label"])
    if "help_text" in data:
        form.locator("input[name=help_text]").fill(data["help_text"])
    if "options" in data:
        form.locator("textarea[name=options]").fill(data["options"])
    form.locator("input[name=is_required]").set_checked(data.get("is_required", False))
    form.get_by_role("button", name="Ajouter la question").click()
    expect(page.locator(".flash-success")).to_have_text("Question ajoutée.")


def drag(page, source, target) -> None:
    """Drag `source` with the mouse and drop it on the top edge of `target`, as a manager's hand would."""
    page.set_viewport_size({"width": 1280, "height": 1600})  # both in view: no scrolling while the button is down
    page.locator("#questions").evaluate("heading => heading.scrollIntoView({block: 'start'})")
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 40, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + 40, start["y"] + 20, steps=2)  # the drag starts on this element
    page.mouse.move(end["x"] + 40, end["y"] + 5, steps=10)
    page.mouse.move(end["x"] + 40, end["y"] + 8, steps=2)  # a hand rests a moment before letting go
    page.mouse.up()


def editor_id(page) -> int:
    return int(re.search(r"/manage/questionnaires/(\d+)", page.url).group(1))


def new_from_library(page, live_server: str, starting_point: str = "Conférence / webinaire") -> int:
    page.goto(f"{live_server}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Questionnaires").click()
    page.get_by_label("Point de départ").select_option(label=starting_point)
    page.get_by_role("button", name="Nouveau questionnaire").click()
    expect(page.locator(".flash-success")).to_contain_text("Brouillon créé")
    return editor_id(page)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_manager_builds_reorders_previews_and_publishes_a_questionnaire(
    page, live_server, manager, axe_source, screenshot
):
    log_in(page, live_server, manager)
    violations = {}
    draft_id = new_from_library(page, live_server)
    assert codes_shown(page) == ["overall", "recommend", "liked"]

    for data in ADDED:
        add_question(page, data)
    assert (
        codes_shown(page) == codes_stored(draft_id) == ["overall", "recommend", "liked", "profile", "rythme", "parts"]
    )
    profile = question_item(page, "profile")
    expect(profile).to_contain_text("Services de l'État")
    expect(question_item(page, "rythme")).to_contain_text("Trop rapide")
    violations["editor"] = run_axe(page, axe_source)
    screenshot(page, "builder-editor")

    # The buttons: "parts" one place up.
    question_item(page, "parts").get_by_role("button", name=re.compile("^Monter")).click()
    expect(page.locator(f"{QUESTIONS} > p.meta > code:first-child").last).to_have_text("rythme")
    assert codes_stored(draft_id) == ["overall", "recommend", "liked", "profile", "parts", "rythme"]

    # Drag and drop: "profile" dropped on the top half of the first question goes first.
    expect(page.locator("#reorder-hint")).to_be_visible()
    first = page.locator(QUESTIONS).first
    with page.expect_navigation():
        drag(page, question_item(page, "profile"), first)
    expect(page.locator(f"{QUESTIONS} > p.meta > code:first-child").first).to_have_text("profile")
    assert (
        codes_shown(page) == codes_stored(draft_id) == ["profile", "overall", "recommend", "liked", "parts", "rythme"]
    )
    assert page.evaluate("location.hash") == f"#{question_item(page, 'profile').get_attribute('id')}"

    # The preview: the participant's form, in a 360 px frame and at full width, in the draft's order.
    page.get_by_role("link", name="Aperçu").click()
    phone, wide = page.locator("iframe.phone-preview"), page.locator("iframe.wide-preview")
    for frame in (phone, wide):
        form = frame.content_frame
        expect(form.locator("form.survey")).to_be_visible()
        ids = form.locator("fieldset.question").evaluate_all("nodes => nodes.map(n => n.id)")
        assert ids == ["q-profile", "q-overall", "q-recommend", "q-liked", "q-parts", "q-rythme"]
        expect(form.locator("#q-profile legend")).to_contain_text("Votre structure")
        expect(form.locator("#q-profile")).to_contain_text("Une seule réponse")
        expect(form.get_by_label("Services de l'État")).to_be_visible()
        expect(form.locator("#q-rythme").get_by_label("Trop lent")).to_be_visible()
        expect(form.locator("#q-parts")).to_contain_text("Les questions de la salle")
        expect(form.get_by_role("button", name="Envoyer mes réponses")).to_be_visible()
    phone_form = phone.content_frame.locator("html")
    assert phone_form.evaluate("html => html.clientWidth") == 360
    assert phone_form.evaluate("html => html.scrollWidth <= html.clientWidth"), "sideways scroll in a 360 px phone"
    assert wide.content_frame.locator("html").evaluate("html => html.clientWidth") > 900
    violations["preview"] = run_axe(page, axe_source)
    screenshot(page, "builder-preview")

    # Publishing without an overall-satisfaction question is refused, with the list of problems.
    page.locator(".crumbs").get_by_role("link", name="Conférence / webinaire (v1)").click()
    question_item(page, "overall").get_by_role("link", name=re.compile("^Modifier")).click()
    violations["question"] = run_axe(page, axe_source)
    page.get_by_label("Question de satisfaction globale").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-success")).to_have_text("Question enregistrée.")
    page.get_by_role("button", name="Publier").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Cette version ne peut pas être publiée")
    expect(problems.locator("li")).to_have_text(
        ["Aucune question n'est marquée « satisfaction globale » : il en faut exactement une."]
    )
    violations["refused"] = run_axe(page, axe_source)
    screenshot(page, "builder-publish-refused")
    assert codes_stored(draft_id) and db.session.get(Questionnaire, draft_id).status == QuestionnaireStatus.DRAFT

    question_item(page, "overall").get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Question de satisfaction globale").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 1 publiée")
    expect(page.get_by_role("button", name="Créer une nouvelle version")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Monter"))).to_have_count(0)
    codes_stored(draft_id)
    assert db.session.get(Questionnaire, draft_id).status == QuestionnaireStatus.PUBLISHED

    page.get_by_role("link", name="Questionnaires", exact=True).first.click()
    violations["list"] = run_axe(page, axe_source)
    assert {state: found for state, found in violations.items() if found} == {}


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_questionnaire_without_questions_is_refused_and_the_buttons_work_without_javascript(
    new_page, live_server, manager, screenshot
):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, manager)
    draft_id = new_from_library(page, live_server)
    expect(page.locator("#reorder-hint")).to_be_hidden()  # no drag and drop without JavaScript
    assert page.locator(QUESTIONS).first.get_attribute("draggable") is None

    question_item(page, "overall").get_by_role("button", name=re.compile("^Descendre")).click()
    assert codes_shown(page) == codes_stored(draft_id) == ["recommend", "overall", "liked"]
    for _ in range(3):
        page.locator(QUESTIONS).first.get_by_role("button", name=re.compile("^Retirer")).click()
        expect(page.locator(".flash-success")).to_have_text("Question retirée.")
    expect(page.locator(QUESTIONS)).to_have_text(["Aucune question pour l'instant."])

    page.get_by_role("button", name="Publier").click()
    expect(page.locator("#problems li")).to_have_text(["Le questionnaire ne contient aucune question."])
    screenshot(page, "builder-no-question")
    assert codes_stored(draft_id) == []
    assert db.session.scalar(select(Questionnaire.status).where(Questionnaire.id == draft_id)) == "draft"
