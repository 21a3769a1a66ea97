"""`flask send-followups` and the follow-up's personal link: sent once after the delay, reminded once, the e-mail
erased, the follow-up answer paired with the first one by a key and never by the e-mail.

Participants go through the real pages (questionnaire, thank-you page, follow-up link), mail through a real SMTP
server on loopback, and cron is the command with its clock moved by --now.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from feedback import personal_links
from feedback.answers import parse_survey
from feedback.catalogue import operations as manage_operations
from feedback.db import db
from feedback.models import FollowUpContact, Invitation, Response, Role
from feedback.questionnaire_structure import questions_of
from feedback.survey import operations as survey_operations
from tests.conftest import free_port
from tests.distribution import helpers
from tests.distribution.helpers import answer_on_a_new_phone, followup_link, invite
from tests.htmltree import form_state, parse

HOT_ANSWERS = {"q-overall": "4", "q-usefulness": "4", "q-liked": "Les études de cas"}
COLD_ANSWERS = {"q-overall": "3", "q-applied": "4", "q-changes": ["outils", "posture"], "q-obstacles": "Le temps"}
#: The training's last session ended 90 days ago: the follow-up is due today, so that the links it sends are fresh
#: for the pages, which read the real clock.
LAST_DAY = date.today() - timedelta(days=90)


def at(day: date, hour: int = 12) -> str:
    """The --now of a run at this hour of the organisation's wall clock."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC).isoformat()


def run(runner, day: date, hour: int = 12):
    """Cron runs the command on that day."""
    return runner.invoke(args=["send-followups", "--now", at(day, hour)])


def after(days: int) -> date:
    return LAST_DAY + timedelta(days=days)


@pytest.fixture
def training(make_training):
    """A training whose follow-up ("évaluation à froid", from the library) leaves 90 days after its last session."""
    training = make_training("Accueillir les publics allophones")
    questionnaire = manage_operations.ensure_family_questionnaire("evaluation-a-froid")
    manage_operations.set_training_questionnaires(
        training, questionnaire=None, followup_family=questionnaire.family, followup_delay_days=90
    )
    db.session.commit()
    return training


@pytest.fixture
def session(make_session, training):
    return make_session(training, start_date=LAST_DAY, place="Évry")


@pytest.fixture
def participant(app, session):
    """A participant on their own phone: answers the questionnaire, then leaves an e-mail on the thank-you page."""

    def act(email: str | None, answers=HOT_ANSWERS, on=None):
        return answer_on_a_new_phone(app, on or session, answers, email)

    return act


def link_in(message) -> str:
    return followup_link(message)


def answer_followup(client, link: str, answers=COLD_ANSWERS):
    return helpers.answer_followup(client, link, answers)


def mailed_followup_link(runner, participant, smtp_server) -> str:
    """A participant's address left, the follow-up due and sent: the personal link of the mail."""
    participant("camille@exemple.fr")
    run(runner, after(90))
    return link_in(smtp_server.messages[0])


def followup_form_data(client, link: str, answers=COLD_ANSWERS) -> dict:
    """What the follow-up form opened in `client` sends: its token and `answers`."""
    state = form_state(parse(client.get(link).get_data(as_text=True)).find("form", class_="survey"))
    return {"token": state["token"][0], **answers}


def contacts() -> list[FollowUpContact]:
    db.session.rollback()  # read what the requests and the command committed
    return db.session.scalars(select(FollowUpContact).order_by(FollowUpContact.id)).all()


def responses() -> list[Response]:
    db.session.rollback()
    return db.session.scalars(select(Response).order_by(Response.id)).all()


# -- scheduling --------------------------------------------------------------------------------------------------


