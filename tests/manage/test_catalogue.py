"""Managers' catalogue pages: trainings, sessions, opening and closing, QR codes and posters, speakers."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 (parses the app's own output)
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Role, Speaker, Training, TrainingSession
from tests.htmltree import Node, form_state, parse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def manager(client, auth, make_user):
    """A logged-in manager; returns the client."""
    auth.login(make_user(Role.MANAGER))
    return client


def reread() -> None:
    """Forget what the request left in memory: what follows reads what was committed."""
    db.session.rollback()


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def field_errors(page) -> dict[str, str]:
    """Field id -> its error message, as shown next to the field."""
    tree = parse(page.get_data(as_text=True))
    return {p.get("id").removesuffix("-err"): p.text for p in tree.find_all("p", class_="error")}


def staff_form_state(page) -> dict[str, list[str]]:
    form = parse(page.get_data(as_text=True)).find("main").find("form", method="post")
    assert form is not None
    return form_state(form)


# -- trainings ---------------------------------------------------------------------------------------------------

TRAINING = {
    "title": "Lutter contre le non-recours",
    "axis": "precarite-sante",
    "modality": "seminaire",
    "description": "Deux demi-journées d'échanges.",
}


def test_a_manager_creates_a_training_and_is_led_to_its_first_session(manager):
    page = manager.post("/manage/trainings/new", data=TRAINING)
    reread()
    training = db.session.scalar(select(Training))
    assert page.status_code == 302
    assert page.headers["Location"] == f"/manage/trainings/{training.id}/sessions/new"
    assert (training.title, training.axis, training.modality, training.description) == (
        "Lutter contre le non-recours",
        "precarite-sante",
        "seminaire",
        "Deux demi-journées d'échanges.",
    )
    catalogue = manager.get("/manage/trainings").get_data(as_text=True)
    assert "Lutter contre le non-recours" in catalogue and "Séminaire" in catalogue


def test_a_manager_edits_a_training(manager, make_training):
    training = make_training("Ancien titre")
    form = staff_form_state(manager.get(f"/manage/trainings/{training.id}/edit"))
    assert form["title"] == ["Ancien titre"] and form["axis"] == ["linguistique-integration"]
    page = manager.post(
        f"/manage/trainings/{training.id}/edit", data={**form, "title": "  Nouveau titre ", "axis": "regional"}
    )
    assert page.status_code == 302 and page.headers["Location"] == f"/scores/trainings/{training.id}"
    reread()
    assert (training.title, training.axis, training.modality) == ("Nouveau titre", "regional", "formation")


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"title": "   "}, "title", "Ce champ est obligatoire."),
        ({"title": "x" * 301}, "title", "300 caractères"),
        ({"axis": "inconnu"}, "axis", "choix valide"),
    ],
    ids=["empty-title", "blank-title", "long-title", "unknown-axis"],
)
def test_bad_training_input_is_explained_in_french_and_nothing_is_written(
    manager, make_training, changed, field, message
):
    page = manager.post("/manage/trainings/new", data={**TRAINING, **changed})
    assert page.status_code == 200
    assert message in field_errors(page)[field]
    assert staff_form_state(page)["description"] == [TRAINING["description"]]  # the rest is kept
    reread()
    assert count(Training) == 0

    training = make_training("Titre conservé")
    page = manager.post(f"/manage/trainings/{training.id}/edit", data={**TRAINING, **changed})
    assert page.status_code == 200 and message in field_errors(page)[field]
    reread()
    assert training.title == "Titre conservé" and training.axis == "linguistique-integration"


# -- sessions ----------------------------------------------------------------------------------------------------

SESSION = {
    "start_date": "2026-06-18",
    "end_date": "2026-06-19",
    "half_days": "4",
    "department": "94",
    "place": "Créteil",
    "participants_present": "17",
}


def test_a_manager_creates_a_session_with_its_speakers(manager, make_training, make_speaker):
    training = make_training()
    ines, noe = make_speaker("Inès Dumont"), make_speaker("Noé Bernard")
    make_speaker("Zoé Petit")
    form = staff_form_state(manager.get(f"/manage/trainings/{training.id}/sessions/new"))
    assert form["speakers"] == []  # offered, none ticked
    page = manager.post(
        f"/manage/trainings/{training.id}/sessions/new", data={**SESSION, "speakers": [str(ines.id), str(noe.id)]}
    )
    reread()
    session = db.session.scalar(select(TrainingSession))
    assert page.status_code == 302 and page.headers["Location"] == f"/scores/sessions/{session.id}"
    assert session.training_id == training.id
    assert (session.start_date, session.end_date, session.half_days) == (date(2026, 6, 18), date(2026, 6, 19), 4)
    assert (session.department, session.place, session.participants_present) == ("94", "Créteil", 17)
    assert [s.name for s in session.speakers] == ["Inès Dumont", "Noé Bernard"]
    assert session.opens_dt is None and session.questionnaire.family == "evaluation-a-chaud"
    shown = manager.get(f"/scores/sessions/{session.id}").get_data(as_text=True)
    assert "Inès Dumont, Noé Bernard" in shown and "Créteil" in shown


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"start_date": ""}, "start_date", "Indiquez la date de la session."),
        ({"end_date": "2026-06-17"}, "end_date", "Le dernier jour ne peut précéder la date de début."),
        (
            {"opens_at": "2026-06-18T17:00", "closes_at": "2026-06-18T09:00"},
            "closes_at",
            "La fermeture doit suivre l'ouverture.",
        ),
        (
            {"opens_at": "2026-06-18T17:00", "closes_at": "2026-06-18T17:00"},
            "closes_at",
            "La fermeture doit suivre l'ouverture.",
        ),
        ({"participants_present": "-3"}, "participants_present", "Indiquez un nombre positif."),
        ({"half_days": "101"}, "half_days", "Entre 0 et 100 demi-journées."),
        ({"speakers": ["999999"]}, "speakers", "choix valide"),
    ],
    ids=[
        "no-date",
        "end-before-start",
        "closing-before-opening",
        "closing-at-opening",
        "negative-present",
        "too-many-half-days",
        "unknown-speaker",
    ],
)
def test_bad_session_input_is_explained_in_french_and_nothing_is_written(
    manager, make_session, make_training, changed, field, message
):
    training = make_training()
    page = manager.post(f"/manage/trainings/{training.id}/sessions/new", data={**SESSION, **changed})
    assert page.status_code == 200
    assert message in field_errors(page).get(field, ""), field_errors(page)
    assert staff_form_state(page)["place"] == ["Créteil"]
    reread()
    assert count(TrainingSession) == 0

    session = make_session(training, start_date=date(2026, 6, 18), present=12, place="Évry", is_open=False)
    page = manager.post(f"/manage/sessions/{session.id}/edit", data={**SESSION, **changed})
    assert page.status_code == 200 and message in field_errors(page).get(field, "")
    reread()
    assert (session.place, session.participants_present, session.end_date) == ("Évry", 12, None)
    assert (session.opens_dt, session.closes_dt) == (None, None)


def test_editing_a_session_changes_only_what_was_changed(manager, make_session, make_speaker):
    ines, noe = make_speaker("Inès Dumont"), make_speaker("Noé Bernard")
    session = make_session(speakers=[ines, noe], start_date=date(2030, 1, 15), present=None, is_open=False)
    opens, closes = datetime(2030, 1, 15, 15, 30, tzinfo=UTC), datetime(2030, 1, 16, 22, 0, tzinfo=UTC)
    session.opens_dt, session.closes_dt = opens, closes
    db.session.commit()

    form = staff_form_state(manager.get(f"/manage/sessions/{session.id}/edit"))
    assert form["speakers"] == [str(ines.id), str(noe.id)]
    assert form["opens_at"] == ["2030-01-15T16:30"]  # shown in Paris time (UTC+1 in winter)
    # Sending the form back untouched changes nothing.
    assert manager.post(f"/manage/sessions/{session.id}/edit", data=form).status_code == 302
    reread()
    assert (session.opens_dt, session.closes_dt, session.start_date) == (opens, closes, date(2030, 1, 15))
    assert [s.name for s in session.speakers] == ["Inès Dumont", "Noé Bernard"]

    # People present are filled in afterwards; one speaker is removed.
    page = manager.post(
        f"/manage/sessions/{session.id}/edit", data={**form, "participants_present": "23", "speakers": [str(noe.id)]}
    )
    assert page.status_code == 302
    reread()
    assert session.participants_present == 23
    assert [s.name for s in session.speakers] == ["Noé Bernard"]
    assert (session.opens_dt, session.closes_dt) == (opens, closes)


def test_open_and_close_by_post(manager, client, make_session):
    session = make_session(is_open=False)
    code = session.public_code
    assert "pas encore ouvert" in client.get(f"/s/{code}").get_data(as_text=True)

    page = manager.post(f"/manage/sessions/{session.id}/open")
    assert page.status_code == 302 and page.headers["Location"] == f"/scores/sessions/{session.id}"
    reread()
    assert session.is_open
    public = client.get(f"/s/{code}")
    assert public.status_code == 200 and parse(public.get_data(as_text=True)).find("form") is not None

    assert manager.post(f"/manage/sessions/{session.id}/close").status_code == 302
    reread()
    assert not session.is_open
    assert client.get(f"/s/{code}").status_code == 410

    # Opening again after a closing: the form answers again.
    assert manager.post(f"/manage/sessions/{session.id}/open").status_code == 302
    assert client.get(f"/s/{code}").status_code == 200


@pytest.mark.parametrize("action", ["open", "close"])
def test_a_get_on_open_or_close_changes_nothing(manager, make_session, action):
    session = make_session(is_open=(action == "close"))
    before = (session.opens_dt, session.closes_dt)
    assert manager.get(f"/manage/sessions/{session.id}/{action}").status_code == 405
    reread()
    assert (session.opens_dt, session.closes_dt) == before


def test_a_scheduled_opening_in_the_future_shows_not_yet_open(manager, client, make_training):
    training = make_training()
    data = {**SESSION, "opens_at": "2030-07-01T09:00", "closes_at": "2030-07-08T18:00"}
    assert manager.post(f"/manage/trainings/{training.id}/sessions/new", data=data).status_code == 302
    reread()
    session = db.session.scalar(select(TrainingSession))
    # Typed in Paris time (UTC+2 in summer), stored in UTC.
    assert session.opens_dt == datetime(2030, 7, 1, 7, 0, tzinfo=UTC)
    assert session.closes_dt == datetime(2030, 7, 8, 16, 0, tzinfo=UTC)
    page = client.get(f"/s/{session.public_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "pas encore ouvert" in html and "09:00" in html
    assert parse(html).find("form") is None


# -- distribution ------------------------------------------------------------------------------------------------


def test_the_qr_code_downloads_as_well_formed_svg(manager, make_session):
    session = make_session()
    page = manager.get(f"/manage/sessions/{session.id}/qr.svg")
    assert page.status_code == 200
    assert page.mimetype == "image/svg+xml"
    assert page.headers["Content-Disposition"] == f'attachment; filename="questionnaire-{session.public_code}.svg"'
    root = ET.fromstring(page.get_data())  # noqa: S314 (the app's own output)
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f".//{SVG_NS}path") is not None


def test_the_qr_code_downloads_as_png(manager, make_session):
    session = make_session()
    page = manager.get(f"/manage/sessions/{session.id}/qr.png")
    assert page.status_code == 200
    assert page.mimetype == "image/png"
    assert page.get_data().startswith(PNG_SIGNATURE)
    assert page.headers["Content-Disposition"].endswith(f'questionnaire-{session.public_code}.png"')


def test_the_poster_has_the_title_the_date_the_short_link_and_the_qr_code(manager, make_training, make_session):
    session = make_session(make_training("Accueillir <les> publics"), start_date=date(2026, 6, 18))
    # Whatever Host the request came with, the printed link uses BASE_URL.
    manager.set_cookie("session", manager.get_cookie("session").value, domain="evil.example")
    page = manager.get(f"/manage/sessions/{session.id}/poster", base_url="http://evil.example")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    tree = parse(html)
    assert tree.find("h1").text == "Accueillir <les> publics" and "&lt;les&gt;" in html
    assert "18 juin 2026" in tree.find(class_="when").text
    assert f"http://retours.test/s/{session.public_code}" in tree.find(class_="url").text
    assert "evil.example" not in html
    assert tree.find(class_="qr").find("svg") is not None


# -- speakers ----------------------------------------------------------------------------------------------------


def test_a_manager_creates_and_edits_a_speaker(manager):
    page = manager.post(
        "/manage/speakers/new", data={"name": " Inès Dumont ", "organisation": "Cité", "email": "ines@example.org"}
    )
    assert page.status_code == 302 and page.headers["Location"] == "/manage/speakers"
    reread()
    speaker = db.session.scalar(select(Speaker))
    assert (speaker.name, speaker.organisation, speaker.email, speaker.user) == (
        "Inès Dumont",
        "Cité",
        "ines@example.org",
        None,
    )
    assert "Inès Dumont" in manager.get("/manage/speakers").get_data(as_text=True)

    form = staff_form_state(manager.get(f"/manage/speakers/{speaker.id}/edit"))
    page = manager.post(f"/manage/speakers/{speaker.id}/edit", data={**form, "organisation": "Profession Banlieue"})
    assert page.status_code == 302
    reread()
    assert (speaker.name, speaker.organisation) == ("Inès Dumont", "Profession Banlieue")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Ce champ est obligatoire."),
        ({"name": "Inès", "email": "pas-une-adresse"}, "email", "Adresse e-mail invalide."),
    ],
    ids=["no-name", "bad-email"],
)
def test_bad_speaker_input_is_refused_in_french(manager, data, field, message):
    page = manager.post("/manage/speakers/new", data=data)
    assert page.status_code == 200 and message in field_errors(page)[field]
    reread()
    assert count(Speaker) == 0


def test_linking_a_trainer_account_lets_the_trainer_see_their_sessions(app, manager, make_user, make_session):
    trainer = make_user(Role.TRAINER, email="ines@example.org")
    page = manager.post("/manage/speakers/new", data={"name": "Inès Dumont", "account_email": "INES@example.org"})
    assert page.status_code == 302
    reread()
    speaker = db.session.scalar(select(Speaker))
    assert speaker.user_id == trainer.id
    session = make_session(speakers=[speaker])

    trainer_browser = app.test_client()
    trainer_browser.post("/login", data={"email": "ines@example.org", "password": "correct-horse-battery"})
    assert session.training.title in trainer_browser.get("/scores/mine").get_data(as_text=True)
    assert trainer_browser.get(f"/scores/sessions/{session.id}").status_code == 200

    # Unlinking (empty account field) takes the sessions away.
    form = staff_form_state(manager.get(f"/manage/speakers/{speaker.id}/edit"))
    assert form["account_email"] == ["ines@example.org"]
    assert manager.post(f"/manage/speakers/{speaker.id}/edit", data={**form, "account_email": ""}).status_code == 302
    reread()
    assert speaker.user_id is None
    assert trainer_browser.get(f"/scores/sessions/{session.id}").status_code == 404


@pytest.mark.parametrize("account", ["manager", "communication", "unknown"])
def test_only_an_existing_trainer_account_can_be_linked(manager, make_user, make_speaker, account):
    if account != "unknown":
        make_user(Role(account), email="staff@example.org")
    page = manager.post("/manage/speakers/new", data={"name": "Inès Dumont", "account_email": "staff@example.org"})
    assert page.status_code == 200
    assert field_errors(page)["account_email"] == "Aucun compte intervenant·e avec cette adresse."
    reread()
    assert count(Speaker) == 0

    speaker = make_speaker("Noé Bernard")
    page = manager.post(
        f"/manage/speakers/{speaker.id}/edit", data={"name": "Noé Bernard", "account_email": "staff@example.org"}
    )
    assert page.status_code == 200 and "Aucun compte intervenant·e" in field_errors(page)["account_email"]
    reread()
    assert speaker.user_id is None


def test_an_account_linked_to_another_speaker_is_refused(manager, make_user, make_speaker):
    trainer = make_user(Role.TRAINER, email="ines@example.org")
    make_speaker("Inès Dumont", user=trainer)
    other = make_speaker("Noé Bernard")

    page = manager.post(
        f"/manage/speakers/{other.id}/edit", data={"name": "Noé Bernard", "account_email": "ines@example.org"}
    )
    assert page.status_code == 200
    assert field_errors(page)["account_email"] == "Ce compte est déjà relié à l'intervenant·e « Inès Dumont »."
    page = manager.post("/manage/speakers/new", data={"name": "Inès D.", "account_email": "ines@example.org"})
    assert page.status_code == 200 and "déjà relié" in field_errors(page)["account_email"]
    reread()
    assert other.user_id is None and count(Speaker) == 2

    # The speaker who holds the account can still be edited with it.
    holder = db.session.scalar(select(Speaker).where(Speaker.user_id == trainer.id))
    page = manager.post(
        f"/manage/speakers/{holder.id}/edit", data={"name": "Inès Dumont-Lefort", "account_email": "ines@example.org"}
    )
    assert page.status_code == 302
    reread()
    assert (holder.name, holder.user_id) == ("Inès Dumont-Lefort", trainer.id)


def test_a_session_with_a_past_date_still_gets_a_working_link(manager, client, make_training):
    """Sessions are often entered after the fact: the link works as soon as the form is opened."""
    training = make_training()
    data = {**SESSION, "start_date": (date.today() - timedelta(days=30)).isoformat(), "end_date": ""}
    assert manager.post(f"/manage/trainings/{training.id}/sessions/new", data=data).status_code == 302
    reread()
    session = db.session.scalar(select(TrainingSession))
    assert manager.post(f"/manage/sessions/{session.id}/open").status_code == 302
    assert client.get(f"/s/{session.public_code}").status_code == 200


def test_control_characters_in_staff_text_are_dropped_not_an_error(manager, make_training):
    """PostgreSQL refuses NUL in text: a pasted control character must not turn a form into a 500."""
    page = manager.post("/manage/trainings/new", data={**TRAINING, "title": "Lutter\x00 contre\x07 le non-recours"})
    assert page.status_code == 302
    training = make_training()
    data = {**SESSION, "place": "Cré\x00teil", "end_date": ""}
    assert manager.post(f"/manage/trainings/{training.id}/sessions/new", data=data).status_code == 302
    assert (
        manager.post("/manage/speakers/new", data={"name": "Inès\x00 Dumont", "organisation": "\x1bCité"}).status_code
        == 302
    )
    reread()
    titles = db.session.scalars(select(Training.title).order_by(Training.id)).all()
    assert titles[0] == "Lutter contre le non-recours"
    assert db.session.scalar(select(TrainingSession.place)) == "Créteil"
    assert db.session.scalar(select(Speaker.name)) == "Inès Dumont"


def test_a_session_opened_and_closed_within_a_minute_can_still_be_edited(manager, make_session):
    session = make_session(is_open=False, present=None)
    assert manager.post(f"/manage/sessions/{session.id}/open").status_code == 302
    assert manager.post(f"/manage/sessions/{session.id}/close").status_code == 302
    reread()
    opens, closes = session.opens_dt, session.closes_dt

    form = staff_form_state(manager.get(f"/manage/sessions/{session.id}/edit"))
    assert form["opens_at"] == form["closes_at"]  # the same minute, as the form shows it
    page = manager.post(f"/manage/sessions/{session.id}/edit", data={**form, "participants_present": "17"})
    assert page.status_code == 302
    reread()
    assert session.participants_present == 17
    assert (session.opens_dt, session.closes_dt) == (opens, closes)


def test_the_catalogue_lists_each_sessions_tools_under_its_training(manager, make_training, make_session):
    training = make_training("Droit des étrangers")
    closed = make_session(training, start_date=date(2025, 3, 10), is_open=False)
    opened = make_session(training, start_date=date(2025, 6, 1))
    tree = parse(manager.get("/manage/trainings").get_data(as_text=True))
    rows = {item.get("data-session"): item for item in tree.find_all("li") if item.get("data-session")}
    assert list(rows) == [str(opened.id), str(closed.id)]  # newest first
    links = {a.text: a.get("href") for a in rows[str(closed.id)].find_all("a")}
    assert links["QR code"] == f"/manage/sessions/{closed.id}/qr.png"
    assert links["Affiche"] == f"/manage/sessions/{closed.id}/poster"
    assert links["Invitations"].endswith(f"/sessions/{closed.id}/invitations")
    assert rows[str(closed.id)].find("form").get("action") == f"/manage/sessions/{closed.id}/open"
    assert rows[str(opened.id)].find("form").get("action") == f"/manage/sessions/{opened.id}/close"
    assert "2 sessions et leurs outils" in tree.find("summary").text
    # The button of the catalogue opens the questionnaire.
    assert manager.post(rows[str(closed.id)].find("form").get("action")).status_code == 302
    reread()
    assert closed.is_open


def test_the_catalogue_is_paged_and_searchable(manager, make_training, make_session):
    """The demo's catalogue (210 trainings, 500 sessions with their tools) made one 530 KB page: 20 a page now."""
    for number in range(45):
        training = make_training(f"Formation {number:02d}" + (" QPV" if number % 10 == 0 else ""))
        make_session(training, start_date=date(2025, 1, 1) + timedelta(days=number), is_open=False)

    def titles(url: str) -> tuple[list[str], Node]:
        tree = parse(manager.get(url).get_data(as_text=True))
        rows = tree.find("tbody").find_all("tr")
        listed = [row for row in rows if "session-rows" not in (row.get("class") or "") and row.find("a")]
        return [row.find("a").text for row in listed], tree

    first, tree = titles("/manage/trainings")
    assert first == [f"Formation {n:02d}" + (" QPV" if n % 10 == 0 else "") for n in range(44, 24, -1)]  # newest
    assert "45 formations — page 1 sur 3." in tree.text
    assert tree.find("a", rel="next").get("href") == "/manage/trainings?page=2"
    # Each training's session tools are on its own page only.
    assert len([item for item in tree.find_all("li") if item.get("data-session")]) == 20
    last, tree = titles("/manage/trainings?page=3")
    assert last == ["Formation 04", "Formation 03", "Formation 02", "Formation 01", "Formation 00 QPV"]
    assert titles("/manage/trainings?page=99")[0] == last and titles("/manage/trainings?page=-1")[0] == first
    found, tree = titles("/manage/trainings?q=qpv")
    assert found == ["Formation 40 QPV", "Formation 30 QPV", "Formation 20 QPV", "Formation 10 QPV", "Formation 00 QPV"]
    assert "5 formations dont le titre contient « qpv »." in tree.text
    assert "Aucune formation dont le titre contient « 100% »." in titles("/manage/trainings?q=100%25")[1].text
