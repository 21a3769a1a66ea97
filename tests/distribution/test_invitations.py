"""Managers invite a session's attendees by e-mail: checking the list, sending through a real SMTP server."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback.catalogue import operations as manage_operations
from feedback.db import db, utcnow
from feedback.models import Invitation, Role
from tests.conftest import free_port
from tests.distribution.helpers import check, counts, flashes, invitation_of, invite, personal_link, send_form
from tests.htmltree import parse


@pytest.fixture
def manager(client, auth, make_user):
    """A logged-in manager; returns the client."""
    auth.login(make_user(Role.MANAGER))
    return client


def queued(n: int) -> str:
    """The flash of a send: the request only hands the invitations to the job queue."""
    what = "1 invitation part" if n == 1 else f"{n} invitations partent"
    return f"{what} : l'envoi se fait en arrière-plan, la page indique ce que le serveur de messagerie a accepté."


def count_invitations() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Invitation.id)))


# -- checking the list -------------------------------------------------------------------------------------------


def test_the_check_lists_new_already_invited_and_invalid_lines_and_sends_nothing(manager, make_session, smtp_server):
    session = make_session()
    invite(manager, session, "deja@exemple.fr")
    smtp_server.messages.clear()

    page = check(manager, session, "Nouvelle@Exemple.fr\ndeja@exemple.fr\nfaux@\n\n<script>alert(1)</script>")
    html = page.get_data(as_text=True)
    tree = parse(html)
    assert page.status_code == 200
    assert [li.text for li in tree.find("ul", class_="new").find_all("li")] == ["nouvelle@exemple.fr"]
    assert [li.text for li in tree.find("ul", class_="already").find_all("li")] == ["deja@exemple.fr"]
    assert [li.text for li in tree.find("ul", class_="invalid").find_all("li")] == [
        "Ligne 3 : « faux@ » (adresse e-mail invalide)",
        "Ligne 5 : « <script>alert(1)</script> » (il manque le @)",
    ]
    assert "aucune invitation n'a été envoyée" in tree.find("section", id="preview").text
    assert "<script>alert(1)" not in html
    assert send_form(page) is None  # nothing can be sent while a line is wrong
    # The pasted text is kept for correcting.
    assert tree.find("textarea", id="emails").raw_text.strip().startswith("Nouvelle@Exemple.fr")
    assert count_invitations() == 1 and smtp_server.messages == []


def test_a_clean_list_offers_to_send_exactly_the_new_addresses(manager, make_session, smtp_server):
    session = make_session()
    page = check(manager, session, "a@exemple.fr; b@exemple.fr, A@exemple.fr")
    assert page.status_code == 200
    action, state = send_form(page)
    assert action == f"/manage/sessions/{session.id}/invitations/send"
    assert state["emails"] == ["a@exemple.fr, b@exemple.fr"]
    assert "1 doublon dans la liste, compté une fois." in parse(page.get_data(as_text=True)).text
    assert count_invitations() == 0 and smtp_server.messages == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emails": ""}, "Collez au moins une adresse ou choisissez un fichier CSV."),
        ({"emails": "   \n "}, "Collez au moins une adresse ou choisissez un fichier CSV."),
    ],
)
def test_an_empty_list_is_answered_with_a_french_message(manager, make_session, data, message):
    session = make_session()
    page = check(manager, session, data["emails"])
    assert page.status_code == 200
    assert message in parse(page.get_data(as_text=True)).text


def test_a_csv_is_read_from_its_courriel_column(manager, make_session, smtp_server):
    session = make_session()
    csv = "Nom;Courriel\nMartin;camille@exemple.fr\nDurand;lea@exemple.fr\n".encode("cp1252")
    page = check(manager, session, csv=csv)
    assert page.status_code == 200
    action, state = send_form(page)
    assert state["emails"] == ["camille@exemple.fr, lea@exemple.fr"]
    manager.post(action, data=state)
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@exemple.fr", "lea@exemple.fr"]


def test_a_csv_with_a_bad_line_is_refused_with_its_line_number(manager, make_session, smtp_server):
    session = make_session()
    page = check(manager, session, csv=b"email\ncamille@exemple.fr\nlea.exemple.fr\n")
    assert page.status_code == 200
    tree = parse(page.get_data(as_text=True))
    assert [li.text for li in tree.find("ul", class_="invalid").find_all("li")] == [
        "Ligne 3 : « lea.exemple.fr » (il manque le @)"
    ]
    assert send_form(page) is None and smtp_server.messages == []


def test_a_file_that_is_not_a_csv_gets_a_clear_message(manager, make_session):
    session = make_session()
    page = check(manager, session, csv=b"PK\x03\x04\x14\x00\x06\x00")
    assert page.status_code == 200
    assert "Ce fichier n'est pas un fichier CSV" in parse(page.get_data(as_text=True)).text


def test_pasting_and_uploading_at_once_is_refused(manager, make_session):
    session = make_session()
    page = check(manager, session, "a@exemple.fr", csv=b"email\nb@exemple.fr\n")
    assert page.status_code == 200
    assert "pas les deux à la fois" in parse(page.get_data(as_text=True)).text


# -- sending -----------------------------------------------------------------------------------------------------


def test_each_attendee_gets_a_personal_link_built_from_base_url_whatever_the_host(
    manager, make_training, make_session, smtp_server
):
    session = make_session(make_training("Droit des étrangers\nBcc: victim@exemple.fr"), place="Évry")
    manager.set_cookie("session", manager.get_cookie("session").value, domain="evil.example")
    page = invite(manager, session, "camille@exemple.fr\nlea@exemple.fr", base_url="http://evil.example")

    assert page.status_code == 200
    assert flashes(page) == [queued(2)]
    assert counts(page) == {"invité·es": 2, "envoyées": 2, "relancé·es": 0, "ont répondu par leur lien": 0}
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@exemple.fr", "lea@exemple.fr"]
    tokens = set()
    for message in smtp_server.messages:
        body = message.get_content()
        base, code, token = personal_link(message)
        assert (base, code) == ("http://retours.test", session.public_code)
        assert "evil.example" not in message.as_string()
        # The title's line break cannot add a header.
        assert message["Subject"] == "Votre avis sur « Droit des étrangers Bcc: victim@exemple.fr »"
        assert message["Bcc"] is None and message["From"] == "Retours <retours@example.org>"
        assert "ne sert qu'une fois" in body and "anonyme" in body
        tokens.add(token)
    assert len(tokens) == 2


def test_the_token_carries_at_least_128_random_bits_and_only_its_hash_is_stored(manager, make_session, smtp_server):
    session = make_session()
    invite(manager, session, "camille@exemple.fr")
    _, _, token = personal_link(smtp_server.messages[0])
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128

    invitation = invitation_of("camille@exemple.fr")
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = db.session.execute(select(Invitation.__table__)).one()
    assert all(token not in str(value) for value in row)


def test_already_invited_addresses_are_not_invited_twice(manager, make_session, smtp_server):
    session = make_session()
    invite(manager, session, "camille@exemple.fr")
    page = invite(manager, session, "CAMILLE@exemple.fr\nlea@exemple.fr")
    assert flashes(page) == [queued(1)]
    assert [m["To"] for m in smtp_server.messages] == ["camille@exemple.fr", "lea@exemple.fr"]
    assert count_invitations() == 2


def test_a_tampered_send_with_an_invalid_address_sends_nothing_at_all(manager, make_session, smtp_server):
    session = make_session()
    page = manager.post(
        f"/manage/sessions/{session.id}/invitations/send", data={"emails": "ok@exemple.fr, faux@, autre@exemple.fr"}
    )
    assert page.status_code == 200
    assert "Ligne 1 : « faux@ »" in parse(page.get_data(as_text=True)).text
    assert count_invitations() == 0 and smtp_server.messages == []


def test_the_same_address_in_another_session_is_a_separate_invitation(manager, make_session, smtp_server):
    first, second = make_session(), make_session()
    invite(manager, first, "camille@exemple.fr")
    invite(manager, second, "camille@exemple.fr")
    codes = [personal_link(m)[1] for m in smtp_server.messages]
    assert codes == [first.public_code, second.public_code]


def test_when_the_mail_server_is_down_nothing_is_marked_sent_and_the_manager_can_send_later(
    app, manager, make_session, smtp_server
):
    session = make_session()
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there (the fixture restores the setting)
    page = invite(manager, session, "camille@exemple.fr\nlea@exemple.fr")

    assert page.status_code == 200
    assert flashes(page) == [queued(2)]
    assert (
        "2 invitations n'ont pas encore été acceptées"
        in parse(page.get_data(as_text=True)).find("section", class_="pending").text
    )
    assert counts(page) == {"invité·es": 2, "envoyées": 0, "relancé·es": 0, "ont répondu par leur lien": 0}
    assert invitation_of("camille@exemple.fr").sent_dt is None
    assert smtp_server.messages == []

    # The server is back: one button sends what waits, with working links.
    app.config["MAIL_PORT"] = working_port
    tree = parse(page.get_data(as_text=True))
    pending = next(f for f in tree.find_all("form") if f.get("action", "").endswith("/send-pending"))
    later = manager.post(pending.get("action"), follow_redirects=True)
    assert flashes(later) == [queued(2)]
    assert counts(later)["envoyées"] == 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@exemple.fr", "lea@exemple.fr"]
    _, code, token = personal_link(smtp_server.messages[0])
    assert f'name="invitation" value="{token}"' in manager.get(f"/s/{code}?i={token}").get_data(as_text=True)


def test_an_address_the_server_refuses_is_named_and_not_kept(manager, make_session, smtp_server):
    session = make_session()
    smtp_server.refused_domains.add("inconnu.fr")
    page = invite(manager, session, "camille@exemple.fr\nnobody@inconnu.fr")
    assert flashes(page) == [queued(2)]
    assert counts(page) == {"invité·es": 1, "envoyées": 1, "relancé·es": 0, "ont répondu par leur lien": 0}
    assert [m["To"] for m in smtp_server.messages] == ["camille@exemple.fr"]
    assert invitation_of("nobody@inconnu.fr") is None


def test_a_server_that_closes_midway_keeps_the_rest_waiting_and_sends_nothing_twice(manager, make_session, smtp_server):
    session = make_session()
    smtp_server.close_after = 1
    page = invite(manager, session, "a@exemple.fr\nb@exemple.fr\nc@exemple.fr")
    assert flashes(page) == [queued(3)]
    assert counts(page)["invité·es"] == 3 and counts(page)["envoyées"] == 1

    smtp_server.close_after = None
    tree = parse(page.get_data(as_text=True))
    pending = next(f for f in tree.find_all("form") if f.get("action", "").endswith("/send-pending"))
    later = manager.post(pending.get("action"), follow_redirects=True)
    assert flashes(later) == [queued(2)]
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@exemple.fr", "b@exemple.fr", "c@exemple.fr"]


def test_a_greylisted_address_stays_waiting(manager, make_session, smtp_server):
    session = make_session()
    smtp_server.deferred_domains.add("lent.fr")
    page = invite(manager, session, "camille@exemple.fr\nsam@lent.fr")
    assert flashes(page) == [queued(2)]
    assert invitation_of("sam@lent.fr").sent_dt is None
    assert counts(page)["envoyées"] == 1


def test_no_invitation_is_sent_for_a_closed_form(manager, make_session, smtp_server):
    session = make_session()
    manage_operations.close_session(session, now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    checked = check(manager, session, "camille@exemple.fr")
    assert send_form(checked) is None
    assert "Le questionnaire de cette session est fermé" in parse(checked.get_data(as_text=True)).text
    page = manager.post(
        f"/manage/sessions/{session.id}/invitations/send", data={"emails": "camille@exemple.fr"}, follow_redirects=True
    )
    assert "rouvrez-le avant d'envoyer des invitations" in " ".join(flashes(page))
    assert count_invitations() == 0 and smtp_server.messages == []


# -- who may ----------------------------------------------------------------------------------------------------


def test_the_session_page_links_managers_to_the_invitations(manager, make_session):
    session = make_session()
    page = manager.get(f"/scores/sessions/{session.id}")
    links = [a.get("href") for a in parse(page.get_data(as_text=True)).find_all("a")]
    assert f"/manage/sessions/{session.id}/invitations" in links


INVITATION_URLS = [
    ("get", "/manage/sessions/{id}/invitations"),
    ("post", "/manage/sessions/{id}/invitations/check"),
    ("post", "/manage/sessions/{id}/invitations/send"),
    ("post", "/manage/sessions/{id}/invitations/send-pending"),
]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COMMUNICATION])
@pytest.mark.parametrize(("method", "url"), INVITATION_URLS)
def test_only_managers_reach_the_invitations(client, auth, make_user, make_speaker, make_session, role, method, url):
    user = make_user(role)
    session = make_session(speakers=[make_speaker(user=user)] if role == Role.TRAINER else [])
    auth.login(user)
    response = getattr(client, method)(url.format(id=session.id), data={"emails": "a@exemple.fr"})
    assert response.status_code == 404
    assert count_invitations() == 0


@pytest.mark.parametrize(("method", "url"), INVITATION_URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, make_session, method, url):
    session = make_session()
    response = getattr(client, method)(url.format(id=session.id), data={"emails": "a@exemple.fr"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_send_without_the_csrf_token_sends_nothing(manager, make_session, smtp_server, csrf_enabled):
    session = make_session()
    page = manager.post(f"/manage/sessions/{session.id}/invitations/send", data={"emails": "a@exemple.fr"})
    assert page.status_code in (302, 400)
    assert count_invitations() == 0 and smtp_server.messages == []