def test_nothing_before_the_delay_then_one_mail_exactly_once(runner, participant, smtp_server):
    participant("camille@exemple.fr")

    early = run(runner, after(89), hour=23)
    assert early.exit_code == 0, early.output
    assert early.output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert smtp_server.messages == []

    due = run(runner, after(90), hour=0)
    assert due.exit_code == 0, due.output
    assert due.output == "Questionnaires de suivi envoyés : 1 sur 1.\n"
    [message] = smtp_server.messages
    assert message["To"] == "camille@exemple.fr"
    assert message["Subject"] == "Quelques mois après « Accueillir les publics allophones » : qu'en avez-vous fait ?"
    body = message.get_content()
    day, until = (format_date(d, "d MMMM y", locale="fr_FR") for d in (LAST_DAY, after(150)))
    assert f"Vous avez participé à « Accueillir les publics allophones » le {day} (Évry)." in body
    assert "Ce lien vous est personnel et ne sert qu'une fois" in body
    assert f"Vous pouvez répondre jusqu'au {until}." in body  # 60 days after the e-mail
    link_in(message)

    for day in (after(90), after(91), after(96)):  # cron again, the same day and the next ones
        again = run(runner, day)
        assert again.exit_code == 0 and again.output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert len(smtp_server.messages) == 1
    [contact] = contacts()
    assert contact.email == "camille@exemple.fr"  # still needed for the reminder


