"""The report page (`/report/`), its downloads and `flask report --json`: the figures a reader checks by hand."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from feedback.models import Axis, Role
from tests.htmltree import Node, parse
from tests.imports.helpers import REAL_CATALOGUE, load_catalogue
from tests.imports.test_report_proof import COUNTED_TWICE, REPORT_AXIS_PARTICIPATIONS, csv_rows
from tests.report.helpers import QUOTES, E, S, V


def number(text: str) -> float | None:
    """A number as the page writes it (« 7 411 », « 1,5 », « 67 % »), or None for « – » and « non disponible »."""
    if text.strip() == "non disponible":
        return None
    cleaned = re.sub(r"[\s\u202f\u00a0%+]", "", text).replace(",", ".").replace("−", "-")
    return None if cleaned in ("", "–") else float(cleaned)


def page_of(client, url: str) -> Node:
    page = client.get(url)
    assert page.status_code == 200
    return parse(page.get_data(as_text=True))


def rows_of(tree: Node, table_id: str) -> dict[str, list[str]]:
    """{data-key: [cell texts]} of a table of the page."""
    table = tree.by_id(table_id)
    assert table is not None, table_id
    return {
        tr.get("data-key"): [cell.text for cell in tr.find_all("td")]
        for tr in table.find_all("tr")
        if tr.get("data-key") is not None
    }


def report_json(runner, *args: str) -> dict:
    result = runner.invoke(args=["report", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- Proof against the seed report -----------------------------------------------------------------------------


def test_the_2025_report_gives_back_the_seed_reports_participations_per_axis(client, auth, runner, make_user):
    """Importing feedback/data/activite-2025.csv, the report's 2025 axes are the printed ones (the « Politiques
    familiales » axis prints a seminar twice: see tests/imports/test_report_proof.py), on the page, in the JSON and
    in the workbook; the total is the file's."""
    load_catalogue(REAL_CATALOGUE.read_bytes(), REAL_CATALOGUE.name)
    expected = {
        str(axis): printed - (COUNTED_TWICE if axis == Axis.FAMILY_EDUCATION else 0)
        for axis, printed in REPORT_AXIS_PARTICIPATIONS.items()
    }
    total = sum(int(row["participations"] or 0) for row in csv_rows())
    auth.login(make_user(Role.COMMUNICATION))

    tree = page_of(client, "/report/")  # 2025 by default: the latest year with sessions
    assert "Rapport d'activité 2025" in tree.find("h1").text
    on_page = {key: number(cells[0]) for key, cells in rows_of(tree, "t-axis").items()}
    assert {key: on_page[key] for key in expected} == expected
    assert number(tree.by_id("f-participations").find(class_="big").text) == total == 7411

    data = report_json(runner, "--period", "2025")
    assert {row["key"]: row["participations"] for row in data["by_axis"] if row["key"] in expected} == expected
    assert data["figures"]["participations"]["value"] == 7411
    assert sum(row["participations"] for row in data["by_department"]) == 7411

    workbook = load_workbook(io.BytesIO(client.get("/report/rapport.xlsx?annee=2025").data))
    sheet = {row[0]: row[1] for row in workbook["Par axe"].iter_rows(min_row=2, values_only=True)}
    assert sheet["Linguistique, intégration & discriminations"] == 1386
    assert sheet["Politiques familiales, éducation & jeunesse"] == 1821 - COUNTED_TWICE


# --- Changes against the previous period -----------------------------------------------------------------------


