"""The participant's form in a real Chromium, on a phone and a laptop: answer, fix an error, reload, no JavaScript,
closed form, double tap, tap targets and axe-core."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from feedback.catalogue import operations
from feedback.db import db
from feedback.models import Response

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is a dev dependency").expect

#: A full set of answers to the default questionnaire, by field name.
ANSWERS = {
    "q-overall": "4",
    "q-contents": "3",
    "q-speakers": "2",
    "q-organisation": "4",
    "q-usefulness": "3",
    "q-recommend": "9",
    "q-liked": "Les études de cas,\nsurtout la deuxième 👍",
    "q-improve": "Plus de pauses <b>svp</b>",
    "q-wishes": "Droit au séjour",
    "q-profile": "adulte-relais",
    "consent": "yes",
}
SUBMIT = "button.submit"
#: One question of each kind, the grid required: what a manager's own questionnaire may hold.
EVERY_KIND = {
    "family": "tous-les-types",
    "title": "Atelier coopératif",
    "consent_text": "J'accepte que mon commentaire soit cité anonymement.",
    "questions": [
        {"code": "overall", "kind": "satisfaction", "is_overall": True, "is_required": True, "label": "Globalement ?"},
        {
            "code": "mood",
            "kind": "rating",
            "label": "Votre humeur en sortant",
            "options": [
                {"value": "3", "label": "🙂 Content·e"},
                {"value": "2", "label": "😐 Mitigé·e"},
                {"value": "1", "label": "🙁 Déçu·e"},
            ],
        },
        {
            "code": "parts",
            "kind": "grid",
            "is_required": True,
            "label": "Chaque temps de la journée",
            "help_text": "Une réponse par ligne.",
            "options": [
                {"value": "matin", "label": "La plénière du matin"},
                {"value": "ateliers", "label": "Les ateliers de l'après-midi, en petits groupes"},
            ],
        },
        {
            "code": "formats",
            "kind": "multiple_choice",
            "label": "Les formats qui vous conviennent",
            "options": [
                {"value": "presentiel", "label": "En présentiel"},
                {"value": "visio", "label": "En visioconférence"},
            ],
        },
        {"code": "recommend", "kind": "recommendation", "label": "Le recommanderiez-vous ?"},
        {"code": "city", "kind": "short_text", "label": "Votre commune"},
        {"code": "liked", "kind": "long_text", "label": "Ce que vous avez aimé"},
    ],
}


def stored_responses() -> list[Response]:
    # End the test's own transaction first: the rows were written by the server's threads.
    db.session.rollback()
    return list(db.session.scalars(select(Response)))


def count_responses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Response.id)))


def form_url(live_server: str, session) -> str:
    return f"{live_server}/s/{session.public_code}"


def fill(page, answers: dict[str, str]) -> None:
    """Answer as a participant would: tap the choices, type the texts."""
    for name, value in answers.items():
        control = page.locator(f'[name="{name}"]').first
        if control.get_attribute("type") in ("radio", "checkbox"):
            page.locator(f'[name="{name}"][value="{value}"]').check()
        else:
            control.fill(value)


def form_values(page) -> dict[str, list[str]]:
    """What the form would send now, read from the live DOM (checked states and typed values); the scripts' trap,
    out of a person's reach (tabindex -1, never shown), is left out."""
    return page.eval_on_selector(
        "form.survey",
        """form => {
          const values = {};
          for (const el of form.elements) {
            if (!el.name || el.type === 'hidden' || el.type === 'submit' || el.tabIndex < 0) continue;
            values[el.name] = values[el.name] || [];
            if (el.type === 'radio' || el.type === 'checkbox' ? el.checked : el.value) values[el.name].push(el.value);
          }
          return values;
        }""",
    )


def expected_values(answers: dict[str, str], *, without=()) -> dict[str, list[str]]:
    return {name: ([] if name in without else [value]) for name, value in answers.items()}