def test_the_delay_counts_from_the_last_day_of_the_last_session(
    runner, participant, make_session, training, session, smtp_server
):
    make_session(training, start_date=after(30), end_date=after(31))  # a two-day session, a month later
    participant("camille@exemple.fr")
    assert run(runner, after(120)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert run(runner, after(121)).output == "Questionnaires de suivi envoyés : 1 sur 1.\n"
    assert [m["To"] for m in smtp_server.messages] == ["camille@exemple.fr"]


def test_a_training_without_follow_up_questionnaire_sends_nothing(runner, participant, training, smtp_server):
    manage_operations.set_training_questionnaires(
        training, questionnaire=None, followup_family=None, followup_delay_days=90
    )
    db.session.commit()
    participant("camille@exemple.fr")
    assert run(runner, after(200)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert smtp_server.messages == []
    assert contacts()[0].email == "camille@exemple.fr"  # kept until the retention period


def test_one_reminder_to_whoever_has_not_answered_then_every_address_is_erased(
    client, runner, participant, smtp_server
):
    participant("camille@exemple.fr")
    participant("lea@exemple.fr")
    assert run(runner, after(90)).output == "Questionnaires de suivi envoyés : 2 sur 2.\n"
    first_links = {m["To"]: link_in(m) for m in smtp_server.messages}
    smtp_server.messages.clear()

    assert answer_followup(client, first_links["camille@exemple.fr"]).status_code == 303
    camille, lea = contacts()
    assert camille.email is None and camille.is_used  # answered: the address is no longer needed

    assert run(runner, after(96)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    reminded = run(runner, after(97))
    assert reminded.exit_code == 0, reminded.output
    assert reminded.output == "Relances du suivi envoyées : 1 sur 1.\n"
    [reminder] = smtp_server.messages
    assert reminder["To"] == "lea@exemple.fr"
    assert reminder["Subject"] == "Rappel : quelques mois après « Accueillir les publics allophones »"
    assert "votre adresse e-mail est maintenant supprimée" in reminder.get_content()
    assert link_in(reminder) != first_links["lea@exemple.fr"]

    camille, lea = contacts()
    assert (camille.email, lea.email) == (None, None)
    assert lea.reminded_dt is not None and len(lea.followup_key) >= 22  # the random key stays, nothing else
    for day in (after(97), after(120), after(400)):
        assert run(runner, day).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert len(smtp_server.messages) == 1

    # Both of Léa's links still open her follow-up: only the address is gone.
    assert client.get(first_links["lea@exemple.fr"]).status_code == 200
    assert answer_followup(client, link_in(reminder)).status_code == 303
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup)) == 2


def test_addresses_are_erased_after_the_retention_period_even_if_never_sent(runner, participant, training):
    manage_operations.set_training_questionnaires(
        training, questionnaire=None, followup_family=None, followup_delay_days=90
    )
    db.session.commit()
    participant("camille@exemple.fr")
    left_on = contacts()[0].created_dt.date()
    assert run(runner, left_on + timedelta(days=364)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert contacts()[0].email == "camille@exemple.fr"
    erased = run(runner, left_on + timedelta(days=366))
    assert erased.exit_code == 0
    assert "Adresses e-mail effacées (suivi fait ou délai de conservation passé) : 1." in erased.output
    [contact] = contacts()
    assert contact.email is None and contact.sent_dt is None and contact.followup_key


def test_retention_applies_to_an_address_sent_but_not_yet_reminded(app, runner, participant, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "FOLLOWUP_RETENTION_DAYS", 5)  # counted from the day it was left: today
    participant("camille@exemple.fr")
    assert run(runner, after(90)).output == "Questionnaires de suivi envoyés : 1 sur 1.\n"
    late = run(runner, after(96))
    assert "Adresses e-mail effacées (suivi fait ou délai de conservation passé) : 1." in late.output
    assert run(runner, after(98)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert len(smtp_server.messages) == 1  # no address, no reminder


# -- invitations and de-duplication ------------------------------------------------------------------------------


def test_one_mail_per_person_and_training_whatever_the_sessions_and_sources(
    client, auth, make_user, make_session, runner, participant, training, session, smtp_server
):
    second = make_session(training, start_date=LAST_DAY - timedelta(days=7))
    auth.login(make_user(Role.MANAGER))
    invite(client, session, "camille@exemple.fr\nlea@exemple.fr")
    invite(client, second, "camille@exemple.fr\nnoe@exemple.fr")
    auth.logout()
    participant("camille@exemple.fr", on=second)
    participant("camille@exemple.fr", on=session)
    smtp_server.messages.clear()  # the invitations

    assert run(runner, after(90)).output == "Questionnaires de suivi envoyés : 3 sur 3.\n"
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@exemple.fr", "lea@exemple.fr", "noe@exemple.fr"]
    assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.is_followup_collected)) == 4
    # One contact per person; Camille's is the one of the latest session, paired with the answer given there.
    by_email = {c.email: c for c in contacts()}
    assert sorted(by_email) == ["camille@exemple.fr", "lea@exemple.fr", "noe@exemple.fr"]
    assert by_email["camille@exemple.fr"].session_id == session.id
    assert by_email["noe@exemple.fr"].session_id == second.id

    assert run(runner, after(91)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"
    assert len(smtp_server.messages) == 3


def test_an_invited_participant_who_leaves_no_address_is_not_paired(
    client, auth, make_user, runner, session, smtp_server
):
    auth.login(make_user(Role.MANAGER))
    invite(client, session, "lea@exemple.fr")
    auth.logout()
    smtp_server.messages.clear()
    run(runner, after(90))
    [message] = smtp_server.messages
    assert answer_followup(client, link_in(message)).status_code == 303
    [followup] = responses()
    assert followup.is_followup and followup.session_id == session.id
    # No first answer carries its key: it counts in the follow-up's rates, not in the pairs.
    assert db.session.scalar(select(func.count(Response.id)).where(Response.followup_key == followup.followup_key)) == 1


# -- the pairing -------------------------------------------------------------------------------------------------


def test_the_follow_up_answer_is_paired_with_the_first_by_a_key_never_by_the_email(
    client, runner, participant, session, smtp_server
):
    participant(None)  # someone who leaves no address
    participant("camille.martin@exemple.fr")
    unpaired, first = responses()
    assert re.fullmatch(r"[0-9a-f]{32}", unpaired.followup_key) and re.fullmatch(r"[0-9a-f]{32}", first.followup_key)
    [contact] = contacts()
    # A copy of the database cannot join the address to the answer: the two keys differ.
    assert first.followup_key != contact.followup_key

    run(runner, after(90))
    assert answer_followup(client, link_in(smtp_server.messages[0])).status_code == 303
    unpaired, first, followup = responses()
    assert (first.is_followup, followup.is_followup) == (False, True)
    assert followup.followup_key == first.followup_key != unpaired.followup_key
    assert followup.session_id == session.id
    assert followup.questionnaire.family == "evaluation-a-froid" and first.questionnaire.family == "evaluation-a-chaud"
    assert followup.overall_level == 3
    answers = {a.question.code: a for a in followup.answers}
    assert answers["applied"].number == 4 and answers["obstacles"].text == "Le temps"

    # Neither answer holds the address, nor the contact's own key; the contact holds no address any more.
    for response in (first, followup):
        row = db.session.execute(select(Response.__table__).where(Response.id == response.id)).one()._asdict()
        assert not [name for name, value in row.items() if "camille" in str(value).lower()]
        assert contact.followup_key not in row.values()
    [contact] = contacts()
    assert contact.email is None and contact.is_used


def test_the_pair_is_found_by_key_in_sql(client, runner, participant, smtp_server):
    """What the scores page does: a self-join of responses on the key."""
    for email in ("a@exemple.fr", "b@exemple.fr"):
        participant(email)
    participant(None)
    run(runner, after(90))
    for message in smtp_server.messages:
        assert answer_followup(client, link_in(message)).status_code == 303
    first, later = Response.__table__.alias("first"), Response.__table__.alias("later")
    pairs = db.session.execute(
        select(func.count())
        .select_from(later)
        .join(first, (first.c.followup_key == later.c.followup_key) & first.c.is_followup.is_(False))
        .where(later.c.is_followup.is_(True))
    ).scalar_one()
    assert pairs == 2


def test_an_address_left_without_having_answered_here_is_mailed_but_not_paired(
    app, client, runner, session, smtp_server
):
    phone = app.test_client()  # opens the thank-you page directly: no answer of theirs to pair
    thanks = phone.get(f"/s/{session.public_code}/merci")
    token = parse(thanks.get_data(as_text=True)).find("form", class_="followup-form").find("input", name="token")
    phone.post(f"/s/{session.public_code}/merci", data={"token": token.get("value"), "email": "noe@exemple.fr"})
    run(runner, after(90))
    assert answer_followup(client, link_in(smtp_server.messages[0])).status_code == 303
    [followup] = responses()
    assert db.session.scalar(select(func.count(Response.id)).where(Response.followup_key == followup.followup_key)) == 1


# -- the personal link -------------------------------------------------------------------------------------------


def test_opening_the_link_spends_nothing_and_it_works_once(client, runner, participant, smtp_server):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])

    for _ in range(3):  # a mail scanner, then the person, twice
        page = client.get(link)
        assert page.status_code == 200
    form = parse(page.get_data(as_text=True)).find("form", class_="survey")
    assert form.get("action") == link
    assert "Avez-vous pu appliquer ce que vous avez appris dans votre pratique ?" in form.text
    assert not contacts()[0].is_used

    sent = answer_followup(client, link)
    assert sent.status_code == 303 and sent.headers["Location"] == f"{link}/merci"
    thanks = client.get(sent.headers["Location"])
    assert "Vos réponses sur « Accueillir les publics allophones » sont bien enregistrées." in thanks.get_data(
        as_text=True
    )
    assert parse(thanks.get_data(as_text=True)).find("form") is None  # no second offer of a follow-up

    used = client.get(link)
    assert used.status_code == 410
    assert "Ce lien personnel a déjà servi" in parse(used.get_data(as_text=True)).text
    assert parse(used.get_data(as_text=True)).find("form") is None


