"""A crowd behind one address answers in full; a script from one address is stopped; no refusal loses an answer.

The limits are config.py's defaults here (the suite's TestingConfig lifts them): the blank forms one address may
take per session (SURVEY_FORM_RATE_LIMIT), the minimum answering time carried in the form's token
(SURVEY_MIN_ANSWER_SECONDS), the field people never see, and the per-address submit ceiling
(SURVEY_SUBMIT_RATE_LIMIT). The form's clock is moved instead of waiting.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import Config
from feedback import form_tokens as tokens
from feedback.catalogue import operations
from feedback.db import db
from feedback.models import Response
from feedback.survey.limits import HONEYPOT_FIELD
from tests.conftest import form_token
from tests.htmltree import form_state, parse

ROOT = Path(__file__).resolve().parent.parent.parent
COMMENT = "Les études de cas <b>vraiment</b> utiles"
ANSWERS = {"q-overall": "3", "q-recommend": "8", "q-liked": COMMENT}


class Clock:
    """The form's clock (form_tokens.py): tokens are issued and aged by it, nothing else is."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def defaults(app, monkeypatch) -> Clock:
    """config.py's limits for the public form, and a clock to move."""
    for name in ("SURVEY_FORM_RATE_LIMIT", "SURVEY_SUBMIT_RATE_LIMIT", "SURVEY_MIN_ANSWER_SECONDS"):
        monkeypatch.setitem(app.config, name, getattr(Config, name, None))
    clock = Clock()
    monkeypatch.setattr(tokens, "time", clock, raising=False)
    return clock


def responses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Response.id)))


def survey_form(page):
    return parse(page.get_data(as_text=True)).find("form", class_="survey")


def shown_back(page) -> dict[str, list[str]]:
    """What the re-shown form would send as it is."""
    form = survey_form(page)
    assert form is not None, "no form on the page"
    return form_state(form)


def assert_answers_kept(page) -> None:
    state = shown_back(page)
    assert state["q-overall"] == ["3"] and state["q-recommend"] == ["8"] and state["q-liked"] == [COMMENT]
    assert "<b>vraiment</b>" not in page.get_data(as_text=True)  # participant text is escaped


# -- the crowd and the flood, at the default settings ----------------------------------------------------------------


def test_a_plenary_of_500_phones_behind_one_address_is_stored_in_full(client, make_session, defaults):
    session = make_session()
    url = f"/s/{session.public_code}"
    forms = []
    for _ in range(500):  # the room scans the QR code within two minutes...
        page = client.get(url)
        assert page.status_code == 200
        forms.append(form_token(page.get_data(as_text=True)))
        defaults.advance(0.1)
    defaults.advance(5)  # ...and the quickest takes 5 s to answer
    statuses = [client.post(url, data={**ANSWERS, "token": token}).status_code for token in forms]
    assert statuses == [303] * 500
    assert responses() == 500


def test_a_script_posting_each_form_at_once_stores_nothing(client, make_session, defaults):
    session = make_session()
    url = f"/s/{session.public_code}"
    statuses = set()
    for _ in range(200):
        token = form_token(client.get(url).get_data(as_text=True))
        statuses.add(client.post(url, data={**ANSWERS, "token": token}).status_code)
    assert statuses == {400} and responses() == 0


def test_a_replayed_body_stores_one_response_and_its_replays_are_told_it_was_received(client, make_session, defaults):
    session = make_session()
    url = f"/s/{session.public_code}"
    body = {**ANSWERS, "token": form_token(client.get(url).get_data(as_text=True))}
    defaults.advance(30)
    assert client.post(url, data=body).status_code == 303
    replays = [client.post(url, data=body) for _ in range(100)]
    assert {r.status_code for r in replays} == {303} and responses() == 1
    thanks = client.get(replays[-1].headers["Location"])
    assert "sont bien enregistrées" in thanks.get_data(as_text=True) and survey_form(thanks) is None


