"""Ways to reach a session's form beyond the poster: table tent, slide image, short link; the manager's live count."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 (parses the app's own output)
from datetime import date, timedelta

import pytest
import segno
from PIL import Image

from feedback.catalogue import operations
from feedback.catalogue.library import HOT_EVALUATION
from feedback.db import db, utcnow
from feedback.manage.slide import slide_layout
from feedback.models import Role
from tests.htmltree import parse

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Ateliers <script>alert(1)</script> & "co"'


@pytest.fixture
def manager(client, auth, make_user):
    """A logged-in manager; returns the client."""
    auth.login(make_user(Role.MANAGER))
    return client


# -- table tent --------------------------------------------------------------------------------------------------


def test_the_table_tent_shows_the_same_half_twice_one_of_them_upside_down(manager, make_training, make_session):
    session = make_session(make_training(HOSTILE), start_date=date(2026, 6, 18), place="Évry")
    # Whatever Host the request came with, the printed link uses BASE_URL.
    manager.set_cookie("session", manager.get_cookie("session").value, domain="evil.example")
    page = manager.get(f"/manage/sessions/{session.id}/table-tent", base_url="http://evil.example")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "evil.example" not in html
    tree = parse(html)
    back, front = tree.find_all("section", class_="half")
    assert "back" in back.get("class") and "front" in front.get("class")
    assert back.get("aria-hidden") == "true"  # a screen reader reads the card once
    for half in (back, front):
        assert half.find(class_="kicker").text == "Votre avis compte"
        assert half.find(class_="title").text == HOSTILE
        assert half.find(class_="when").text == "18 juin 2026 · Évry"
        assert half.find(class_="link").text == f"http://retours.test/s/{session.public_code}"
        assert half.find(class_="qr").find("svg") is not None
    assert [h.text for h in tree.find_all("h1")] == [HOSTILE]

    stylesheet = tree.find("link", rel="stylesheet").get("href")
    assert stylesheet.endswith("/table-tent.css")
    with manager.get(stylesheet) as response:
        css = response.get_data(as_text=True)
    assert "@page{size:A4 landscape;margin:0}" in css
    assert ".half.back{transform:rotate(180deg)}" in css


# -- slide -------------------------------------------------------------------------------------------------------


def test_the_slide_png_is_1920_by_1080_and_carries_the_qr_code_of_the_public_link(manager, make_training, make_session):
    session = make_session(make_training("Réseau des adultes-relais"), start_date=date(2026, 6, 18))
    page = manager.get(f"/manage/sessions/{session.id}/slide.png")
    assert page.status_code == 200
    assert page.mimetype == "image/png"
    assert page.headers["Content-Disposition"] == f'attachment; filename="diapositive-{session.public_code}.png"'
    image = Image.open(io.BytesIO(page.get_data()))
    image.load()
    assert image.format == "PNG" and image.size == (1920, 1080)

    # Each module of the drawn code is the module of the public link's QR code: phones will read that link.
    url = f"http://retours.test/s/{session.public_code}"
    layout = slide_layout("Réseau des adultes-relais", "18 juin 2026", url)
    expected = list(segno.make(url, error="m").matrix_iter(scale=1, border=2))
    gray = image.convert("L")
    half = layout.qr_module // 2
    drawn = [
        [
            gray.getpixel((layout.qr_x + c * layout.qr_module + half, layout.qr_y + r * layout.qr_module + half)) < 128
            for c in range(len(row))
        ]
        for r, row in enumerate(expected)
    ]
    assert drawn == [[bool(m) for m in row] for row in expected]
    assert layout.qr_size >= 700  # scannable from the back of a room


def test_the_slide_svg_is_well_formed_with_a_hostile_title(manager, make_training, make_session):
    session = make_session(make_training(HOSTILE), start_date=date(2026, 6, 18))
    page = manager.get(f"/manage/sessions/{session.id}/slide.svg")
    assert page.status_code == 200
    assert page.mimetype == "image/svg+xml"
    assert page.headers["Content-Disposition"] == f'attachment; filename="diapositive-{session.public_code}.svg"'
    root = ET.fromstring(page.get_data())  # noqa: S314 (the app's own output)
    assert root.tag == f"{SVG_NS}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("1920", "1080", "0 0 1920 1080")
    assert root.find(f"{SVG_NS}title").text == HOSTILE
    assert not [el for el in root.iter() if el.tag.removeprefix(SVG_NS) in {"script", "foreignObject"}]
    lines = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "VOTRE AVIS COMPTE" in lines and "18 juin 2026" in lines
    assert f"http://retours.test/s/{session.public_code}" in lines
    title_lines = lines[1 : lines.index("18 juin 2026")]
    assert " ".join(title_lines) == HOSTILE  # wrapped, not cut, and every character kept as text
    assert root.find(f"{SVG_NS}path").get("d").startswith("M")


def test_a_title_with_control_characters_still_gives_well_formed_svg(manager, make_training, make_session):
    session = make_session(make_training("Cohésion\x0bsociale\x1f & quartiers"))
    page = manager.get(f"/manage/sessions/{session.id}/slide.svg")
    root = ET.fromstring(page.get_data())  # noqa: S314 (the app's own output)
    assert root.find(f"{SVG_NS}title").text == "Cohésionsociale & quartiers"


# -- short link --------------------------------------------------------------------------------------------------


def test_the_poster_prints_the_short_link_without_https_in_monospace(app, manager, make_session, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://retours.example.org")
    session = make_session()
    tree = parse(manager.get(f"/manage/sessions/{session.id}/poster").get_data(as_text=True))
    link = tree.find(class_="url").find("code", class_="link")
    assert link.text == f"retours.example.org/s/{session.public_code}"
    with manager.get("/static/poster.css") as response:
        css = response.get_data(as_text=True)
    assert ".url .link{" in css and "monospace" in css.split(".url .link{")[1].split("}")[0]


# -- live counts -------------------------------------------------------------------------------------------------


def test_the_counts_follow_the_responses_and_the_opening(manager, make_session, answer_form):
    session = make_session()
    page = manager.get(f"/manage/sessions/{session.id}/counts")
    assert page.status_code == 200
    assert page.get_json() == {"responses": 0, "is_open": True}
    assert page.headers["Cache-Control"] == "no-store"

    assert answer_form(session, {"q-overall": "4"}).status_code == 303
    assert answer_form(session, {"q-overall": "2"}).status_code == 303
    assert manager.get(f"/manage/sessions/{session.id}/counts").get_json() == {"responses": 2, "is_open": True}

    operations.close_session(session, now=utcnow() - timedelta(seconds=1))
    db.session.commit()
    assert manager.get(f"/manage/sessions/{session.id}/counts").get_json() == {"responses": 2, "is_open": False}


def test_the_counts_of_another_session_are_not_mixed_in(manager, make_session, answer_form):
    session, other = make_session(), make_session()
    answer_form(other, {"q-overall": "4"})
    assert manager.get(f"/manage/sessions/{session.id}/counts").get_json()["responses"] == 0
    assert manager.get(f"/manage/sessions/{other.id}/counts").get_json()["responses"] == 1


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COMMUNICATION])
def test_the_counts_are_for_managers_only(client, auth, make_user, make_speaker, make_session, role):
    user = make_user(role)
    # Even the trainer who speaks at the session: the count is a management tool.
    session = make_session(speakers=[make_speaker("Alix A.", user=user)] if role == Role.TRAINER else [])
    auth.login(user)
    assert client.get(f"/manage/sessions/{session.id}/counts").status_code == 404


def test_an_anonymous_visitor_is_sent_to_login_from_the_counts(client, make_session):
    session = make_session()
    page = client.get(f"/manage/sessions/{session.id}/counts")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_the_session_page_shows_the_count_at_load_and_where_to_refresh_it(manager, make_session, answer_form):
    session = make_session()
    answer_form(session, {"q-overall": "4"})
    tree = parse(manager.get(f"/scores/sessions/{session.id}").get_data(as_text=True))
    counter = tree.find(id="response-count")
    assert counter.text == "1"
    assert counter.get("data-counts-url") == f"/manage/sessions/{session.id}/counts"
    assert counter.get("data-open") == "true"
    assert counter.parent.get("aria-live") == "polite"
    assert tree.find("script").get("src") == "/static/app.js"
    assert not [s for s in tree.find_all("script") if not s.get("src")]  # the CSP allows no inline script
    hrefs = {a.get("href") for a in tree.find_all("a")}
    for path in ("table-tent", "slide.png", "slide.svg", "poster"):
        assert f"/manage/sessions/{session.id}/{path}" in hrefs


def test_a_closed_session_page_does_not_ask_to_refresh(manager, make_session):
    session = make_session(is_open=False)
    counter = parse(manager.get(f"/scores/sessions/{session.id}").get_data(as_text=True)).find(id="response-count")
    assert counter.get("data-open") == "false"


def test_a_trainer_sees_the_count_but_no_live_refresh(client, auth, make_user, make_speaker, make_session):
    trainer = make_user(Role.TRAINER)
    session = make_session(speakers=[make_speaker("Alix A.", user=trainer)])
    auth.login(trainer)
    tree = parse(client.get(f"/scores/sessions/{session.id}").get_data(as_text=True))
    counter = tree.find(id="response-count")
    assert counter.text == "0" and counter.get("data-counts-url") is None
    assert tree.find("script") is None


def test_the_printed_cards_promise_anonymity_only_for_an_anonymous_questionnaire(manager, make_session):
    anonymous, named = make_session(), make_session()
    named.questionnaire = operations.create_questionnaire({**HOT_EVALUATION, "is_anonymous": False})
    db.session.commit()
    for session, promised in ((anonymous, True), (named, False)):
        for path in ("poster", "table-tent"):
            text = parse(manager.get(f"/manage/sessions/{session.id}/{path}").get_data(as_text=True)).text
            assert ("anonyme" in text.lower()) is promised, (path, promised)