def saved_answers(page, session) -> dict | None:
    raw = page.evaluate("code => localStorage.getItem('retours:answers:' + code)", session.public_code)
    return json.loads(raw) if raw else None


# -- answering ---------------------------------------------------------------------------------------------------


def test_a_participant_answers_everything_and_reaches_the_thank_you_page(page, live_server, make_session, screenshot):
    session = make_session()
    page.goto(form_url(live_server, session))
    screenshot(page, "form")
    fill(page, ANSWERS)
    assert saved_answers(page, session)["a"]["q-liked"] == [ANSWERS["q-liked"]]  # kept while typing

    page.click(SUBMIT)
    page.wait_for_url("**/merci")

    assert page.get_by_role("heading", level=1).inner_text() == "Merci !"
    screenshot(page, "thanks")
    assert saved_answers(page, session) is None, "the answers stay in the phone after they were sent"
    [response] = stored_responses()
    assert response.overall_level == 4 and response.recommendation == 9 and response.consents_to_quote
    texts = {a.question.code: a.text for a in response.answers if a.text}
    assert texts["liked"] == ANSWERS["q-liked"] and texts["improve"] == ANSWERS["q-improve"]


def test_without_javascript_the_form_still_fills_corrects_and_submits(new_page, live_server, make_session, screenshot):
    session = make_session()
    page = new_page(java_script_enabled=False)
    page.goto(form_url(live_server, session))
    answers = {k: v for k, v in ANSWERS.items() if k != "q-overall"}
    fill(page, answers)
    screenshot(page, "form-without-javascript")

    page.eval_on_selector("form.survey", "form => { form.noValidate = true; }")  # an old browser: no validation
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click(SUBMIT)
    assert posted.value.status == 422
    expect(page.locator("#error-summary")).to_be_focused()
    assert form_values(page) == expected_values(answers) | {"q-overall": []}

    fill(page, {"q-overall": "4"})
    page.click(SUBMIT)
    page.wait_for_url("**/merci")

    assert page.get_by_role("heading", level=1).inner_text() == "Merci !"
    [response] = stored_responses()
    assert response.overall_level == 4 and response.profile == ANSWERS["q-profile"]


def test_a_missing_required_answer_shows_the_error_summary_and_keeps_every_other_answer(
    page, live_server, make_session, screenshot
):
    session = make_session()
    page.goto(form_url(live_server, session))
    answers = {k: v for k, v in ANSWERS.items() if k != "q-overall"}
    fill(page, answers)

    # The browser itself stops the send first (the overall question is `required`)...
    page.click(SUBMIT)
    assert page.url == form_url(live_server, session)
    assert page.locator("input[name=q-overall]").first.evaluate("el => el.validity.valueMissing")
    assert page.locator(SUBMIT).is_enabled(), "a send the browser refused must not lock the button"

    # ...and an older browser without validation gets the server's answer. A stale saved copy must not win over it.
    page.evaluate(
        """code => {
          const key = 'retours:answers:' + code, saved = JSON.parse(localStorage.getItem(key));
          saved.a['q-liked'] = ['une vieille version'];
          localStorage.setItem(key, JSON.stringify(saved));
        }""",
        session.public_code,
    )
    page.eval_on_selector("form.survey", "form => { form.noValidate = true; }")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click(SUBMIT)
    assert posted.value.status == 422

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    page.wait_for_load_state()  # survey.js has run on the new page
    assert "Cette question est obligatoire" in summary.inner_text()
    screenshot(page, "error")
    assert form_values(page) == expected_values(answers) | {"q-overall": []}

    summary.get_by_role("link").first.click()
    assert page.url.endswith("#q-overall")
    top = page.locator("#q-overall").evaluate("el => el.getBoundingClientRect().top")
    assert -1 < top < page.viewport_size["height"] / 2, "the link does not bring the question into view"

    fill(page, {"q-overall": "3"})
    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    [response] = stored_responses()
    assert response.overall_level == 3


