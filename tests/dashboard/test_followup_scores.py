"""A training's scores page compares the follow-up ("évaluation à froid") with the first answers.

Everything goes through the real pages and the real command: participants answer on their phones and leave their
address, `flask send-followups` mails the links to a real SMTP server, participants answer the follow-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedback.catalogue import operations
from feedback.db import db
from feedback.models import Role
from tests.distribution.helpers import answer_followup, answer_on_a_new_phone, followup_link, invite
from tests.htmltree import parse

LAST_DAY = date.today() - timedelta(days=90)


@pytest.fixture
def training(make_training):
    training = make_training("Accueillir les publics allophones")
    operations.ensure_family_questionnaire("evaluation-a-froid")
    operations.set_training_questionnaires(
        training, questionnaire=None, followup_family="evaluation-a-froid", followup_delay_days=90
    )
    db.session.commit()
    return training


@pytest.fixture
def session(make_session, training):
    return make_session(training, start_date=LAST_DAY)


def send_followups(runner):
    moment = datetime.combine(date.today(), time(12), tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
    result = runner.invoke(args=["send-followups", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result


def percent(value: int) -> str:
    """As the page reads once its spaces are collapsed (the narrow no-break space before % included)."""
    return f"{value} %"


def rows_of(page, table_id: str) -> dict[str, list[str]]:
    """Row header -> the text of its cells."""
    table = parse(page.get_data(as_text=True)).find("table", id=table_id)
    return {tr.find("th").text: [td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")}


@pytest.fixture
def followed_up(app, client, auth, make_user, runner, session, smtp_server):
    """Seven participants; six leave their address, five answer the follow-up; one invited person answers it too.

    usefulness (first answers)   4 4 3 3 2 1 4   -> 5 of 7 useful
    applied (follow-up, paired)  4 2 3 1 4       -> 3 of 5; with Léa (invited, not paired) 4 of 6
    overall, first / looking back: all 4 / 3 2 4 2 3 and Léa 4
    """
    usefulness = [4, 4, 3, 3, 2, 1, 4]
    for n, level in enumerate(usefulness, start=1):
        email = f"p{n}@exemple.fr" if n <= 6 else None
        answer_on_a_new_phone(app, session, {"q-overall": "4", "q-usefulness": str(level)}, email)
    auth.login(make_user(Role.MANAGER))
    invite(client, session, "lea@exemple.fr")
    auth.logout()
    smtp_server.messages.clear()

    send_followups(runner)
    links = {m["To"]: followup_link(m) for m in smtp_server.messages}
    later = {"p1": (4, 3), "p2": (2, 2), "p3": (3, 4), "p4": (1, 2), "p5": (4, 3), "lea": (4, 4)}
    for who, (applied, overall) in later.items():
        sent = answer_followup(
            client, links[f"{who}@exemple.fr"], {"q-applied": str(applied), "q-overall": str(overall)}
        )
        assert sent.status_code == 303
    return session


def test_the_follow_up_is_compared_with_the_first_answers(client, auth, make_user, training, followed_up):
    auth.login(make_user(Role.MANAGER))
    page = client.get(f"/scores/trainings/{training.id}")
    assert page.status_code == 200

    everyone = rows_of(page, "followup-comparison")
    useful, applied = everyone["Utile pour la pratique, puis appliqué dans la pratique"]
    assert percent(71) in useful and "n = 7" in useful  # 5 of 7
    assert percent(67) in applied and "n = 6" in applied  # 4 of 6
    satisfied, later = everyone["Satisfaction globale"]
    assert percent(100) in satisfied and "n = 7" in satisfied
    assert percent(67) in later and "n = 6" in later  # 4 of 6 looking back

    pairs = rows_of(page, "followup-pairs")
    useful, applied = pairs["Utile pour la pratique, puis appliqué dans la pratique"]
    assert percent(80) in useful and "n = 5" in useful  # the same five people: 4 of 5 then...
    assert percent(60) in applied and "n = 5" in applied  # ...3 of 5 now
    satisfied, later = pairs["Satisfaction globale"]
    assert percent(100) in satisfied and percent(60) in later
    tree = parse(page.get_data(as_text=True))
    assert "5 réponses de suivi reliées à leur première réponse" in tree.find("table", id="followup-pairs").text
    assert tree.find("p", id="followup-changes").text == (
        "Jugé utile à chaud mais pas appliqué : 2 ; appliqué sans avoir été jugé utile à chaud : 1 (sur 5 personnes)."
    )
    counts = [figure.text for figure in tree.find("div", id="followup-counts").find_all("div", class_="figure")]
    assert counts == [
        "0 adresses en attente",
        "7 questionnaires de suivi envoyés",
        "0 relancés",
        "6 réponses au suivi",
    ]


def test_follow_up_answers_stay_out_of_the_sessions_own_scores(client, auth, make_user, training, followed_up):
    auth.login(make_user(Role.MANAGER))
    session_page = client.get(f"/scores/sessions/{followed_up.id}")
    figures = parse(session_page.get_data(as_text=True)).find("div", class_="figures").text
    assert figures.startswith("7 réponses")  # the first answers only, not the six follow-ups
    assert f"{percent(100)}" in figures and "n = 7" in figures  # overall satisfaction: the first answers' 7 of 7
    assert client.get(f"/manage/sessions/{followed_up.id}/counts").get_json()["responses"] == 7
    training_page = parse(client.get(f"/scores/trainings/{training.id}").get_data(as_text=True))
    assert "7 réponses" in training_page.find("div", class_="figures").text
    distributions = {s.find("h3").text: s for s in training_page.find_all("section", class_="distribution")}
    assert "Avez-vous pu appliquer ce que vous avez appris dans votre pratique ?" not in distributions


def test_too_few_follow_up_answers_show_no_rate_except_to_admins(
    app, client, auth, make_user, runner, training, session, smtp_server
):
    for n in range(1, 6):
        answer_on_a_new_phone(app, session, {"q-overall": "4", "q-usefulness": "4"}, f"p{n}@exemple.fr")
    send_followups(runner)
    for message in smtp_server.messages[:2]:
        assert answer_followup(client, followup_link(message), {"q-applied": "4", "q-overall": "4"}).status_code == 303

    auth.login(make_user(Role.MANAGER))
    page = client.get(f"/scores/trainings/{training.id}")
    useful, applied = rows_of(page, "followup-comparison")["Utile pour la pratique, puis appliqué dans la pratique"]
    assert percent(100) in useful and "n = 5" in useful
    assert applied == "trop peu de réponses"
    assert rows_of(page, "followup-pairs")["Utile pour la pratique, puis appliqué dans la pratique"] == [
        "trop peu de réponses",
        "trop peu de réponses",
    ]
    assert parse(page.get_data(as_text=True)).find("p", id="followup-changes") is None
    auth.logout()

    auth.login(make_user(Role.ADMIN))
    page = client.get(f"/scores/trainings/{training.id}")
    _, applied = rows_of(page, "followup-comparison")["Utile pour la pratique, puis appliqué dans la pratique"]
    assert percent(100) in applied and "n = 2" in applied


def test_a_training_without_follow_up_shows_no_such_section(client, auth, make_user, make_training, make_session):
    training = make_training()
    make_session(training)
    auth.login(make_user(Role.MANAGER))
    page = parse(client.get(f"/scores/trainings/{training.id}").get_data(as_text=True))
    assert page.find("section", id="suivi") is None


def test_a_trainer_of_the_training_sees_the_comparison_but_not_the_mailing_figures(
    client, auth, make_user, make_speaker, make_session, training
):
    trainer = make_user(Role.TRAINER)
    make_session(training, speakers=[make_speaker("Inès Haddad", user=trainer)], start_date=LAST_DAY)
    auth.login(trainer)
    page = parse(client.get(f"/scores/trainings/{training.id}").get_data(as_text=True))
    assert page.find("table", id="followup-comparison") is not None
    assert page.find("div", id="followup-counts") is None
