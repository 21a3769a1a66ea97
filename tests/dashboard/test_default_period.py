"""Score pages and the report open on the latest period with responses, never on a nearly empty current year,
and a chart without a shown rate says so instead of printing « None »."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.db import utcnow
from feedback.models import Role
from tests.dashboard.conftest import add_responses
from tests.htmltree import parse


@pytest.fixture
def two_years(make_training, make_session, make_speaker, make_user):
    """A full 2025 (six responses) and this year's single session with three: too few to show a rate."""
    trainer = make_user(Role.TRAINER)
    speaker = make_speaker("Aïcha Benali", user=trainer)
    training = make_training()
    past = make_session(training, start_date=date(2025, 3, 10), present=12, speakers=[speaker])
    today = make_session(training, start_date=utcnow().date(), present=4, speakers=[speaker])
    add_responses(past, [4, 4, 3, 4, 2, 4])
    add_responses(today, [4, 3, 4])
    return trainer


@pytest.mark.parametrize(
    ("url", "role", "heading"),
    [("/scores/", Role.MANAGER, "Résultats 2025"), ("/report/", Role.MANAGER, "Rapport d'activité 2025")],
)
def test_pages_open_on_the_latest_year_with_enough_responses(client, auth, make_user, two_years, url, role, heading):
    assert utcnow().year > 2025
    auth.login(make_user(role))
    html = client.get(url).get_data(as_text=True)
    assert parse(html).find("h1").text == heading
    assert "None" not in html


def test_a_trainers_page_opens_on_their_latest_year(client, auth, two_years):
    auth.login(two_years)
    html = client.get("/scores/mine").get_data(as_text=True)
    assert parse(html).find("h1").text == "Mes résultats 2025"
    assert "None" not in html


def test_a_year_with_too_few_responses_says_there_is_no_chart(client, auth, make_user, two_years):
    auth.login(make_user(Role.MANAGER))
    html = client.get(f"/scores/?annee={utcnow().year}").get_data(as_text=True)
    assert "None" not in html
    assert "Pas de courbe : trop peu de réponses" in parse(html).by_id("trend-empty").text


def test_a_month_without_sessions_stays_on_the_trend(client, auth, make_user, make_training, make_session):
    training = make_training()
    for month in (2, 5):
        add_responses(make_session(training, start_date=date(2025, month, 3), present=8), [4, 4, 3, 4, 4])
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/scores/?annee=2025").get_data(as_text=True))
    section = tree.by_id("trend-title").parent
    months = [row.find("th").text for row in section.find("tbody").find_all("tr")]
    assert months == ["févr. 2025", "mars 2025", "avr. 2025", "mai 2025"]
    labels = [
        " ".join(t.find_all("tspan")[i].text for i in range(2)) for t in section.find_all("text", class_="x-label")
    ]
    assert labels == months  # four places on the axis, two of them empty
