"""« Sans département »: one filter value (`dept=aucun`) on every page with a département filter."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.models import Department, Role
from tests.dashboard.conftest import add_responses
from tests.htmltree import parse


@pytest.fixture
def regional(make_training, make_session):
    """An Essonne session with 2 answers and a session without département with 3."""
    training = make_training()
    essonne = make_session(training, start_date=date(2025, 3, 3), department=Department.ESSONNE, present=10)
    national = make_session(training, start_date=date(2025, 4, 3), department=None, present=10)
    add_responses(essonne, [4, 4])
    add_responses(national, [4, 3, 2])


@pytest.mark.parametrize("url", ["/scores/?annee=2025", "/report/?annee=2025", "/quotes/?annee=2025"])
def test_every_departement_filter_offers_sans_departement_with_the_same_value(client, auth, make_user, url):
    auth.login(make_user(Role.MANAGER))
    select = parse(client.get(url).get_data(as_text=True)).by_id("f-dept")
    options = {option.get("value"): option.text for option in select.find_all("option")}
    assert options["aucun"] == "Sans département"


def test_the_scores_of_the_sessions_without_departement(client, auth, make_user, regional):
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/scores/?annee=2025&dept=aucun").get_data(as_text=True))
    figures = [" ".join(node.text.split()) for node in tree.find_all(class_="figure")]
    assert "1 session" in figures and "3 réponses" in figures
    chosen = [option.get("value") for option in tree.by_id("f-dept").find_all("option") if "selected" in option.attrs]
    assert chosen == ["aucun"]
    assert "Département : Sans département" in tree.find("ul", class_="chips").text
    assert not tree.find("p", class_="notice")  # understood, not ignored


def test_the_report_and_its_json_take_the_same_value(client, auth, make_user, runner, regional):
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/report/?annee=2025&dept=aucun").get_data(as_text=True))
    assert tree.by_id("f-sessions").find(class_="big").text == "1"
    assert "Département : Sans département" in tree.find("p", class_="meta").text
    result = runner.invoke(args=["report", "--period", "2025", "--department", "aucun", "--json"])
    assert result.exit_code == 0, result.output
    assert '"sessions": 1' in result.output