def test_a_second_answer_with_the_same_link_is_refused_and_its_text_shown_back(
    client, runner, participant, smtp_server
):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    page = client.get(link)
    token = form_state(parse(page.get_data(as_text=True)).find("form", class_="survey"))["token"][0]
    assert answer_followup(client, link).status_code == 303

    late = client.post(link, data={"token": token, **COLD_ANSWERS, "q-obstacles": "<b>Deuxième</b> essai"})
    assert late.status_code == 409
    tree = parse(late.get_data(as_text=True))
    assert "Ces réponses n'ont donc pas été enregistrées une seconde fois." in tree.text
    assert tree.find("textarea").raw_text == "<b>Deuxième</b> essai"
    assert "<b>Deuxième" not in late.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup)) == 1


def test_a_double_tap_stores_one_answer_and_shows_the_thank_you_page(client, runner, participant, smtp_server):
    link = mailed_followup_link(runner, participant, smtp_server)
    data = followup_form_data(client, link)
    assert [client.post(link, data=data).status_code for _ in range(2)] == [303, 303]
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup)) == 1


def test_a_double_tap_racing_itself_stores_one_answer_and_both_thank(
    client, runner, participant, smtp_server, before_insert_into
):
    link = mailed_followup_link(runner, participant, smtp_server)
    data = followup_form_data(client, link)
    other: list = []
    before_insert_into("responses", lambda: other.append(client.application.test_client().post(link, data=data)))
    first = client.post(link, data=data)
    assert [first.status_code, other[0].status_code] == [303, 303]
    assert first.headers["Location"] == other[0].headers["Location"]
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup)) == 1