def test_a_script_is_held_to_the_blank_forms_its_address_may_take(app, client, make_session, defaults, monkeypatch):
    """Replaying a body with new tokens needs a new form each time: one address gets so many per session."""
    monkeypatch.setitem(app.config, "SURVEY_FORM_RATE_LIMIT", "20 per 2 minutes; 40 per hour")
    session, other = make_session(), make_session()
    url = f"/s/{session.public_code}"
    taken = []
    for _ in range(25):
        page = client.get(url)
        if page.status_code == 200:
            taken.append(form_token(page.get_data(as_text=True)))
        else:
            assert page.status_code == 429
    assert len(taken) == 20
    # Another session of the same venue, and another venue, are not held by it.
    assert client.get(f"/s/{other.public_code}").status_code == 200
    assert client.get(url, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200

    defaults.advance(10)
    statuses = [client.post(url, data={**ANSWERS, "token": token}).status_code for token in taken]
    assert statuses == [303] * 20 and responses() == 20
    # Its refused submits give it no new form either: the answers come back, with no token to send them with.
    refused = client.post(url, data={**ANSWERS, "token": "forged"})
    assert refused.status_code == 429 and shown_back(refused)["token"] == [""]
    assert_answers_kept(refused)
    assert "Trop de formulaires ont été demandés depuis cette connexion" in parse(refused.get_data(as_text=True)).text


def test_a_flood_over_the_submit_ceiling_is_refused_with_the_answers_shown_back(
    app, client, make_session, defaults, monkeypatch
):
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "30 per minute")
    session = make_session()
    url = f"/s/{session.public_code}"
    pages = [client.post(url, data={**ANSWERS, "token": "x"}) for _ in range(40)]
    assert [page.status_code for page in pages] == [400] * 30 + [429] * 10 and responses() == 0
    assert_answers_kept(pages[-1])  # a person caught in it loses nothing


# -- the script's marks: too fast, the hidden field -------------------------------------------------------------------


def test_a_submit_sooner_than_a_person_can_answer_is_refused_and_can_be_sent_again(client, make_session, defaults):
    session = make_session()
    url = f"/s/{session.public_code}"
    token = form_token(client.get(url).get_data(as_text=True))
    defaults.advance(1)
    refused = client.post(url, data={**ANSWERS, "token": token})
    assert refused.status_code == 400 and responses() == 0
    assert "plus vite qu'une personne ne peut répondre" in parse(refused.get_data(as_text=True)).text
    assert_answers_kept(refused)
    # The new token keeps when the form was first given: a person sending again at once is not refused twice.
    defaults.advance(2.5)
    again = client.post(url, data=shown_back(refused))
    assert again.status_code == 303 and responses() == 1


def test_the_hidden_field_filled_in_is_refused_with_the_answers_shown_back(client, make_session, defaults):
    session = make_session()
    url = f"/s/{session.public_code}"
    page = client.get(url)
    defaults.advance(20)
    refused = client.post(
        url, data={**ANSWERS, "token": form_token(page.get_data(as_text=True)), HONEYPOT_FIELD: "http://spam"}
    )
    assert refused.status_code == 400 and responses() == 0
    assert_answers_kept(refused)
    assert shown_back(refused)[HONEYPOT_FIELD] == [""]
    # Sent again as the page shows it (the field empty, as people leave it): stored.
    assert client.post(url, data=shown_back(refused)).status_code == 303 and responses() == 1


def test_the_hidden_field_is_neither_seen_announced_nor_reached_with_tab(client, make_session):
    session = make_session()
    page = parse(client.get(f"/s/{session.public_code}").get_data(as_text=True))
    field = page.find("input", name=HONEYPOT_FIELD)
    wrapper = page.find("div", class_="hp")
    assert field.get("tabindex") == "-1" and field.get("autocomplete") == "off"
    assert wrapper.get("aria-hidden") == "true" and wrapper.find("input", name=HONEYPOT_FIELD) is not None
    assert ".hp{display:none!important}" in (ROOT / "static" / "survey.css").read_text()


# -- every refusal shows the answers back, in French and in English --------------------------------------------------