def test_each_figure_comes_with_its_change_against_the_previous_year(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    tree = page_of(client, "/report/?annee=2025")
    figures = {key: tree.by_id(f"f-{key}") for key in ("participations", "distinct_participants", "half_days")}
    assert number(figures["participations"].find(class_="big").text) == 57
    assert "+27 (+90 %) par rapport à 2024" in figures["participations"].text  # 57 against 30
    assert "±0 par rapport à 2024" in figures["distinct_participants"].text  # 4 people each year, not the same
    assert "+3 (+100 %) par rapport à 2024" in figures["half_days"].text
    visits = tree.by_id("f-average_visits")
    assert number(visits.find(class_="big").text) == 1.5  # 6 attendances by 4 people (2024: 5 by 4)


def test_changes_in_the_json_for_a_year_and_for_any_period(runner, centre):
    year = report_json(runner, "--period", "2025")
    assert year["previous_period"] == {"start": "2024-01-01", "end": "2024-12-31", "label": "2024"}
    figures = {key: (f["value"], f["previous"], f["change"]) for key, f in year["figures"].items()}
    assert figures == {
        "participations": (57, 30, 27),
        "distinct_participants": (4, 4, 0),
        "average_visits": (1.5, 1.25, 0.25),
        "half_days": (6, 3, 3),
        "sessions": (4, 2, 2),
    }
    # 1 March - 30 April 2025 (61 days) against the 61 days before: 30 December 2024 - 28 February 2025.
    spring = report_json(runner, "--period", "2025-03-01:2025-04-30")
    assert spring["previous_period"]["start"] == "2024-12-30" and spring["previous_period"]["end"] == "2025-02-28"
    assert spring["figures"]["participations"] == {
        "value": 20,
        "previous": 7,
        "change": 13,
        "change_ratio": 13 / 7,
        "reason": None,
        "previous_reason": None,
    }
    assert spring["figures"]["sessions"]["change"] == 1
    assert spring["figures"]["distinct_participants"]["value"] == 3  # alice, bob, eve (January had no list)


def test_half_days_per_departement_against_the_previous_year(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    rows = rows_of(page_of(client, "/report/?annee=2025"), "t-half_days")
    assert {key: [number(cell) for cell in cells[:2]] for key, cells in rows.items()} == {
        str(E): [2, 2],
        str(V): [1, 2],
        str(S): [0, 2],  # a new département: no change rate from zero
    }
    assert rows[str(V)][2] == "+100 %" and rows[str(S)][2] == "–"


def test_filters_in_the_url_narrow_every_figure(client, auth, make_user, centre):
    auth.login(make_user(Role.MANAGER))
    tree = page_of(client, "/report/?annee=2025&dept=94&axe=politique-ville&modalite=webinaire&profil=elu&annee2=x")
    assert number(tree.by_id("f-participations").find(class_="big").text) == 37  # January 7 + June 30
    assert set(rows_of(tree, "t-department")) == {str(V)}
    assert "Département : Val-de-Marne (94)" in tree.find(class_="meta").text
    links = [a.get("href") for a in tree.find(class_="downloads").find_all("a")]
    assert all("dept=94" in link and "axe=politique-ville" in link for link in links)
    ignored = page_of(client, "/report/?annee=deux-mille&axe=inconnu")
    assert "Filtres non reconnus, ignorés : annee, axe." in ignored.find(class_="notice").text
    assert "Rapport d'activité 2025" in ignored.find("h1").text


# --- Small cells ------------------------------------------------------------------------------------------------


def test_rates_from_too_few_answers_are_hidden_but_for_admins(client, auth, make_user, runner, centre):
    auth.login(make_user(Role.COMMUNICATION))
    rows = rows_of(page_of(client, "/report/?annee=2025"), "t-satisfaction_axis")
    assert rows["politique-ville"][3] == "trop peu de réponses"  # 3 answers, all satisfied
    assert rows["linguistique-integration"][3].startswith("67 %")  # 4 of 6
    assert "n = 6" in rows["linguistique-integration"][3]
    workbook = load_workbook(io.BytesIO(client.get("/report/rapport.xlsx?annee=2025").data))
    sheet = {row[0]: row for row in workbook["Satisfaction par axe"].iter_rows(min_row=2, values_only=True)}
    assert sheet["Politique de la ville & réseaux d'acteurs"][4:6] == (3, None)
    assert sheet["Politique de la ville & réseaux d'acteurs"][8] == "trop peu de réponses"  # an empty cell says why
    assert sheet["Linguistique, intégration & discriminations"][5] == pytest.approx(4 / 6)

    by_axis = {
        row["key"]: row["satisfaction"] for row in report_json(runner, "--period", "2025")["satisfaction_by_axis"]
    }
    assert by_axis["politique-ville"] == {
        "n": 3,
        "rate": None,
        "low": None,
        "high": None,
        "note": "trop peu de réponses",
    }
    assert by_axis["linguistique-integration"]["rate"] == pytest.approx(4 / 6)

    auth.logout()
    auth.login(make_user(Role.ADMIN))
    rows = rows_of(page_of(client, "/report/?annee=2025"), "t-satisfaction_axis")
    assert rows["politique-ville"][3].startswith("100 %")


# --- Downloads ----------------------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_table_and_neutralises_participant_text(client, auth, make_user, quoted):
    auth.login(make_user(Role.MANAGER))
    response = client.get("/report/rapport.xlsx?annee=2025")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-d-activite-2025.xlsx"'
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Chiffres clés",
        "Par département",
        "Par axe",
        "Par modalité",
        "Demi-journées par département",
        "Profils des répondants",
        "Satisfaction",
        "Satisfaction par axe",
        "Satisfaction par département",
        "Satisfaction par modalité",
        "Thèmes",
        "Verbatims",
    ]
    headline = list(workbook["Chiffres clés"].iter_rows(values_only=True))
    assert headline[0] == ("Indicateur", "2025", "2024", "Évolution", "Évolution (%)", "Remarque")
    assert headline[1] == ("Participations", 57, 30, 27, 0.9, None)
    assert workbook["Chiffres clés"]["E2"].number_format == "0%"
    departments = {row[0]: row[1:] for row in workbook["Par département"].iter_rows(min_row=2, values_only=True)}
    assert departments["Essonne (91)"] == (15, 3, 1, 2, 1, None)  # participations, people, visits, half-days, sessions
    verbatims = list(workbook["Verbatims"].iter_rows(min_row=2, values_only=True))
    assert len(verbatims) == 2
    hostile = next(row for row in verbatims if "<script>" in row[1])
    assert hostile[0] == "Linguistique, intégration & discriminations"
    assert hostile[1].startswith("'=HYPERLINK(")  # text, never a formula
    assert hostile[2].startswith("— ") and "Droit des étrangers" in hostile[2]
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.data)).read("xl/worksheets/sheet12.xml").decode()
    assert "<f>" not in sheet_xml


