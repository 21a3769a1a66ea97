"""Missing is not zero: a figure the data cannot give reads « non disponible », and a period without sessions is
not compared with, in the page, the workbook, the document and `flask report --json`."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from feedback.labels import AXIS_LABELS
from feedback.models import Axis, Department, Modality, Role
from tests.report.test_report import page_of, report_json


@pytest.fixture
def catalogue_only(make_training, make_session):
    """2025 only, as a catalogue import leaves it: counts of people present, half-days, no lists, no answers."""
    lang = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    city = make_training("Webinaire QPV", Axis.CITY_POLICY, Modality.WEBINAR)
    make_session(lang, start_date=date(2025, 3, 10), department=Department.ESSONNE, present=15, half_days=2)
    make_session(city, start_date=date(2025, 6, 1), department=Department.VAL_DE_MARNE, present=30, half_days=1)
    make_session(city, start_date=date(2025, 9, 1), department=Department.VAL_DE_MARNE, present=None, half_days=1)


def _document_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_page_says_non_disponible_and_makes_no_comparison(client, auth, make_user, catalogue_only):
    auth.login(make_user(Role.MANAGER))
    tree = page_of(client, "/report/?annee=2025")
    distinct = tree.by_id("f-distinct_participants")
    assert distinct.find(class_="big").text == "non disponible"
    assert "aucune liste d'émargement" in distinct.text
    assert tree.by_id("f-average_visits").find(class_="big").text == "non disponible"
    assert tree.by_id("f-participations").find(class_="big").text == "45"  # known for 2 sessions of 3
    text = tree.text
    assert "par rapport à 2024" not in text and "0 participants distincts" not in text
    assert "pas de comparaison : aucune session en 2024" in tree.by_id("no-comparison").text.lower()
    assert "2024" not in tree.by_id("t-half_days").text  # no 2024 column, no bars at 0
    assert "2024" not in tree.by_id("departements").find("svg").text
    assert "non disponible" in tree.by_id("t-axis").text
    note = tree.by_id("counting-note").text
    assert "3 sessions au total" in note and "connue pour 2 sessions sur 3" in note


def test_the_workbook_and_the_document_say_so_too(client, auth, make_user, catalogue_only):
    auth.login(make_user(Role.MANAGER))
    workbook = load_workbook(io.BytesIO(client.get("/report/rapport.xlsx?annee=2025").data))
    sheet = workbook["Chiffres clés"]
    header = [cell.value for cell in sheet[1]]
    assert "2024" not in header and "Évolution" not in header
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    distinct = rows["Participants distincts"]
    assert distinct[1] is None and "non disponible" in distinct[-1] and "pas de comparaison" in distinct[-1]
    assert rows["Participations"][1] == 45
    axes = {row[0]: row for row in workbook["Par axe"].iter_rows(min_row=2, values_only=True)}
    city = axes[AXIS_LABELS[Axis.CITY_POLICY]]
    assert city[2] is None and "non disponible" in city[-1]
    assert len(list(workbook["Satisfaction"].iter_rows(min_row=2))) == 1  # no 2024 row

    text = _document_text(client.get("/report/rapport.docx?annee=2025").data)
    assert "non disponible : aucune liste d'émargement" in text
    assert "pas de comparaison : aucune session en 2024" in text
    assert "comparée à 2024" not in text and "Ce rapport compte les sessions du catalogue" in text


def test_the_json_gives_null_with_a_reason(runner, catalogue_only):
    data = report_json(runner, "--period", "2025")
    distinct = data["figures"]["distinct_participants"]
    assert distinct["value"] is None and "liste d'émargement" in distinct["reason"]
    assert distinct["previous"] is None and distinct["change"] is None
    assert distinct["previous_reason"].startswith("pas de comparaison")
    sessions = data["figures"]["sessions"]
    assert (sessions["value"], sessions["previous"], sessions["change"]) == (3, None, None)
    assert data["comparison"] == {
        "made": False,
        "reason": "pas de comparaison : aucune session en 2024 pour ces filtres",
    }
    assert all(row["previous"] is None for row in data["half_days_by_department"])
    city = next(row for row in data["by_axis"] if row["key"] == str(Axis.CITY_POLICY))
    assert city["distinct_participants"] is None and "liste d'émargement" in city["note"]
    assert "Ce rapport compte" in data["coverage"]["note"]


def test_a_previous_year_with_sessions_is_compared(runner, centre):
    data = report_json(runner, "--period", "2025")
    assert data["comparison"] == {"made": True, "reason": None}
    assert data["figures"]["participations"]["change"] == 27
