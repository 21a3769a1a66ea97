"""Control characters, U+FFFE/U+FFFF and lone surrogates in participant text: every spreadsheet export opens."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from feedback.exports import Column, ExportTable, to_csv, to_xlsx

#: What a phone, a paste or a forged request can put in a comment; XML 1.0 (so XLSX) refuses all of them.
REFUSED_BY_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\ufffe", "\uffff", "\ud800", "\udfff"]


@pytest.mark.parametrize("character", REFUSED_BY_XML, ids=[f"U+{ord(c):04X}" for c in REFUSED_BY_XML])
def test_xlsx_and_csv_exports_drop_the_character_and_keep_the_rest(character):
    table = ExportTable(
        title=f"Commentaires{character}",
        columns=[Column("text", f"Texte{character}"), Column("n", "n")],
        rows=[{"text": f"Très{character} bien\tet\nclair", "n": 3}, {"text": f"{character}=1+1", "n": 0}],
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Texte", "n"),
        ("Très bien\tet\nclair", 3),
        ("'=1+1", 0),  # once the character is gone, what is left is still never a formula
    ]
    csv_text = to_csv(table).decode("utf-8")  # encodes: no lone surrogate left
    assert character not in csv_text and "Très bien" in csv_text and "'=1+1" in csv_text