def test_two_forms_of_one_link_sent_at_once_store_one_answer_and_tell_the_other(
    client, runner, participant, smtp_server, before_insert_into
):
    link = mailed_followup_link(runner, participant, smtp_server)

    mine, theirs = (
        followup_form_data(client.application.test_client(), link, {**COLD_ANSWERS, "q-obstacles": text})
        for text in ("Mon texte", "Leur texte")
    )
    other: list = []
    before_insert_into("responses", lambda: other.append(client.application.test_client().post(link, data=theirs)))
    late = client.post(link, data=mine)
    assert other[0].status_code == 303
    assert late.status_code == 409
    assert "Mon texte" in late.get_data(as_text=True)  # what this tab typed is shown back, not lost in silence
    stored = db.session.scalars(select(Response).where(Response.is_followup)).all()
    assert len(stored) == 1


def test_a_missing_answer_keeps_everything_typed(client, runner, participant, smtp_server):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    page = answer_followup(client, link, {"q-applied": "2", "q-obstacles": "Pas de temps"})
    assert page.status_code == 422
    form = parse(page.get_data(as_text=True)).find("form", class_="survey")
    assert "Cette question est obligatoire." in form.text
    state = form_state(form)
    assert state["q-applied"] == ["2"] and state["q-obstacles"] == ["Pas de temps"]
    assert not contacts()[0].is_used and responses()[-1].is_followup is False


def test_a_post_from_another_site_is_refused(client, runner, participant, smtp_server):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    state = form_state(parse(client.get(link).get_data(as_text=True)).find("form", class_="survey"))
    page = client.post(
        link, data={"token": state["token"][0], **COLD_ANSWERS}, headers={"Origin": "https://evil.example"}
    )
    assert page.status_code == 400 and not contacts()[0].is_used


@pytest.mark.parametrize("refusal", ["rate limit", "too large"])
def test_a_refused_follow_up_answer_is_shown_back_to_send_again(
    app, client, runner, participant, smtp_server, monkeypatch, refusal
):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    data = followup_form_data(client, link)
    if refusal == "rate limit":
        monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "1 per minute")
        client.post(link, data={"q-overall": "1"})
        status, said = 429, "Trop d'envois sont arrivés depuis cette connexion"
    else:
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
        data["q-zzz"] = "x" * 5000  # sent last: cut by the cap, the answers before it are read
        status, said = 413, "Vos réponses sont trop longues pour être envoyées ensemble"
    page = client.post(link, data=data)
    form = parse(page.get_data(as_text=True)).find("form", class_="survey")
    assert page.status_code == status and said in parse(page.get_data(as_text=True)).text
    kept = form_state(form)
    assert kept["q-applied"] == ["4"] and kept["q-changes"] == ["outils", "posture"]
    assert kept["q-obstacles"] == ["Le temps"] and not contacts()[0].is_used
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "100 per minute")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    assert client.post(link, data=kept).status_code == 303 and contacts()[0].is_used


def test_the_questionnaires_own_token_cannot_stand_in(client, runner, participant, session, smtp_server):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    hot = form_state(parse(client.get(f"/s/{session.public_code}").get_data(as_text=True)).find("form"))["token"][0]
    page = client.post(link, data={"token": hot, **COLD_ANSWERS})
    assert page.status_code == 400
    assert "Nous n'avons pas pu vérifier ce formulaire" in parse(page.get_data(as_text=True)).text


@pytest.mark.parametrize("token", ["x" * 32, "court", "A" * 33, "%00" * 11])
def test_an_unknown_or_forged_link_says_so_in_french(client, token):
    page = client.get(f"/s/suivi/{token}")
    assert page.status_code == 404
    assert "Ce lien de suivi n'est pas valide" in parse(page.get_data(as_text=True)).text
    assert client.post(f"/s/suivi/{token}", data={"q-overall": "4"}).status_code == 404


def test_an_expired_link_says_the_follow_up_is_closed(app, client, runner, participant, smtp_server, monkeypatch):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    state = form_state(parse(client.get(link).get_data(as_text=True)).find("form", class_="survey"))
    monkeypatch.setitem(app.config, "FOLLOWUP_LINK_MAX_AGE_DAYS", -1)
    page = client.get(link)
    assert page.status_code == 410 and "Ce questionnaire est fermé" in parse(page.get_data(as_text=True)).text
    late = client.post(link, data={"token": state["token"][0], **COLD_ANSWERS})
    assert late.status_code == 410
    assert parse(late.get_data(as_text=True)).find("textarea").raw_text == "Le temps"
    assert not contacts()[0].is_used