def test_a_reload_or_a_dropped_tab_gives_back_what_was_typed(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    typed = {"q-overall": "2", "q-recommend": "7", "q-liked": "Les échanges entre pairs", "q-wishes": "Le logement"}
    fill(page, typed)
    first_token = page.locator("input[name=token]").input_value()

    page.reload()
    assert form_values(page) == {name: [] for name in ANSWERS} | expected_values(typed)

    # The phone dropped the tab: the link is opened again in a new one.
    page.close()
    page = page.context.new_page()
    page.goto(form_url(live_server, session))
    assert form_values(page) == {name: [] for name in ANSWERS} | expected_values(typed)
    assert first_token not in json.dumps(saved_answers(page, session)), "the form's token is never kept"

    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    [response] = stored_responses()
    assert response.overall_level == 2 and response.recommendation == 7


#: Private modes and full phones: reading storage throws, or every write is refused for lack of room.
BROKEN_STORAGE = {
    "refused": """Object.defineProperty(window, 'localStorage', {
                    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }})""",
    "full": """const setItem = Storage.prototype.setItem;
               Storage.prototype.setItem = function (key, value) {
                 // Room for a tiny probe, not for the answers.
                 if (this === window.localStorage && String(value).length > 8) {
                   throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
                 }
                 return setItem.call(this, key, value);
               }""",
}


@pytest.mark.parametrize("storage", list(BROKEN_STORAGE))
def test_without_usable_storage_the_form_still_works_and_blocks_a_double_tap(
    new_page, live_server, make_session, slow_posts, storage
):
    session = make_session()
    page = new_page()
    page.add_init_script(BROKEN_STORAGE[storage])
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)  # every keystroke tries to save: nothing may break (the fixture fails on a script error)
    page.evaluate(WATCH_SUBMITS)
    slow_posts.post_delay = 0.5

    tap(page, SUBMIT, times=2)
    page.wait_for_url("**/merci")

    assert len(json.loads(page.evaluate("sessionStorage.getItem('submits')"))) == 1
    assert count_responses() == 1


def test_a_closed_form_shows_the_closed_page(page, live_server, make_session, screenshot):
    session = make_session()
    operations.close_session(session)
    db.session.commit()

    visit = page.goto(form_url(live_server, session))

    assert visit.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Ce questionnaire est fermé"
    assert page.locator("form").count() == 0
    screenshot(page, "closed")


# -- one response per submission ---------------------------------------------------------------------------------


#: Notes, in the tab's sessionStorage (it outlives the page), every submit event once survey.js has handled it.
WATCH_SUBMITS = """() => {
  const form = document.querySelector('form.survey'), button = form.querySelector('[type=submit]');
  form.addEventListener('submit', event => {
    const seen = JSON.parse(sessionStorage.getItem('submits') || '[]');
    seen.push({prevented: event.defaultPrevented, disabled: button.disabled,
               status: document.querySelector('form.survey [role=status]').textContent});
    sessionStorage.setItem('submits', JSON.stringify(seen));
  });
}"""