def test_the_document_holds_figures_tables_charts_and_verbatims(client, auth, make_user, quoted):
    auth.login(make_user(Role.COMMUNICATION))
    response = client.get("/report/rapport.docx?annee=2025")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["Rapport d'activité 2025", "L'année 2025 en chiffres", "Par département"]
    assert {"Satisfaction", "Thèmes", "Verbatims", "Linguistique, intégration & discriminations"} <= set(headings)
    headline = document.tables[0]
    assert [cell.text for cell in headline.rows[1].cells] == ["Participations", "57", "30", "27", "90\u202f%", ""]
    departments = next(t for t in document.tables if t.rows[0].cells[0].text == "Département")
    assert [cell.text for cell in departments.rows[1].cells] == ["Essonne (91)", "15", "3", "1", "2", "1", ""]
    # Charts and the word cloud as pictures (PNG), each with its caption as alt text.
    assert len(document.inline_shapes) >= 6
    package = zipfile.ZipFile(io.BytesIO(response.data))
    pictures = [name for name in package.namelist() if name.startswith("word/media/")]
    assert pictures and all(package.read(name).startswith(b"\x89PNG") for name in pictures)
    assert 'descr="Participations par département, 2025"' in package.read("word/document.xml").decode()
    # The verbatims, as plain text: the hostile one is shown, never a field or a link.
    texts = [p.text for p in document.paragraphs]
    quotes = [text for text in texts if text.startswith("« ")]
    assert len(quotes) == 2 and any("<script>alert(1)</script>" in text for text in quotes)
    assert any(QUOTES[1].split(",")[0] in text for text in quotes)
    assert any(text.startswith("— ") and "Droit des étrangers" in text for text in texts)
    xml = package.read("word/document.xml").decode()
    for element in ("w:fldSimple", "w:instrText", "w:hyperlink"):
        assert element not in xml


def test_the_page_lists_the_approved_verbatims_by_axis_and_the_themes(client, auth, make_user, quoted):
    auth.login(make_user(Role.COMMUNICATION))
    page = client.get("/report/?annee=2025")
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    tree = parse(html)
    section = tree.by_id("verbatims")
    assert [h.text for h in section.find_all("h3")] == ["Linguistique, intégration & discriminations"]
    assert len(section.find_all("blockquote")) == 2  # the third comment is not approved
    assert QUOTES[2] not in html
    themes = tree.by_id("t-themes")
    assert themes is not None and any(int(number(td.text)) >= 2 for td in themes.find_all("td", class_="num")[:1])
    cloud = tree.by_id("themes").find("img")
    assert client.get(cloud.get("src")).data.startswith(b"\x89PNG")


# --- The JSON command, and the page agreeing with it ---------------------------------------------------------


