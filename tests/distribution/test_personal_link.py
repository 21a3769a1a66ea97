"""The personal link /s/<code>?i=<token>: opening it spends nothing, a stored response spends it once.

Decision: a personal link that has served shows a page saying so, without the form, on GET and on a second POST
(which stores nothing and shows the text back). The public link of the session still works for anyone; the
personal link is the one promised to serve once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from feedback import personal_links
from feedback.db import db, utcnow
from feedback.models import Response, Role
from tests.conftest import form_token
from tests.distribution.helpers import ANSWERS, invitation_of, invite, personal_link
from tests.htmltree import form_state, parse


@pytest.fixture
def invited(client, auth, make_user, make_session, smtp_server):
    """Invite camille@exemple.fr through the manager's pages; returns (session, link path, token)."""

    def make(session=None, email: str = "camille@exemple.fr"):
        session = session or make_session()
        auth.login(make_user(Role.MANAGER, email=f"manager-{email}"))
        invite(client, session, email)
        auth.logout()
        _, code, token = personal_link(smtp_server.to(email)[-1])
        return session, f"/s/{code}?i={token}", token

    return make


def count_responses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Response.id)))


def survey_state(page) -> dict[str, list[str]]:
    form = parse(page.get_data(as_text=True)).find("form", class_="survey")
    assert form is not None, "no form on the page"
    return form_state(form)


def answer(client, page, session, answers=ANSWERS, **kwargs):
    """Send the form of this page with these answers, carrying every hidden field the page had."""
    state = survey_state(page)
    data = {"token": state["token"][0], **answers}
    if "invitation" in state:
        data["invitation"] = state["invitation"][0]
    return client.post(f"/s/{session.public_code}", data=data, **kwargs)


def test_opening_the_link_any_number_of_times_spends_nothing(client, invited):
    session, link, token = invited()
    for _ in range(3):  # the mail scanner, the preview pane, the person
        page = client.get(link)
        assert page.status_code == 200
        assert survey_state(page)["invitation"] == [token]
    assert client.head(link).status_code == 200
    invitation = invitation_of("camille@exemple.fr")
    assert not invitation.is_used and invitation.used_dt is None
    assert count_responses() == 0


def test_the_response_spends_the_link_in_the_same_transaction(client, invited):
    session, link, _ = invited()
    sent = answer(client, client.get(link), session)
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/s/{session.public_code}/merci")
    assert invitation_of("camille@exemple.fr").is_used
    assert count_responses() == 1


def test_a_replayed_submit_of_the_same_page_shows_the_thank_you_page_and_stores_nothing_more(client, invited):
    session, link, _ = invited()
    page = client.get(link)
    first = answer(client, page, session)
    replay = answer(client, page, session)
    assert first.status_code == replay.status_code == 303
    assert replay.headers["Location"] == first.headers["Location"]
    assert count_responses() == 1


def test_a_used_link_opened_again_says_so_in_french_without_a_form(client, invited):
    session, link, _ = invited()
    answer(client, client.get(link), session)
    page = client.get(link)
    tree = parse(page.get_data(as_text=True))
    assert page.status_code == 410
    assert tree.find("h1").text == "Ce lien personnel a déjà servi"
    assert "Une réponse a déjà été envoyée avec ce lien : il ne sert qu'une fois." in tree.text
    assert tree.find("form", class_="survey") is None


def test_a_second_response_with_the_same_link_is_refused_and_its_text_shown_back(client, invited):
    session, link, _ = invited()
    first_tab, second_tab = client.get(link), client.get(link)  # two tabs opened before either was sent
    assert answer(client, first_tab, session).status_code == 303
    hostile = {**ANSWERS, "q-liked": "Encore moi <script>alert(1)</script>"}
    late = answer(client, second_tab, session, hostile)
    html = late.get_data(as_text=True)
    tree = parse(html)
    assert late.status_code == 409
    assert "Ces réponses n'ont donc pas été enregistrées une seconde fois." in tree.text
    assert [t.raw_text for t in tree.find_all("textarea")] == ["Encore moi <script>alert(1)</script>"]
    assert "<script>alert(1)" not in html
    assert count_responses() == 1


