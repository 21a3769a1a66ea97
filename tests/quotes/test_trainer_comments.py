"""A trainer reads the comments of their own sessions (masked) with tone and themes, on « Mes sessions »."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from feedback.db import db
from feedback.models import Questionnaire, Role
from tests.htmltree import parse


def comments_on(client, url: str = "/scores/mine?annee=2025") -> tuple[list[str], str]:
    page = client.get(url)
    assert page.status_code == 200
    section = parse(page.get_data(as_text=True)).by_id("comments-title")
    if section is None:
        return [], ""
    section = section.parent
    return [node.text for node in section.find_all("blockquote", class_="comment-text")], section.text


@pytest.fixture
def trainer(make_user, make_speaker, auth):
    user = make_user(Role.TRAINER)
    speaker = make_speaker("Alix Aubert", user=user)
    auth.login(user)
    return speaker


def test_a_trainer_sees_their_sessions_comments_masked_with_tone_and_themes(
    client, trainer, make_speaker, make_session, comment
):
    own = make_session(start_date=date(2025, 3, 1), speakers=[trainer])
    other = make_session(start_date=date(2025, 3, 2), speakers=[make_speaker("Bérénice Blanc")])
    texts = ["Merci Alix Aubert, des échanges riches.", "Des échanges riches.", "Trop long.", "Bien.", "Utile."]
    for text in texts:
        comment(own, text, consent=False)  # consent is about quoting: a trainer reads their own session's comments
    comment(other, "Confidentiel de Bérénice, échanges riches.")
    shown, section = comments_on(client)
    assert sorted(shown) == sorted(["Merci [nom], des échanges riches.", *texts[1:]])
    assert "Alix Aubert" not in section and "Confidentiel" not in section
    assert "Négatif" in section and "Positif" in section
    assert "échanges (2)" in section  # the session's themes, from its own comments only


def test_comments_of_a_small_session_stay_hidden_when_the_questionnaire_promises_anonymity(
    app, client, trainer, make_session, comment
):
    session = make_session(start_date=date(2025, 3, 1), speakers=[trainer])
    assert session.questionnaire.is_anonymous
    minimum = app.config["MIN_ANSWERS_FOR_RATE"]
    for number in range(minimum - 1):
        comment(session, f"Commentaire {number}.")
    shown, section = comments_on(client)
    assert shown == []
    assert f"moins de {minimum}" in section and "commentaires cachés" in section

    comment(session, "Le dernier commentaire.")
    shown, _section = comments_on(client)
    assert len(shown) == minimum


def test_a_questionnaire_without_anonymity_shows_comments_below_the_threshold(client, trainer, make_session, comment):
    session = make_session(start_date=date(2025, 3, 1), speakers=[trainer])
    db.session.execute(
        update(Questionnaire).where(Questionnaire.id == session.questionnaire_id).values(is_anonymous=False)
    )
    db.session.commit()
    comment(session, "Seul commentaire.")
    assert comments_on(client)[0] == ["Seul commentaire."]


def test_an_admin_who_speaks_sees_the_comments_below_the_threshold(
    client, auth, make_user, make_speaker, make_session, comment
):
    admin = make_user(Role.ADMIN)
    session = make_session(start_date=date(2025, 3, 1), speakers=[make_speaker("Adèle Admin", user=admin)])
    comment(session, "Un seul commentaire.")
    auth.login(admin)
    assert comments_on(client)[0] == ["Un seul commentaire."]


def test_the_period_of_the_page_applies(client, trainer, make_session, comment):
    sessions = [make_session(start_date=date(year, 3, 1), speakers=[trainer]) for year in (2024, 2025)]
    ids = {session.questionnaire_id for session in sessions}
    db.session.execute(update(Questionnaire).where(Questionnaire.id.in_(ids)).values(is_anonymous=False))
    db.session.commit()
    for session in sessions:
        comment(session, f"Un commentaire de {session.start_date.year}.")
    assert comments_on(client, "/scores/mine?annee=2025")[0] == ["Un commentaire de 2025."]
    assert comments_on(client, "/scores/mine?annee=2024")[0] == ["Un commentaire de 2024."]