def test_the_json_command_takes_a_period_and_filters_and_refuses_bad_ones(runner, centre):
    data = report_json(runner, "--period", "2025", "--department", "94", "--axis", "politique-ville")
    assert data["filters"] == {
        "axis": "politique-ville",
        "department": "94",
        "modality": None,
        "training": None,
        "speaker": None,
    }
    assert data["scope"] == {"annee": "2025", "axe": "politique-ville", "dept": "94"} and data["notices"] == []
    assert data["figures"]["participations"]["value"] == 37
    assert data["satisfaction"]["n"] == 3 and data["satisfaction"]["rate"] is None
    default = report_json(runner)
    assert default["period"]["label"] == "2025"
    for period in ("2025-02-30:2025-03-01", "20251", "2025-T5", "2025-01-01:"):
        result = runner.invoke(args=["report", "--period", period, "--json"])
        assert result.exit_code == 2 and "Période illisible" in result.output, period
    # Reversed dates are swapped, as on every page, and the command says so on stderr (the JSON stays readable).
    reversed_dates = runner.invoke(args=["report", "--period", "2025-06-30:2025-01-01", "--json"])
    assert reversed_dates.exit_code == 0
    assert "Dates inversées : la période affichée va du 01/01/2025 au 30/06/2025." in reversed_dates.stderr
    assert (
        json.loads(reversed_dates.stdout)["period"]
        == report_json(runner, "--period", "2025-01-01:2025-06-30")["period"]
    )
    assert report_json(runner, "--period", "2025-T1")["period"]["label"] == "T1 2025"
    # Every year: the catalogue's years, 2024 and 2025.
    assert report_json(runner, "--period", "toutes")["period"] == {
        "start": "2024-01-01",
        "end": "2025-12-31",
        "label": "du 01/01/2024 au 31/12/2025",
    }
    summary = runner.invoke(args=["report", "--period", "2025"])
    assert summary.exit_code == 0 and "participations : 57 (+27)" in summary.output


def test_the_page_and_the_json_give_the_same_numbers(client, auth, make_user, runner, quoted):
    data = report_json(runner, "--period", "2025")
    auth.login(make_user(Role.MANAGER))
    tree = page_of(client, "/report/?annee=2025")
    for key, figure in data["figures"].items():
        shown = number(tree.by_id(f"f-{key}").find(class_="big").text)
        assert shown == (None if figure["value"] is None else round(figure["value"], 1)), key
    for table, rows in (("t-department", "by_department"), ("t-axis", "by_axis"), ("t-modality", "by_modality")):
        page_rows = rows_of(tree, table)
        assert set(page_rows) == {row["key"] for row in data[rows]}
        for row in data[rows]:
            cells = [number(cell) for cell in page_rows[row["key"]]]
            visits = None if row["average_visits"] is None else round(row["average_visits"], 1)
            expected = [row["participations"], row["distinct_participants"], visits, row["half_days"], row["sessions"]]
            assert cells == expected, (table, row["key"])
    for table, rows in (
        ("t-satisfaction_axis", "satisfaction_by_axis"),
        ("t-satisfaction_modality", "satisfaction_by_modality"),
    ):
        page_rows = rows_of(tree, table)
        for row in data[rows]:
            cells = page_rows[row["key"]]
            assert [number(cells[0]), number(cells[1])] == [row["sessions"], row["responses"]]
            rate = row["satisfaction"]["rate"]
            if rate is None:
                assert cells[3] == "trop peu de réponses"
            else:
                assert number(cells[3].split("(")[0]) == round(rate * 100)
    profiles = rows_of(tree, "t-profile")
    assert {key: number(cells[0]) for key, cells in profiles.items()} == {
        row["key"]: row["responses"] for row in data["by_profile"]
    }
    assert number(tree.by_id("f-satisfaction").find("strong").text) == round(data["satisfaction"]["rate"] * 100)
    on_page = [bq.text for bq in tree.by_id("verbatims").find_all("blockquote")]
    in_json = [f"« {q['text']} »" for group in data["verbatims"] for q in group["quotes"]]
    assert on_page == in_json and any(text.startswith("« =HYPERLINK(") for text in on_page)
    themes = {tr.find("th").text: number(tr.find("td").text) for tr in tree.by_id("t-themes").find_all("tr")[1:]}
    assert themes == {t["theme"]: t["comments"] for t in data["themes"]["top"]}


def test_an_empty_period_says_so_without_an_error(client, auth, make_user, runner):
    auth.login(make_user(Role.ADMIN))
    tree = page_of(client, "/report/?annee=2030")
    assert "Aucune session pour ces filtres." in tree.by_id("t-axis").text
    assert "Aucune citation approuvée" in tree.by_id("verbatims").text
    assert client.get("/report/rapport.docx?annee=2030").status_code == 200
    assert (
        load_workbook(io.BytesIO(client.get("/report/rapport.xlsx?annee=2030").data)).sheetnames[0] == "Chiffres clés"
    )
    # No session in 2029 either: nothing to compare with.
    assert report_json(runner, "--period", "2030")["figures"]["sessions"] == {
        "value": 0,
        "previous": None,
        "change": None,
        "change_ratio": None,
        "reason": None,
        "previous_reason": "pas de comparaison : aucune session en 2029 pour ces filtres",
    }
