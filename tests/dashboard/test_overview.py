"""The managers' overview: figures, comparison, trend, sortable breakdowns, drill-down and downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook

from feedback.models import Role
from tests.dashboard.conftest import add_responses
from tests.htmltree import Node, form_state, parse


def rows_of(page) -> list[list[str]]:
    """The breakdown table's body, one list of cell texts per row (spaces collapsed, narrow ones included)."""
    table = parse(page.get_data(as_text=True)).find("table", class_="sortable")
    return [
        [cell.text for cell in row.children if isinstance(cell, Node) and cell.tag in ("th", "td")]
        for row in table.find("tbody").find_all("tr")
    ]


def test_overview_by_training_matches_the_hand_counts(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    page = client.get("/scores/?annee=2025&vue=formation")
    assert page.status_code == 200
    rows = {row[0]: row[1:] for row in rows_of(page)}
    # Droit des étrangers: 3 sessions, 8 responses, 5 of 22 present answered, 6 of 8 satisfied.
    assert rows["Droit des étrangers"][:3] == ["3", "8", "23 %"]
    assert rows["Droit des étrangers"][3].startswith("75 %")
    # Webinaire QPV: 3 satisfied of the 5 who answered the overall question (one skipped it).
    assert rows["Webinaire QPV"][:3] == ["1", "6", "75 %"]
    assert rows["Webinaire QPV"][3].startswith("60 %") and "n = 5" in rows["Webinaire QPV"][3]
    # July: 3 answers, too few to show a rate to anyone but an admin.
    by_month = {row[0]: row[1:] for row in rows_of(client.get("/scores/?annee=2025&vue=mois"))}
    assert by_month["juil. 2025"][3] == "trop peu de réponses"
    html = page.get_data(as_text=True)
    assert re.search(r'<span class="big">14</span> réponses', html)


def test_admins_see_rates_under_the_threshold(client, auth, make_user, centre):
    auth.login(make_user(Role.ADMIN))
    rows = {row[0]: row[1:] for row in rows_of(client.get("/scores/?annee=2025&vue=mois"))}
    assert rows["juil. 2025"][3].startswith("100 %") and "n = 3" in rows["juil. 2025"][3]


def test_sorting_by_rate_and_the_sort_links(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    page = client.get("/scores/?annee=2025&vue=mois&tri=taux&ordre=desc")
    assert [row[0] for row in rows_of(page)] == ["mars 2025", "juil. 2025", "nov. 2025"]
    table = parse(page.get_data(as_text=True)).find("table", class_="sortable")
    rate_header = [th for th in table.find_all("th") if "Satisfaction" in th.text][0]
    assert rate_header.get("aria-sort") == "descending"
    # Clicking the same header again sorts the other way.
    assert "ordre=asc" in rate_header.find_all("a")[0].get("href")


def test_drill_down_from_an_axis_to_its_trainings_to_a_session(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/scores/?annee=2025&vue=axe").get_data(as_text=True))
    link = [a for a in tree.find_all("a") if a.text == "Politique de la ville & réseaux d'acteurs"][0].get("href")
    assert "axe=politique-ville" in link and "vue=formation" in link
    trainings = client.get(link)
    assert [row[0] for row in rows_of(trainings)] == ["Webinaire QPV"]
    link = parse(trainings.get_data(as_text=True)).find("table", class_="sortable").find("tbody").find("a")
    sessions = client.get(link.get("href"))
    session_link = parse(sessions.get_data(as_text=True)).find("table", class_="sortable")
    href = [a.get("href") for a in session_link.find_all("a") if "/scores/sessions/" in a.get("href")]
    assert href == [f"/scores/sessions/{centre['sessions'][2].id}"]
    assert client.get(href[0]).status_code == 200


def test_comparison_with_the_previous_year_is_flagged_only_when_real(client, auth, make_user, centre):
    auth.login(make_user(Role.ADMIN))
    html = client.get("/scores/?annee=2025").get_data(as_text=True)
    # 2025: 9 of 13 (69 %); 2024: 5 of 5 (100 %): -31 points, but 5 answers leave the gap uncertain.
    assert "-31 pts vs 2024" in html and "écart non significatif" in html


def test_a_real_difference_is_flagged(client, auth, make_user, make_session, make_training):
    training = make_training()
    add_responses(make_session(training, start_date=date(2024, 6, 1)), [4] * 40)
    add_responses(make_session(training, start_date=date(2025, 6, 1)), [4] * 20 + [1] * 20)
    auth.login(make_user(Role.MANAGER))
    html = client.get("/scores/?annee=2025").get_data(as_text=True)
    assert "-50 pts vs 2024" in html and "(écart significatif)" in html


def test_unknown_filters_are_named_and_ignored(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    page = client.get("/scores/?annee=2025&axe=%3Cscript%3E&vue=nimporte&tri=x&dept=99")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Filtres non reconnus, ignorés : axe, dept." in html
    assert "<script>" not in html


def test_trend_chart_and_its_numbers(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/scores/?annee=2025").get_data(as_text=True))
    svg = tree.find_all("svg", class_="chart")[0]
    # March has 10 answers to the overall question; July (3) and November (0) are too few to draw.
    assert len(svg.find_all("circle")) == 1
    assert "mars 2025 60" in svg.find_all("desc")[0].text


def test_csv_and_xlsx_downloads_hold_the_table_with_hostile_titles_neutralised(
    client, auth, make_user, make_training, make_session
):
    training = make_training('=HYPERLINK("http://evil.example";"x")')
    add_responses(make_session(training, start_date=date(2025, 5, 5), present=10), [4, 4, 3, 2, 4, 4])
    auth.login(make_user(Role.COMMUNICATION))
    download = client.get("/scores/export?annee=2025&vue=formation&format=csv")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="satisfaction-par-formation-2025.csv"'
    rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Formation", "Sessions"]
    assert rows[1][0] == "'" + training.title
    assert rows[1][1:8] == ["1", "6", "10", "0,6", "6", "0,8333", "0,4365"]
    workbook = load_workbook(io.BytesIO(client.get("/scores/export?annee=2025&vue=formation&format=xlsx").data))
    cells = list(workbook.active.iter_rows(values_only=True))
    assert cells[1][0] == "'" + training.title and cells[1][2] == 6
    assert client.get("/scores/export?annee=2025&format=pdf").status_code == 404


def test_a_quarter_or_month_row_leads_to_that_period(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    tree = parse(client.get("/scores/?annee=2025&vue=trimestre&dept=91").get_data(as_text=True))
    link = [a for a in tree.find_all("a") if a.text == "T1 2025"][0].get("href")
    assert "trimestre=2025-T1" in link and "dept=91" in link and "annee" not in link
    quarter = parse(client.get(link).get_data(as_text=True))
    assert quarter.find("h1").text == "Résultats T1 2025"
    # s1 and s3 (Essonne, March): 5 + 6 responses.
    assert sorted(row[0] for row in rows_of(client.get(link))) == ["Droit des étrangers", "Webinaire QPV"]
    months = parse(client.get("/scores/?annee=2025&vue=mois").get_data(as_text=True))
    link = [a for a in months.find_all("a") if a.text == "juil. 2025"][0].get("href")
    assert "du=2025-07-01" in link and "au=2025-07-31" in link
    assert [row[0] for row in rows_of(client.get(link))] == ["Droit des étrangers"]


def test_the_form_keeps_a_quarter_and_sends_it_back(client, auth, make_user, centre):
    """Year and quarter selects: a quarter's page shows them chosen, and submitting the form gives the same page."""
    auth.login(make_user(Role.MANAGER))
    page = client.get("/scores/?trimestre=2025-T3&dept=94")
    form = parse(page.get_data(as_text=True)).find("form", class_="filters")
    state = form_state(form)
    assert state["annee"] == ["2025"] and state["trimestre"] == ["T3"]
    assert state["du"] == [""] and state["au"] == [""] and state["dept"] == ["94"]
    again = client.get("/scores/", query_string={key: values[0] for key, values in state.items() if values})
    assert parse(again.get_data(as_text=True)).find("h1").text == "Résultats T3 2025"
    # s2 alone: July 2025, Val-de-Marne, the language axis.
    assert [row[0] for row in rows_of(again)] == ["Linguistique, intégration & discriminations"]
