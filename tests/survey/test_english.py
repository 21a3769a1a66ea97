"""The participant's pages in English: chosen with ?lang=en, kept by a cookie; French otherwise, whatever the browser.

The msgids are the French strings; feedback/translations/en/LC_MESSAGES/messages.po holds the English ones and
`make translations` compiles it into the .mo that Flask-Babel reads.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from feedback.catalogue import operations
from feedback.db import db, utcnow
from tests.conftest import form_token
from tests.htmltree import parse

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "feedback/translations/en/LC_MESSAGES/messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}

#: Every file that puts text on a page a participant (or a visitor without an account) can see: each must have
#: translatable strings, so a new participant template written with bare French text fails here.
PARTICIPANT_FILES = (
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "templates/survey").glob("*.html")),
    "templates/errors/error.html",
    "templates/auth/login.html",
    "templates/base.html",
    "feedback/answers.py",
    "feedback/survey/views.py",
    "feedback/survey/followup_views.py",
    "feedback/auth/forms.py",
    "feedback/auth/views.py",
)

#: Answers to the default questionnaire, as a phone would send them.
ANSWERS = {"q-overall": "4", "q-recommend": "9", "q-liked": "Les études de cas"}
HOSTILE = "<script>alert(1)</script>"


# -- the catalogue -----------------------------------------------------------------------------------------------


def extracted_messages() -> dict[str, set[str | tuple[str, ...]]]:
    """What `make translations-update` extracts, with the same babel.cfg, by file."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str | tuple[str, ...]]] = {}
    for folder in ("feedback", "templates"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            found.setdefault(f"{folder}/{filename}", set()).add(message)
    return found


def read_catalogue():
    assert PO_FILE.exists(), f"{PO_FILE.relative_to(ROOT)} is missing"
    with open(PO_FILE, "rb") as po:
        return read_po(po)


@pytest.mark.pure
@pytest.mark.parametrize("path", PARTICIPANT_FILES)
def test_every_string_of_the_participant_pages_has_an_english_translation(path):
    messages = extracted_messages().get(path, set())
    assert messages, f"{path}: no translatable string found (is its text wrapped in _()?)"
    catalogue = read_catalogue()
    problems = []
    for msgid in sorted(messages, key=str):
        entry = catalogue.get(msgid)
        if entry is None:
            problems.append(f"not in the catalogue: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not (all(entry.string) if isinstance(entry.string, tuple) else entry.string):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, "run `make translations-update` and translate:\n" + "\n".join(problems)


@pytest.mark.pure
def test_every_translation_keeps_the_placeholders_of_its_french_string():
    errors = [f"{message.id!r}: {'; '.join(map(str, found))}" for message, found in read_catalogue().check()]
    assert not errors, "\n".join(errors)


def _key(value):
    """Plural forms come as lists or tuples depending on the reader."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.pure
def test_the_compiled_catalogue_is_the_current_one():
    assert MO_FILE.exists(), "no compiled catalogue: run `make translations`"
    with open(MO_FILE, "rb") as mo:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
    current = {_key(m.id): _key(m.string) for m in read_catalogue() if m.id and m.string and not m.fuzzy}
    assert compiled == current, "the .mo is older than the .po: run `make translations`"


# -- what a participant sees -------------------------------------------------------------------------------------


def page_text(response) -> str:
    return parse(response.get_data(as_text=True)).text


def html_lang(response) -> str | None:
    return parse(response.get_data(as_text=True)).find("html").get("lang")


def test_the_form_in_english(client, make_session):
    session = make_session()
    page = client.get(f"/s/{session.public_code}?lang=en")
    text = page_text(page)

    assert page.status_code == 200 and html_lang(page) == "en"
    assert "Questions marked with an asterisk (*) are required." in text
    assert "(required)" in text
    assert "Very satisfied" in text and "Very dissatisfied" in text
    tree = parse(page.get_data(as_text=True))
    assert tree.find("button", type="submit").text == "Send my answers"
    for french in ("Envoyer mes réponses", "obligatoire", "Très satisfait", "Pas du tout satisfait", "astérisque"):
        assert french not in text, french
    # The library's questionnaires carry their introduction in English too.
    assert "Thank you for taking two minutes" in text and "Merci de prendre deux minutes" not in text
    # Texts the questionnaire has only in French are marked as French for screen readers.
    consent = tree.find("input", name="consent").parent
    assert consent.find("span").get("lang") == "fr"
    # The switch back to French, itself labelled in French.
    switch = tree.find("a", href=f"/s/{session.public_code}?lang=fr")
    assert switch is not None and switch.text == "Version française" and switch.get("lang") == "fr"


def test_the_switch_link_of_the_french_form_leads_to_the_english_one(client, make_session):
    session = make_session()
    page = client.get(f"/s/{session.public_code}")
    switch = parse(page.get_data(as_text=True)).find("a", href=f"/s/{session.public_code}?lang=en")
    assert switch is not None and switch.text == "English" and switch.get("lang") == "en"

    english = client.get(switch.get("href"))
    assert html_lang(english) == "en" and "Send my answers" in page_text(english)


def test_validation_errors_in_english(client, make_session):
    session = make_session()
    token = form_token(client.get(f"/s/{session.public_code}?lang=en").get_data(as_text=True))
    page = client.post(f"/s/{session.public_code}", data={"token": token, "q-recommend": "11", "q-liked": "Très bien"})
    text = page_text(page)

    assert page.status_code == 422 and html_lang(page) == "en"
    assert "2 answers to correct" in text
    assert "This question is required." in text
    assert "Choose a score between 0 and 10." in text
    for french in ("à corriger", "Cette question est obligatoire", "Choisissez"):
        assert french not in text, french
    # What was typed stays as typed: the language only changes the interface.
    assert "Très bien" in [t.raw_text.strip() for t in parse(page.get_data(as_text=True)).find_all("textarea")]


def test_one_error_is_singular_in_english(client, make_session):
    session = make_session()
    token = form_token(client.get(f"/s/{session.public_code}?lang=en").get_data(as_text=True))
    page = client.post(f"/s/{session.public_code}", data={"token": token, "q-recommend": "9"})
    assert page.status_code == 422
    assert "1 answer to correct" in page_text(page)


def test_an_expired_form_says_so_in_english(app, client, make_session, monkeypatch):
    session = make_session()
    token = form_token(client.get(f"/s/{session.public_code}?lang=en").get_data(as_text=True))
    monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", -1)
    page = client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": token})
    text = page_text(page)
    assert page.status_code == 400
    assert "your answers are kept" in text and "vos réponses sont conservées" not in text


def test_the_thank_you_page_in_english_escapes_the_title(client, make_session, make_training):
    session = make_session(make_training(title=f"Atelier {HOSTILE}"))
    token = form_token(client.get(f"/s/{session.public_code}?lang=en").get_data(as_text=True))
    page = client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": token}, follow_redirects=True)
    html = page.get_data(as_text=True)
    text = page_text(page)

    assert page.status_code == 200 and html_lang(page) == "en"
    assert "Thank you!" in text and f"Atelier {HOSTILE}" in text
    assert "Merci" not in text and "enregistrées" not in text
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_the_closed_page_in_english(client, make_session):
    session = make_session()
    operations.close_session(session)
    db.session.commit()
    page = client.get(f"/s/{session.public_code}?lang=en")
    text = page_text(page)
    assert page.status_code == 410 and html_lang(page) == "en"
    assert "This questionnaire is closed" in text and "The time for answering is over." in text
    assert "fermé" not in text and "Merci" not in text


def test_a_late_answer_is_shown_back_in_english(client, make_session):
    session = make_session()
    token = form_token(client.get(f"/s/{session.public_code}?lang=en").get_data(as_text=True))
    operations.close_session(session)
    db.session.commit()
    page = client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": token})
    tree = parse(page.get_data(as_text=True))

    assert page.status_code == 410
    assert "Your answers could not be saved: the questionnaire was closed before you sent them." in tree.text
    # Every answer comes back read-only to be copied, the choices in the participant's language.
    shown = {h.text: t.raw_text for h, t in zip(tree.find_all("h2"), tree.find_all("textarea"), strict=True)}
    labels = {q.code: q.label_en for q in session.questionnaire.questions}
    expected = {"overall": "Very satisfied", "recommend": "9", "liked": "Les études de cas"}
    assert shown == {labels[code]: value for code, value in expected.items()}
    assert all("readonly" in t.attrs for t in tree.find_all("textarea"))


def test_a_form_not_open_yet_in_english(client, make_session):
    session = make_session(is_open=False)
    operations.schedule_session(session, opens_dt=utcnow() + timedelta(days=3), closes_dt=None)
    db.session.commit()
    page = client.get(f"/s/{session.public_code}?lang=en")
    text = page_text(page)
    assert page.status_code == 200
    assert "This questionnaire is not open yet" in text and "It will open at the end of the session, on" in text
    assert "pas encore ouvert" not in text


def test_a_404_in_english(client, make_session):
    make_session()
    page = client.get("/s/inconnu?lang=en")
    text = page_text(page)
    assert page.status_code == 404 and html_lang(page) == "en"
    assert "Page not found" in text and "Page introuvable" not in text


def test_the_login_page_in_english(client, make_user):
    user = make_user()
    page = client.get("/login?lang=en")
    assert html_lang(page) == "en"
    tree = parse(page.get_data(as_text=True))
    assert tree.find("label", for_="email").text == "E-mail address"
    assert tree.find("label", for_="password").text == "Password"
    refused = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    assert "Incorrect e-mail address or password." in page_text(refused)
    assert "mot de passe incorrect" not in page_text(refused)


# -- choosing the language ---------------------------------------------------------------------------------------


def test_the_choice_is_remembered_by_a_cookie_and_can_be_undone(client, make_session):
    session = make_session()
    chosen = client.get(f"/s/{session.public_code}?lang=en")
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    later = client.get(f"/s/{session.public_code}")
    assert html_lang(later) == "en" and "Send my answers" in page_text(later)
    assert html_lang(client.get("/s/inconnu")) == "en"

    back = client.get(f"/s/{session.public_code}?lang=fr")
    assert html_lang(back) == "fr" and "Envoyer mes réponses" in page_text(back)
    assert html_lang(client.get(f"/s/{session.public_code}")) == "fr"


@pytest.mark.parametrize("accept_language", ["en-GB,en;q=0.9", "en", "de-DE,en;q=0.5", ""])
def test_french_is_the_default_whatever_the_browser_prefers(client, make_session, accept_language):
    session = make_session()
    page = client.get(f"/s/{session.public_code}", headers={"Accept-Language": accept_language})
    assert html_lang(page) == "fr"
    assert "Envoyer mes réponses" in page_text(page) and "Send my answers" not in page_text(page)
    assert "lang=" not in page.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("lang", ["de", "EN", "en-US", "x" * 300])
def test_an_unknown_language_gives_french_and_no_cookie(client, make_session, lang):
    session = make_session()
    page = client.get(f"/s/{session.public_code}", query_string={"lang": lang})
    assert page.status_code == 200 and html_lang(page) == "fr"
    assert "lang=" not in page.headers.get("Set-Cookie", "")


def test_the_back_office_stays_french_for_a_manager_who_chose_english_on_a_form(client, auth, make_user, make_session):
    session = make_session()
    client.get(f"/s/{session.public_code}?lang=en")  # e.g. a manager checking the English form
    auth.login(make_user())
    page = client.get("/scores/mine")
    assert page.status_code == 200 and html_lang(page) == "fr"
    assert "Aller au contenu" in page_text(page) and "Skip to content" not in page_text(page)
