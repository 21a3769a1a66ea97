"""The form without network, in a real Chromium: a send the network cut waits on the phone and goes once it is back
(exactly one response), a reload or a visit offline keeps it, an expired token or a closed form on return, and kiosk
mode with three people in a row. On a phone only: these are about the network, not the layout."""

from __future__ import annotations

import json
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from feedback.catalogue import operations
from feedback.db import db
from feedback.kiosk_links import sign_kiosk
from feedback.models import Response
from feedback.survey.page_cache import clear_cached_pages
from tests.browser.test_survey_form import ANSWERS, SUBMIT, expected_values, fill, form_url, form_values

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]
expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is a dev dependency").expect

QUEUED = "Pas de réseau : vos réponses sont gardées sur ce téléphone et partiront dès que le réseau revient."
#: Chrome DevTools' « Slow 3G »: 2 s before each response starts, then 50 kB/s each way.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def responses() -> list[Response]:
    db.session.rollback()  # the rows were written by the server's threads
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def count_responses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Response.id)))


def outbox(page) -> list[dict]:
    return json.loads(page.evaluate("localStorage.getItem('retours:outbox') || '[]'"))


def status(page):
    return page.locator("form.survey [role=status]")


def wait_until_kept_for_offline(page, timeout_ms: int = 10_000) -> None:
    """The service worker is in charge and holds this page and its script: from now on it opens without network.

    Polled in the page, not with page.wait_for_function: that one takes the Promise an async check returns for a
    truthy answer and stops at once, which sent the tests offline before the worker had installed (its install,
    which keeps the script, then failed without network and no new tab could open the form)."""
    kept = page.evaluate(
        """async (timeout) => {
          const end = Date.now() + timeout;
          for (;;) {
            const worker = await navigator.serviceWorker.getRegistration('/s/');
            const cache = await caches.open('retours-pages-v1');
            // The page and its script: without the script, a page opened offline would post into no network.
            if (worker && worker.active && worker.active.state === 'activated' && await cache.match(location.href)
                && await cache.match(document.scripts[0].src)) return true;
            if (Date.now() > end) return false;
            await new Promise(resolve => setTimeout(resolve, 100));
          }
        }""",
        timeout_ms,
    )
    assert kept, "the service worker did not keep the page and its script"