def tap(page, selector: str, times: int) -> None:
    """Quick taps at the centre of an element, with no wait between them (as a thumb would)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.dblclick(x, y)
    for _ in range(times - 2):
        page.mouse.click(x, y)


def test_a_double_tap_on_submit_sends_once_and_says_it_is_sending(page, live_server, make_session, slow_posts):
    session = make_session()
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.evaluate(WATCH_SUBMITS)
    slow_posts.post_delay = 0.8  # the first send is still on its way when the next taps come

    tap(page, SUBMIT, times=3)
    page.wait_for_url("**/merci")

    submits = json.loads(page.evaluate("sessionStorage.getItem('submits')"))
    # Prevented: with JavaScript the script sends the form itself, to keep it on the phone if the network drops.
    assert submits == [{"prevented": True, "disabled": True, "status": "Envoi en cours…"}]
    assert len(posts) == 1
    assert count_responses() == 1


def test_without_javascript_a_double_click_or_a_resent_form_stores_one_response(new_page, live_server, make_session):
    session = make_session()
    page = new_page(java_script_enabled=False)
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)
    token = page.locator("input[name=token]").input_value()

    page.dblclick(SUBMIT)
    page.wait_for_url("**/merci")
    assert count_responses() == 1

    # Back to the form (the same page, with the same token) and sent again: still one response.
    page.go_back(wait_until="commit")
    assert page.locator("input[name=token]").input_value() == token
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click(SUBMIT)
    page.wait_for_url("**/merci")
    assert page.get_by_role("heading", level=1).inner_text() == "Merci !"
    assert count_responses() == 1


def test_coming_back_to_the_form_gives_a_working_submit_button(page, live_server, make_session):
    session = make_session()
    page.goto(form_url(live_server, session))
    fill(page, {"q-overall": "4"})
    page.evaluate("window.beforeLeaving = true")
    page.click(SUBMIT)
    page.wait_for_url("**/merci")

    page.go_back(wait_until="commit")  # a page shown from the back-forward cache fires no new "load"
    page.wait_for_url(form_url(live_server, session), wait_until="commit")
    assert page.evaluate("window.beforeLeaving === true"), "the page was not restored from the back-forward cache"
    assert page.locator(SUBMIT).is_enabled()
    assert page.get_by_role("status").inner_text() == ""


# -- phone ergonomics and accessibility --------------------------------------------------------------------------


def small_tap_targets(page) -> list[dict]:
    """Every radio and checkbox of the form with the box of its label, when that box is under 44×44 px."""
    boxes = page.eval_on_selector_all(
        "form.survey label:has(input[type=radio]), form.survey label:has(input[type=checkbox])",
        """labels => labels.map(label => {
          const r = label.getBoundingClientRect(), input = label.querySelector('input');
          return {name: input.name, value: input.value, width: r.width, height: r.height};
        })""",
    )
    choices = page.locator("form.survey input[type=radio], form.survey input[type=checkbox]").count()
    assert len(boxes) == choices, "a radio or a checkbox without its own label to tap"
    return [b for b in boxes if b["width"] < 44 or b["height"] < 44]


def phone_widths(page, viewport: str) -> list[int]:
    """The viewport's width and, on a phone, 320 px too: the smallest screens still in use."""
    return [page.viewport_size["width"]] + ([320] if viewport == "phone" else [])


def test_every_choice_is_a_tap_target_of_44_px_at_least(page, live_server, make_session, viewport):
    session = make_session()
    page.goto(form_url(live_server, session))
    assert page.locator("form.survey input[type=radio]").count() > 30

    for width in phone_widths(page, viewport):
        page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
        assert small_tap_targets(page) == [], f"tap targets under 44×44 px at {width} px wide"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"sideways scroll at {width} px"


def run_axe(page, axe_source: str) -> list[dict]:
    # The page's CSP (script-src 'self') refuses an injected <script>; evaluating the source is not subject to it.
    page.evaluate(axe_source)
    result = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def test_axe_finds_no_violation_on_any_state_of_the_form(page, live_server, make_session, axe_source):
    session = make_session()
    closed = make_session()
    operations.close_session(closed)
    db.session.commit()
    violations = {}

    page.goto(form_url(live_server, session))
    violations["form"] = run_axe(page, axe_source)

    fill(page, {"q-liked": "Très bien"})
    page.eval_on_selector("form.survey", "form => { form.noValidate = true; }")
    page.click(SUBMIT)
    page.wait_for_selector("#error-summary")
    violations["error"] = run_axe(page, axe_source)

    fill(page, {"q-overall": "4"})
    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    violations["thanks"] = run_axe(page, axe_source)

    page.goto(form_url(live_server, closed))
    violations["closed"] = run_axe(page, axe_source)

    assert {state: found for state, found in violations.items() if found} == {}


