"""The thank-you page offers to leave an e-mail for the follow-up questionnaire, kept apart from the answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from feedback.db import db
from feedback.models import FollowUpContact, Response
from tests.conftest import form_token
from tests.htmltree import parse

HOSTILE = '"><script>alert(1)</script>'


def thanks_page(client, session, query: str = ""):
    page = client.get(f"/s/{session.public_code}/merci{query}")
    assert page.status_code == 200
    return page


def followup_form(page):
    return parse(page.get_data(as_text=True)).find("form", class_="followup-form")


def leave(client, session, email: str, *, token: str | None = None, **kwargs):
    """Type an address in the thank-you page's form and send it."""
    if token is None:
        token = followup_form(thanks_page(client, session)).find("input", name="token").get("value")
    return client.post(f"/s/{session.public_code}/merci", data={"token": token, "email": email}, **kwargs)


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def contacts() -> list[FollowUpContact]:
    db.session.rollback()
    return db.session.scalars(select(FollowUpContact)).all()


def test_the_thank_you_page_explains_what_the_address_is_for(client, answer_form, make_session):
    session = make_session()
    page = answer_form(session, {"q-overall": "4"}, follow=True)
    section = parse(page.get_data(as_text=True)).find("section", class_="followup")
    assert "évaluation à froid" in section.text
    assert "Elle ne servira qu'à cet envoi et à un rappel, puis sera supprimée." in section.text
    assert "gardée à part de vos réponses : seul un code tiré au hasard" in section.text
    assert "qui ne contient pas votre adresse, reliera vos réponses d'aujourd'hui à celles du suivi" in section.text
    form = followup_form(page)
    assert form.get("method") == "post" and form.find("input", type="email").get("autocomplete") == "email"
    assert form.find("label", for_="followup-email").text == "Votre adresse e-mail"


def test_an_address_left_is_stored_apart_from_the_response_with_a_random_key(client, answer_form, make_session):
    session = make_session()
    answer_form(session, {"q-overall": "4", "q-liked": "Très bien"})
    before = datetime.now(UTC)
    sent = leave(client, session, "  Camille.Martin@Exemple.FR ")
    after = datetime.now(UTC)
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/s/{session.public_code}/merci?suivi=ok#suivi")

    [contact] = contacts()
    assert (contact.session_id, contact.email) == (session.id, "camille.martin@exemple.fr")
    assert len(contact.followup_key) >= 22  # 128 random bits, URL-safe
    # The day only, so that it cannot be matched with the time of the response.
    assert contact.created_dt in {midnight(before), midnight(after)}
    # Nothing relates the two rows.
    schema = inspect(db.engine)
    assert "responses" not in {fk["referred_table"] for fk in schema.get_foreign_keys("followup_contacts")}
    assert "followup_contacts" not in {fk["referred_table"] for fk in schema.get_foreign_keys("responses")}
    response = db.session.execute(select(Response.__table__)).one()._asdict()
    assert not [name for name, value in response.items() if "camille" in str(value) or contact.followup_key == value]

    confirmed = client.get(sent.headers["Location"])
    assert (
        "C'est noté : vous recevrez le questionnaire de suivi à cette adresse, une seule fois."
        in parse(confirmed.get_data(as_text=True)).text
    )
    assert followup_form(confirmed) is None


def test_the_same_address_left_twice_is_kept_once(client, make_session):
    session = make_session()
    assert leave(client, session, "camille@exemple.fr").status_code == 303
    assert leave(client, session, "CAMILLE@exemple.fr").status_code == 303
    assert len(contacts()) == 1


def test_the_same_address_sent_by_two_requests_at_once_is_kept_once(client, make_session, before_insert_into):
    session = make_session()
    token = followup_form(thanks_page(client, session)).find("input", name="token").get("value")
    other: list = []
    before_insert_into(
        "followup_contacts",
        lambda: other.append(leave(client.application.test_client(), session, "camille@exemple.fr", token=token)),
    )
    assert leave(client, session, "camille@exemple.fr", token=token).status_code == 303
    assert other[0].status_code == 303
    assert len(contacts()) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("camille.exemple.fr", "Cette adresse e-mail n'est pas valide"),
        (HOSTILE, "Cette adresse e-mail n'est pas valide"),
        ("   ", "Indiquez votre adresse e-mail."),
    ],
)
def test_a_bad_address_gets_a_clear_message_and_the_text_is_kept(client, make_session, typed, message):
    session = make_session()
    page = leave(client, session, typed)
    html = page.get_data(as_text=True)
    form = followup_form(page)
    assert page.status_code == 422
    assert message in form.find("p", class_="error").text
    field = form.find("input", type="email")
    assert field.get("value") == typed and field.get("aria-invalid") == "true"
    assert "<script>alert(1)" not in html
    assert contacts() == []


def test_a_post_without_the_pages_token_stores_nothing(client, make_session):
    session = make_session()
    page = leave(client, session, "camille@exemple.fr", token="forged")
    assert page.status_code == 400
    assert "Nous n'avons pas pu vérifier ce formulaire" in followup_form(page).text
    assert followup_form(page).find("input", type="email").get("value") == "camille@exemple.fr"
    assert contacts() == []


def test_the_questionnaires_token_or_another_sessions_cannot_stand_in(client, make_session):
    session, other = make_session(), make_session()
    survey_token = form_token(client.get(f"/s/{session.public_code}").get_data(as_text=True))
    other_token = followup_form(thanks_page(client, other)).find("input", name="token").get("value")
    for token in (survey_token, other_token):
        assert leave(client, session, "camille@exemple.fr", token=token).status_code == 400
    assert contacts() == []


def test_an_old_page_says_so_and_keeps_the_address(app, client, make_session, monkeypatch):
    session = make_session()
    token = followup_form(thanks_page(client, session)).find("input", name="token").get("value")
    monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", -1)
    page = leave(client, session, "camille@exemple.fr", token=token)
    assert page.status_code == 400
    assert "La page est restée ouverte longtemps" in followup_form(page).text
    assert contacts() == []


def test_a_post_from_another_site_is_refused(client, make_session):
    session = make_session()
    page = leave(client, session, "camille@exemple.fr", headers={"Origin": "https://evil.example"})
    assert page.status_code == 400 and contacts() == []


def test_leaving_addresses_is_rate_limited_like_the_submit(app, client, make_session, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "3 per minute")
    session = make_session()
    token = followup_form(thanks_page(client, session)).find("input", name="token").get("value")
    statuses = [leave(client, session, f"p{i}@exemple.fr", token=token).status_code for i in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    assert db.session.scalar(select(func.count(FollowUpContact.id))) == 3
    # The refused address is typed in again for the participant, with the reason.
    refused = leave(client, session, "camille@exemple.fr")
    form = followup_form(refused)
    assert refused.status_code == 429 and form.find("input", name="email").get("value") == "camille@exemple.fr"
    assert "Trop d'envois sont arrivés depuis cette connexion" in form.text


def test_the_offer_in_english(client, make_session):
    session = make_session()
    page = client.get(f"/s/{session.public_code}/merci?lang=en")
    section = parse(page.get_data(as_text=True)).find("section", class_="followup")
    assert "It will only be used for this mailing and one reminder, then deleted." in section.text
    assert section.find("button").text == "Receive the follow-up questionnaire"
    wrong = client.post(
        f"/s/{session.public_code}/merci",
        data={"token": followup_form(page).find("input", name="token").get("value"), "email": "faux"},
    )
    assert "This e-mail address is not valid" in followup_form(wrong).text