def test_an_anonymous_questionnaire_keeps_no_trace_of_the_invitation_with_the_response(client, invited):
    session, link, token = invited()
    assert session.questionnaire.is_anonymous
    answer(client, client.get(link), session)

    invitation = invitation_of("camille@exemple.fr")
    assert invitation.is_used and invitation.used_dt is None  # the fact, not the time (it would match the response)
    schema = inspect(db.engine)
    columns = {c["name"] for c in schema.get_columns("responses")}
    assert not {name for name in columns if "invit" in name or "mail" in name or name == "token_hash"}
    assert "invitations" not in {fk["referred_table"] for fk in schema.get_foreign_keys("responses")}
    row = db.session.execute(select(Response.__table__)).one()._asdict()
    traces = (token, invitation.token_hash, invitation.email)
    assert not [name for name, value in row.items() if any(trace in str(value) for trace in traces)]
    assert row["submission_token"] not in (token, invitation.token_hash)


def test_a_named_questionnaire_records_when_the_link_was_used(client, invited, make_session):
    session = make_session()
    session.questionnaire.is_anonymous = False
    db.session.commit()
    session, link, _ = invited(session)
    before = utcnow()
    answer(client, client.get(link), session)
    invitation = invitation_of("camille@exemple.fr")
    assert invitation.is_used and before <= invitation.used_dt <= utcnow()


@pytest.mark.parametrize(
    "forged",
    [
        "A" * 32,  # well formed, unknown
        "x",  # too short
        '"><script>alert(1)</script>',
        "é" * 32,
        "A" * 5000,
    ],
)
def test_an_unknown_or_forged_token_leaves_an_ordinary_anonymous_form(client, invited, forged):
    session, _, _ = invited()
    page = client.get(f"/s/{session.public_code}", query_string={"i": forged})
    assert page.status_code == 200
    state = survey_state(page)
    # Only a well-formed token rides along (harmlessly: it matches nothing); anything else is dropped.
    assert state.get("invitation") == ([forged] if forged == "A" * 32 else None)
    assert "<script>alert(1)" not in page.get_data(as_text=True)
    sent = client.post(f"/s/{session.public_code}", data={"token": state["token"][0], "invitation": forged, **ANSWERS})
    assert sent.status_code == 303
    assert count_responses() == 1
    assert not invitation_of("camille@exemple.fr").is_used


def test_another_sessions_link_does_not_count_here(client, invited, make_session):
    _, _, token = invited()
    other = make_session()
    page = client.get(f"/s/{other.public_code}?i={token}")
    assert answer(client, page, other).status_code == 303
    assert not invitation_of("camille@exemple.fr").is_used


def test_an_expired_link_still_opens_the_form_but_is_not_spent(app, client, invited):
    session, link, _ = invited()
    invitation = invitation_of("camille@exemple.fr")
    days = app.config["INVITATION_TOKEN_MAX_AGE_DAYS"]
    invitation.sent_dt = utcnow() - timedelta(days=days + 1)
    db.session.commit()
    assert answer(client, client.get(link), session).status_code == 303
    assert count_responses() == 1
    assert not invitation_of("camille@exemple.fr").is_used


def test_two_responses_racing_with_one_link_spend_it_once(client, invited):
    """The conditional update: the second spend finds the link used even if it loaded it before."""
    session, _, token = invited()
    seen = personal_links.find_invitation(session, token)
    assert personal_links.use_invitation(session, token) is not None
    assert seen.is_used is False  # what a racing request loaded before the other one spent the link
    with pytest.raises(personal_links.InvitationAlreadyUsed):
        personal_links.use_invitation(session, token)


def test_a_validation_error_keeps_the_personal_link_in_the_form(client, invited):
    session, link, token = invited()
    page = client.get(link)
    wrong = client.post(
        f"/s/{session.public_code}",
        data={"token": form_token(page.get_data(as_text=True)), "invitation": token, "q-recommend": "11"},
    )
    assert wrong.status_code == 422
    assert survey_state(wrong)["invitation"] == [token]
    assert answer(client, wrong, session).status_code == 303
    assert invitation_of("camille@exemple.fr").is_used


def test_the_used_link_page_in_english(client, invited):
    session, link, _ = invited()
    answer(client, client.get(link), session)
    page = client.get(f"{link}&lang=en")
    assert page.status_code == 410
    assert parse(page.get_data(as_text=True)).find("h1").text == "This personal link has already been used"