def test_every_question_kind_is_accessible_tappable_and_stored(
    page, live_server, make_training, make_session, axe_source, viewport, screenshot
):
    training = make_training("Atelier coopératif")
    training.questionnaire = operations.create_questionnaire(EVERY_KIND)
    db.session.commit()
    session = make_session(training)
    page.goto(form_url(live_server, session))
    violations = {"form": run_axe(page, axe_source)}
    screenshot(page, "every-kind")
    for width in phone_widths(page, viewport):
        page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
        assert small_tap_targets(page) == [], f"tap targets under 44×44 px at {width} px wide"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"sideways scroll at {width} px"

    # The grid is required: one row left out brings the error page, with the other answers kept.
    answers = {"q-overall": "3", "q-mood": "2", "q-parts-matin": "4", "q-formats": "visio", "q-city": "Évry"}
    fill(page, answers)
    page.click(SUBMIT)
    expect(page.locator("#error-summary")).to_be_focused()
    assert "Chaque temps de la journée" in page.locator("#error-summary").inner_text()
    violations["error"] = run_axe(page, axe_source)
    screenshot(page, "every-kind-error")
    kept = form_values(page)
    assert {name: kept[name] for name in answers} == expected_values(answers)

    fill(page, {"q-parts-ateliers": "2", "q-formats": "presentiel"})
    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    assert {state: found for state, found in violations.items() if found} == {}
    [response] = stored_responses()
    assert sorted((a.question.code, a.option.value if a.option else None) for a in response.answers) == [
        ("city", None),
        ("formats", "presentiel"),
        ("formats", "visio"),
        ("mood", "2"),
        ("overall", None),
        ("parts", "ateliers"),
        ("parts", "matin"),
    ]


# -- a script's marks, as a person meets them -------------------------------------------------------------------------


def test_a_person_never_meets_the_scripts_trap_and_a_too_quick_send_keeps_every_answer(
    app, page, live_server, make_session, axe_source, monkeypatch
):
    """At the default minimum answering time: the hidden field is neither seen nor reached with Tab; a send
    quicker than it comes back filled in, accessible, and goes through when sent again."""
    from config import Config
    from feedback import form_tokens as tokens
    from feedback.survey.limits import HONEYPOT_FIELD

    class Clock:
        now = time.time()

        def time(self) -> float:
            return self.now

    clock = Clock()
    monkeypatch.setattr(tokens, "time", clock)
    monkeypatch.setitem(app.config, "SURVEY_MIN_ANSWER_SECONDS", Config.SURVEY_MIN_ANSWER_SECONDS)
    session = make_session()
    page.goto(form_url(live_server, session))
    trap = page.locator(f'[name="{HONEYPOT_FIELD}"]')
    assert trap.count() == 1 and not trap.is_visible()
    focused = set()
    for _ in range(80):  # every stop of the Tab key through the whole page
        page.keyboard.press("Tab")
        focused.add(page.evaluate("document.activeElement && document.activeElement.name"))
    assert HONEYPOT_FIELD not in focused and "q-liked" in focused

    fill(page, ANSWERS)
    clock.now += 1  # sent one second after the form came: too quick for a person
    page.click(SUBMIT)
    page.wait_for_selector(".notice")
    assert "plus vite qu'une personne ne peut répondre" in page.locator(".notice").inner_text()
    assert count_responses() == 0
    kept = form_values(page)
    assert kept["q-liked"] == [ANSWERS["q-liked"]] and kept["q-overall"] == ["4"] and kept["consent"] == ["yes"]
    assert run_axe(page, axe_source) == []

    clock.now += 5
    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    [response] = stored_responses()
    assert response.overall_level == 4 and response.consents_to_quote