def until(page, condition, timeout: float = 10.0) -> None:
    """Wait for what the browser's events decide: route handlers run while Playwright waits, not in between."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not so after {timeout} s"
        page.wait_for_timeout(50)


def send_offline(page) -> None:
    """Tap « Envoyer » just as the network drops."""
    page.context.set_offline(True)
    page.click(SUBMIT)
    expect(status(page)).to_have_text(QUEUED)


def test_a_send_the_network_cut_waits_on_the_phone_and_goes_once_when_it_is_back(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)

    send_offline(page)
    assert count_responses() == 0
    assert page.locator(SUBMIT).is_enabled(), "the participant may try again by hand"
    [waiting] = outbox(page)

    page.context.set_offline(False)  # the `online` event: sent at once, the participant is shown it has gone
    page.wait_for_url("**/merci")
    assert page.get_by_role("heading", level=1).inner_text() == "Merci !"
    assert "bien enregistrées" in page.locator(".thanks").inner_text()
    [response] = responses()
    assert response.overall_level == 4 and response.recommendation == 9 and response.consents_to_quote
    assert outbox(page) == []

    # The same answers sent again and again (a lost reply, the service worker and the page both sending): one response.
    page.evaluate("item => localStorage.setItem('retours:outbox', JSON.stringify([item, item]))", waiting)
    page.goto(form_url(live_server, session))
    page.wait_for_url("**/merci")
    assert count_responses() == 1 and outbox(page) == []


def test_a_reload_without_network_keeps_the_waiting_answers(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    wait_until_kept_for_offline(page)
    typed = {"q-overall": "2", "q-liked": "Les échanges entre pairs", "q-profile": "adulte-relais"}
    fill(page, typed)
    send_offline(page)

    page.reload()  # still without network: the page comes from the phone, the answers from its outbox
    expect(status(page)).to_have_text(QUEUED)
    assert form_values(page) == {name: [] for name in ANSWERS} | expected_values(typed)
    assert count_responses() == 0

    page.context.set_offline(False)
    page.wait_for_url("**/merci")
    [response] = responses()
    assert response.overall_level == 2 and response.profile == "adulte-relais"


def test_an_expired_token_is_replaced_on_return_without_losing_anything(
    app, new_page, live_server, make_session, monkeypatch
):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)
    send_offline(page)

    # Two days pass without network: the form's token is long expired when the network comes back.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: int(time.time()) + 2 * 24 * 3600)
    page.context.set_offline(False)
    page.wait_for_url("**/merci")
    monkeypatch.undo()

    [response] = responses()
    assert response.overall_level == 4
    assert {a.text for a in response.answers if a.text} >= {ANSWERS["q-liked"], ANSWERS["q-improve"]}


def test_a_form_closed_before_the_network_came_back_shows_the_answers_back(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)
    send_offline(page)

    operations.close_session(session)
    db.session.commit()
    clear_cached_pages()
    page.context.set_offline(False)

    expect(page.get_by_role("heading", level=1)).to_have_text("Ce questionnaire est fermé")
    assert "le questionnaire a été fermé avant votre envoi" in page.locator(".notice").inner_text()
    kept = [box.input_value() for box in page.locator("textarea[readonly]").all()]
    assert ANSWERS["q-liked"] in kept and ANSWERS["q-improve"] in kept
    assert count_responses() == 0 and outbox(page) == []


def test_a_form_opened_once_opens_again_without_network_in_a_new_tab(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    page.goto(form_url(live_server, session))
    token = page.input_value("input[name=token]")
    wait_until_kept_for_offline(page)

    # Later, the tab closed and the signal gone: the QR code's link opened again, in a new tab.
    context = page.context
    page.close()
    context.set_offline(True)
    page = context.new_page()
    page.goto(form_url(live_server, session))
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "not served by the service worker"
    assert page.input_value("input[name=token]") == token, "the page kept on the phone, not a new one"
    expect(page.get_by_role("heading", level=1)).to_have_text(session.training.title)
    fill(page, ANSWERS)
    page.click(SUBMIT)
    expect(status(page)).to_have_text(QUEUED)  # the script came from the phone too: the answers wait there

    context.set_offline(False)
    page.wait_for_url("**/merci")
    assert count_responses() == 1


def test_a_form_kept_on_the_phone_opens_from_it_when_the_connection_hangs(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    url = form_url(live_server, session)
    page.goto(url)
    token = page.input_value("input[name=token]")
    wait_until_kept_for_offline(page)

    # The QR code's link opened again where the signal shows but nothing comes back: the phone's copy after 10 s.
    context = page.context
    page.close()
    asked = []
    context.route(url, lambda route: asked.append(route))  # the worker's request to the server: never answered
    page = context.new_page()
    page.goto(url, timeout=30_000)
    assert asked, "the network is tried first"
    assert page.input_value("input[name=token]") == token, "the page kept on the phone"
    expect(page.get_by_role("heading", level=1)).to_have_text(session.training.title)


@pytest.mark.parametrize("reached", [False, True], ids=["lost-on-the-way", "answer-lost"])
def test_a_send_left_without_answer_waits_on_the_phone_and_is_stored_once(new_page, live_server, make_session, reached):
    """Lie-fi: the phone shows a signal but nothing comes back. After 12 s the send counts as one without network
    (not after the browser's minutes); had it reached the server, its resend is told it was received."""
    session = make_session()
    page = new_page()
    page.clock.install()
    url = form_url(live_server, session)
    page.goto(url)
    fill(page, ANSWERS)

    held = []

    def hang(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        if reached:
            route.fetch(max_redirects=0)  # the server stores it, and its answer never comes back
        held.append(route)

    # The page's sends and the service worker's (Background Sync tries at once: the phone believes it is online).
    page.context.route(url, hang)
    # The page's clock stops (its timers fire only when the test moves it on) until the connection comes back.
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.click(SUBMIT)
    until(page, lambda: held)  # the send hangs (and, once the server has answered, stays unanswered)
    page.clock.fast_forward("00:09")
    expect(status(page)).to_have_text("Envoi en cours…")
    page.clock.fast_forward("00:04")
    expect(status(page)).to_have_text(QUEUED)
    assert page.locator(SUBMIT).is_enabled()
    assert len(outbox(page)) == 1 and count_responses() == (1 if reached else 0)

    # The connection comes back (what still hangs breaks off) and the page's clock goes again: the next try, 2 s
    # after the first gave up, goes.
    for route in held:
        route.abort()
    page.context.unroute(url)
    page.clock.resume()
    page.wait_for_url("**/merci", wait_until="domcontentloaded", timeout=30_000)
    [response] = responses()
    assert response.overall_level == 4 and outbox(page) == []


# -- kiosk mode --------------------------------------------------------------------------------------------------

PEOPLE = [
    {"q-overall": "4", "q-liked": "Première personne : les cas pratiques", "q-profile": "adulte-relais"},
    {"q-overall": "2", "q-liked": "Deuxième personne : trop long", "q-recommend": "3"},
    {"q-overall": "3", "q-improve": "Troisième personne : plus de pauses", "consent": "yes"},
]


def test_a_kiosk_takes_three_people_in_a_row_the_network_cut_for_the_second(new_page, live_server, make_session):
    session = make_session()
    session.questionnaire.is_one_per_device = True  # never stops the next person at a kiosk
    db.session.commit()
    page = new_page()
    page.goto(f"{live_server}/s/{session.public_code}/borne?k={sign_kiosk(session.public_code)}")
    history = page.evaluate("history.length")
    counter = page.locator(".kiosk-count")
    expect(counter).to_have_text("Mode borne · en attente : 0 · envoyées : 0")
    blank = form_values(page)

    for person, answers in enumerate(PEOPLE, start=1):
        assert form_values(page) == blank, f"person {person} sees what someone typed before"
        fill(page, answers)
        if person == 2:
            page.context.set_offline(True)
        page.click(SUBMIT)
        thanks = page.locator(".kiosk-thanks")
        if person == 2:
            expect(thanks).to_contain_text("Pas de réseau : vos réponses sont gardées sur cette tablette")
            expect(counter).to_have_text("Mode borne · en attente : 1 · envoyées : 1")
        else:
            expect(thanks).to_contain_text("Merci ! Vos réponses sont enregistrées.")
        assert form_values(page) == blank, "emptied at once, before the next person comes"
        expect(page.locator("form.survey")).to_be_visible()  # back for the next person a few seconds later
        expect(thanks).to_have_count(0)
        if person == 2:
            page.context.set_offline(False)
            expect(counter).to_have_text("Mode borne · en attente : 0 · envoyées : 2")

    expect(counter).to_have_text("Mode borne · en attente : 0 · envoyées : 3")
    stored = responses()
    assert [r.overall_level for r in stored] == [4, 2, 3]
    assert len({r.submission_token for r in stored}) == 3
    # Nothing left behind for the next person: no saved draft, no outbox, no page to go back to.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('retours:answers:'))") == []
    assert outbox(page) == []
    assert page.evaluate("history.length") == history
    assert page.locator("form.survey").get_attribute("autocomplete") == "off"


def test_leaving_kiosk_mode_takes_a_long_press(new_page, live_server, make_session):
    session = make_session()
    page = new_page()
    kiosk = f"{live_server}/s/{session.public_code}/borne?k={sign_kiosk(session.public_code)}"
    page.goto(kiosk)
    leave = page.get_by_role("button", name="Quitter le mode borne (appui long)")

    leave.click()  # one tap: still a kiosk, and told how to leave
    assert page.url == kiosk
    expect(status(page)).to_have_text("Pour quitter, gardez le doigt sur ce bouton 3 secondes.")

    leave.hover()
    page.mouse.down()
    page.wait_for_url(form_url(live_server, session))  # held down: the ordinary form, in place of the kiosk
    page.mouse.up()
    assert page.locator("form.survey").get_attribute("data-kiosk") is None


# -- a weak signal -----------------------------------------------------------------------------------------------


def test_the_form_works_on_a_slow_3g_connection(new_page, live_server, make_session):
    """The time it takes is measured by benchmarks/slow_3g.py; here, that it works at that speed, start to end."""
    session = make_session()
    page = new_page()
    page.set_default_timeout(30_000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    page.goto(form_url(live_server, session))
    fill(page, ANSWERS)
    page.click(SUBMIT)
    page.wait_for_url("**/merci")
    assert page.get_by_role("heading", level=1).inner_text() == "Merci !"
    assert count_responses() == 1