def test_the_follow_up_in_english(client, runner, participant, smtp_server):
    participant("camille@exemple.fr")
    run(runner, after(90))
    link = link_in(smtp_server.messages[0])
    page = client.get(f"{link}?lang=en")
    tree = parse(page.get_data(as_text=True))
    assert "Have you been able to apply what you learnt in your practice?" in tree.text
    switch = tree.find("a", lang="fr")
    assert switch.get("href") == f"{link}?lang=fr"
    assert client.get("/s/suivi/" + "x" * 32).status_code == 404
    assert "This follow-up link is not valid" in parse(client.get("/s/suivi/" + "x" * 32).get_data(as_text=True)).text


# -- the mail server ---------------------------------------------------------------------------------------------


def test_with_the_mail_server_down_the_run_fails_clearly_and_the_next_one_sends(app, runner, participant, smtp_server):
    participant("camille@exemple.fr")
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    failed = run(runner, after(90))
    assert failed.exit_code == 1
    assert "le serveur de messagerie (127.0.0.1:" in failed.output and "ne répond pas" in failed.output
    assert "1 message(s) non envoyé(s), ils repartiront au prochain passage" in failed.output
    [contact] = contacts()
    assert contact.sent_dt is None and contact.token_hash is None and contact.email == "camille@exemple.fr"

    app.config["MAIL_PORT"] = working_port
    assert run(runner, after(91)).output == "Questionnaires de suivi envoyés : 1 sur 1.\n"
    assert len(smtp_server.messages) == 1


def test_a_refused_address_is_erased_and_never_tried_again(runner, participant, smtp_server):
    participant("camille@inconnu.example")
    smtp_server.refused_domains.add("inconnu.example")
    result = run(runner, after(90))
    assert result.exit_code == 0
    assert "Adresses refusées par le serveur de messagerie : 1 (effacées)." in result.output
    [contact] = contacts()
    assert contact.email is None and contact.sent_dt is None
    smtp_server.refused_domains.clear()
    assert run(runner, after(100)).output == "Aucun questionnaire de suivi ni relance à envoyer.\n"


def test_a_greylisted_address_is_tried_again_at_the_next_run(runner, participant, smtp_server):
    participant("camille@exemple.fr")
    smtp_server.deferred_domains.add("exemple.fr")
    result = run(runner, after(90))
    assert "Adresses refusées pour l'instant par le serveur de messagerie : 1" in result.output
    assert contacts()[0].sent_dt is None
    smtp_server.deferred_domains.clear()
    assert run(runner, after(91)).output == "Questionnaires de suivi envoyés : 1 sur 1.\n"


def test_a_follow_up_questionnaire_with_no_published_version_is_reported(runner, participant, training, smtp_server):
    training.followup_family = "questionnaire-disparu"
    db.session.commit()
    participant("camille@exemple.fr")
    result = run(runner, after(90))
    assert result.exit_code == 0
    assert "« Accueillir les publics allophones » : aucune version publiée du questionnaire de suivi" in result.output
    assert smtp_server.messages == []


def test_a_bad_now_is_a_clear_usage_error(runner):
    result = runner.invoke(args=["send-followups", "--now", "demain"])
    assert result.exit_code == 2 and "date ISO 8601 attendue" in result.output


def test_two_answers_racing_with_one_link_store_one(runner, participant, smtp_server):
    """Two workers, two forms of the same link: the second answer is refused by the database (UNIQUE key)."""
    participant("camille@exemple.fr")
    run(runner, after(90))
    token = link_in(smtp_server.messages[0]).rpartition("/")[2]
    questions = questions_of(personal_links.find_followup_contact(token).questionnaire)
    parsed = parse_survey(questions, MultiDict({"q-overall": "4"}), max_text_length=5000)
    survey_operations.submit_followup(personal_links.find_followup_contact(token), parsed, "first-form-nonce")
    db.session.commit()
    seen = personal_links.find_followup_contact(token)
    seen.is_used = False  # what the other worker read before the first one committed
    with pytest.raises(personal_links.FollowUpAlreadyAnswered):
        survey_operations.submit_followup(seen, parsed, "second-form-nonce")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Response.id)).where(Response.is_followup)) == 1
