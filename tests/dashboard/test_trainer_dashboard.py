"""A trainer's own results: against the whole centre, over time, and nothing of another trainer."""

from __future__ import annotations

from datetime import date

from feedback.models import Role
from tests.dashboard.conftest import add_responses
from tests.htmltree import parse


def test_a_trainer_is_compared_with_the_whole_centre(client, auth, make_user, make_speaker, make_session):
    trainer = make_user(Role.TRAINER)
    mine = make_speaker("Inès Dumont", user=trainer)
    other = make_speaker("Paul Girard")
    own = make_session(start_date=date(2025, 3, 3), speakers=[mine], present=40)
    theirs = make_session(start_date=date(2025, 4, 4), speakers=[other])
    add_responses(own, [4] * 28 + [2] * 2)  # 28 of 30: 93 %
    add_responses(theirs, [4] * 10 + [1] * 30)  # the centre: 38 of 70, 54 %
    add_responses(make_session(start_date=date(2024, 5, 5), speakers=[mine]), [4] * 4 + [1])
    auth.login(trainer)
    page = client.get("/scores/mine?annee=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "93\u202f%" in html and "54\u202f%" in html
    assert "+39 pts vs l&#39;ensemble du centre" in html and "(écart significatif)" in html
    # The previous year: 4 of 5 (80 %); with 5 answers the gap of 13 points is not flagged.
    assert '+13 pts vs 2024 <span class="muted">(écart non significatif)' in html
    tree = parse(html)
    sessions = tree.find_all("table", class_="data")[-1]  # after the trend chart's table
    assert [a.get("href") for a in sessions.find_all("a")] == [f"/scores/sessions/{own.id}"]
    assert "Paul Girard" not in html
    # The trend covers every year of the trainer's sessions, by month over two years.
    svg = tree.find("svg", class_="chart")
    assert svg.find("desc").text == "Taux de satisfaction par période : mai 2024 80 %, mars 2025 93 %."


def test_a_trainer_never_sees_another_trainers_figures_through_filters(
    client, auth, make_user, make_speaker, make_session
):
    trainer = make_user(Role.TRAINER)
    make_speaker("Inès Dumont", user=trainer)
    other = make_speaker("Paul Girard")
    add_responses(make_session(start_date=date(2025, 4, 4), speakers=[other]), [4] * 10)
    auth.login(trainer)
    # A forged speaker filter is overridden by the trainer's own speaker.
    html = client.get(f"/scores/mine?annee=2025&intervenant={other.id}").get_data(as_text=True)
    assert '<span class="big">0</span> réponse<' in html
    assert client.get("/scores/?annee=2025").status_code == 404
    assert client.get("/scores/export?annee=2025&format=csv").status_code == 404


def test_staff_without_a_speaker_profile_are_told_how_to_get_one(client, auth, make_user):
    auth.login(make_user(Role.TRAINER))
    html = client.get("/scores/mine").get_data(as_text=True)
    assert "relier votre compte à votre fiche" in html