NOTICES = {
    "rate limit": (
        429,
        "Trop d'envois sont arrivés depuis cette connexion en peu de temps",
        "Too many forms were sent from this connection in a short time",
    ),
    "expired": (400, "Votre page est restée ouverte très longtemps", "Your page stayed open for a very long time"),
    "forged": (400, "Nous n'avons pas pu vérifier ce formulaire", "We could not check this form"),
    "too fast": (
        400,
        "plus vite qu'une personne ne peut répondre",
        "faster than a person can answer",
    ),
    "hidden field": (
        400,
        "plus vite qu'une personne ne peut répondre",
        "faster than a person can answer",
    ),
    "cross-site": (
        400,
        "Ce formulaire doit être envoyé depuis la page du questionnaire",
        "This form must be sent from the questionnaire's page",
    ),
    "too large": (
        413,
        "Vos réponses sont trop longues pour être envoyées ensemble",
        "Your answers are too long to be sent together",
    ),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", sorted(NOTICES))
def test_every_refusal_shows_the_answers_back_with_a_way_to_send_them(
    app, client, make_session, defaults, monkeypatch, kind, lang
):
    session = make_session()
    url = f"/s/{session.public_code}"
    client.set_cookie("lang", lang)
    token = form_token(client.get(url).get_data(as_text=True))
    defaults.advance(20)
    data, headers = {**ANSWERS, "token": token}, {}
    if kind == "rate limit":
        monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "1 per minute")
        client.post(url, data={"token": "x"})
    elif kind == "expired":
        monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", -1)
    elif kind == "forged":
        data["token"] = token[:-4] + "AAAA"
    elif kind == "too fast":
        data["token"] = form_token(client.get(url).get_data(as_text=True))
    elif kind == "hidden field":
        data[HONEYPOT_FIELD] = "Bonjour"
    elif kind == "cross-site":
        headers = {"Origin": "https://evil.example"}
    elif kind == "too large":
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
        data["q-improve"] = "x" * 5000  # sent last: the cap cuts it, the answers before it are read
    status, french, english = NOTICES[kind]

    refused = client.post(url, data=data, headers=headers)
    html = parse(refused.get_data(as_text=True)).text
    assert refused.status_code == status
    assert (english if lang == "en" else french) in html
    assert (french if lang == "en" else english) not in html
    assert_answers_kept(refused)
    assert responses() == 0
    # A new token comes with them: sent again as shown, they are stored.
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", Config.SURVEY_SUBMIT_RATE_LIMIT)
    monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", Config.SURVEY_TOKEN_MAX_AGE)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", Config.MAX_CONTENT_LENGTH)
    again = shown_back(refused)
    again.pop("q-improve", None)
    defaults.advance(5)
    assert client.post(url, data=again).status_code == 303 and responses() == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_closed_form_shows_every_answer_back_read_only(client, make_session, defaults, lang):
    session = make_session()
    url = f"/s/{session.public_code}"
    client.set_cookie("lang", lang)
    token = form_token(client.get(url).get_data(as_text=True))
    operations.close_session(session)
    db.session.commit()
    defaults.advance(20)
    refused = client.post(url, data={**ANSWERS, "token": token})
    tree = parse(refused.get_data(as_text=True))
    assert refused.status_code == 410 and responses() == 0
    kept = [t.raw_text for t in tree.find_all("textarea")]
    assert COMMENT in kept and "8" in kept and ("Satisfied" if lang == "en" else "Satisfait") in kept
    assert all("readonly" in t.attrs for t in tree.find_all("textarea"))
    assert tree.find("form", class_="survey") is None  # nothing to send to a closed questionnaire
    said = "was closed before you sent them" if lang == "en" else "le questionnaire a été fermé avant votre envoi"
    assert said in tree.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_second_tap_caught_by_the_limit_says_the_answers_were_received(
    app, client, make_session, defaults, monkeypatch, lang
):
    session = make_session()
    url = f"/s/{session.public_code}"
    client.set_cookie("lang", lang)
    body = {**ANSWERS, "token": form_token(client.get(url).get_data(as_text=True))}
    defaults.advance(20)
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "1 per minute")
    assert client.post(url, data=body).status_code == 303
    second = client.post(url, data=body)
    html = parse(second.get_data(as_text=True)).text
    assert second.status_code == 429 and survey_form(second) is None and responses() == 1
    said = "had already been received" if lang == "en" else "avaient déjà été reçues"
    assert said in html


def test_with_the_counters_storage_down_people_still_get_their_form(client, make_session, defaults, monkeypatch):
    from feedback.extensions import limiter

    class Unreachable:
        def hit(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(limiter, "_limiter", Unreachable())
    session = make_session()
    page = client.get(f"/s/{session.public_code}")
    assert page.status_code == 200 and form_token(page.get_data(as_text=True))
