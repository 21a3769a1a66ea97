"""Shared steps of the distribution tests: a manager invites through the pages, a participant follows the link."""

from __future__ import annotations

import re

from sqlalchemy import select

from feedback.db import db
from feedback.models import Invitation
from tests.htmltree import form_state, parse

#: Answers to the default questionnaire, as a phone would send them.
ANSWERS = {"q-overall": "4", "q-recommend": "9", "q-liked": "Les études de cas"}
LINK = re.compile(r"(http://[^/\s]+)/s/([A-Za-z0-9_-]+)\?i=([A-Za-z0-9_-]+)")


def check(client, session, emails: str = "", *, csv: bytes | None = None, **kwargs):
    """The manager pastes (or uploads) a list and asks to check it."""
    data: dict = {"emails": emails}
    if csv is not None:
        import io

        data["csv_file"] = (io.BytesIO(csv), "participants.csv")
    return client.post(
        f"/manage/sessions/{session.id}/invitations/check",
        data=data,
        content_type="multipart/form-data",
        **kwargs,
    )


def send_form(page):
    """The "send" form of a checked list, as the browser would post it (None when the page offers none)."""
    tree = parse(page.get_data(as_text=True))
    form = next((f for f in tree.find_all("form") if (f.get("action") or "").endswith("/invitations/send")), None)
    return None if form is None else (form.get("action"), form_state(form))


def invite(client, session, emails: str, **kwargs):
    """Check the list, then press "Envoyer": returns the page shown after sending (redirect followed)."""
    checked = check(client, session, emails, **kwargs)
    found = send_form(checked)
    assert found is not None, checked.get_data(as_text=True)
    action, state = found
    return client.post(action, data=state, follow_redirects=True, **kwargs)


def personal_link(message) -> tuple[str, str, str]:
    """(base URL, session code, token) of the personal link in an e-mail."""
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1), match.group(2), match.group(3)


def invitation_of(email: str) -> Invitation:
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(select(Invitation).where(Invitation.email == email))


def flashes(page) -> list[str]:
    return [p.text for p in parse(page.get_data(as_text=True)).find_all("p", class_="flash")]


def counts(page) -> dict[str, int]:
    """The figures of the invitations page: label -> number."""
    box = parse(page.get_data(as_text=True)).find("div", id="invitation-counts")
    result = {}
    for figure in box.find_all("div", class_="figure"):
        number = figure.find("span", class_="big").text
        result[figure.text.removeprefix(number).strip()] = int(number)
    return result


# -- the follow-up questionnaire ---------------------------------------------------------------------------------

FOLLOWUP_LINK = re.compile(r"(http://[^/\s]+)/s/suivi/([A-Za-z0-9_-]+)")


def answer_on_a_new_phone(app, session, answers: dict, email: str | None = None):
    """A participant on their own phone answers the questionnaire, then may leave an e-mail on the thank-you page."""
    phone = app.test_client()
    page = phone.get(f"/s/{session.public_code}")
    state = form_state(parse(page.get_data(as_text=True)).find("form", class_="survey"))
    sent = phone.post(f"/s/{session.public_code}", data={"token": state["token"][0], **answers})
    assert sent.status_code == 303
    if email is not None:
        thanks = phone.get(sent.headers["Location"])
        form = parse(thanks.get_data(as_text=True)).find("form", class_="followup-form")
        token = form.find("input", name="token").get("value")
        left = phone.post(f"/s/{session.public_code}/merci", data={"token": token, "email": email})
        assert left.status_code == 303
    return phone


def followup_link(message) -> str:
    """The path of the follow-up link in an e-mail; the link is built from BASE_URL, never a Host header."""
    match = FOLLOWUP_LINK.search(message.get_content())
    assert match, message.get_content()
    assert match.group(1) == "http://retours.test"
    return f"/s/suivi/{match.group(2)}"


def answer_followup(client, link: str, answers: dict):
    """Open the follow-up link and send the answers with the token the page carried."""
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    state = form_state(parse(page.get_data(as_text=True)).find("form", class_="survey"))
    return client.post(link, data={"token": state["token"][0], **answers})
