"""The report's writers without an app: horizontal bar charts (SVG and PNG), workbooks of several sheets, documents
with tables and pictures. Participant text stays inert in each."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from docx import Document
from openpyxl import load_workbook
from PIL import Image

from feedback.charts import Bar, bar_chart, bar_chart_png
from feedback.exports import (
    Column,
    ExportDocument,
    ExportTable,
    Paragraph,
    Picture,
    to_docx,
    to_markdown,
    to_xlsx_workbook,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script>" onload="x &amp;'


def test_bar_chart_is_well_formed_escapes_labels_and_draws_only_shown_values():
    bars = [Bar(HOSTILE, (12, 30)), Bar("Essonne (91)", (None, 7)), Bar("Val-de-Marne (94)", (0, 1500))]
    svg = str(bar_chart(bars, title="Jours & <demi-journées>", chart_id="jours", series=("2024", "2025")))
    root = ET.fromstring(svg)  # raises on any unescaped markup
    assert root.get("role") == "img" and root.get("aria-labelledby") == "jours-title jours-desc"
    assert root.find(f"{SVG}title").text == "Jours & <demi-journées>"
    assert "<script>" not in svg and " style=" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert HOSTILE in texts and "1\u202f500" in texts and "trop peu de réponses" in texts
    assert len(root.findall(f"{SVG}rect")) == 2 + 5  # the legend's two squares, one bar per value shown
    desc = root.find(f"{SVG}desc").text
    assert "Val-de-Marne (94) : 2024 0, 2025 1\u202f500" in desc


def test_bar_lengths_follow_the_values_and_rates_are_out_of_100_percent():
    root = ET.fromstring(str(bar_chart([Bar("a", (0.5,)), Bar("b", (1.0,))], title="t", chart_id="c", percent=True)))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == 2 * widths[0]
    assert [t.text for t in root.iter(f"{SVG}text")][1::2] == ["50\u202f%", "100\u202f%"]


def test_bar_chart_png_is_a_picture_of_the_same_chart():
    content = bar_chart_png([Bar("Bip\x07 nul\x00 " + HOSTILE, (3,)), Bar("Autre", (None,))], title="Titre\x0c")
    picture = Image.open(io.BytesIO(content))
    assert content.startswith(b"\x89PNG") and picture.format == "PNG" and picture.size[0] == 1280
    colours = {colour for _count, colour in picture.convert("RGB").getcolors(100_000)}
    assert (0x1D, 0x4E, 0xD8) in colours  # the bar, drawn


def test_a_workbook_has_one_sheet_per_table_with_unique_names_and_neutral_cells():
    columns = [Column("label", "=Libellé"), Column("rate", "Taux", "0%"), Column("n", "n")]
    tables = [
        ExportTable("Satisfaction par département et par modalité", columns, [{"label": "=1+1", "rate": 0.85, "n": 4}]),
        ExportTable("Satisfaction par département et par modalité", columns, [{"label": "@SUM(A1)", "rate": None}]),
        ExportTable("Thèmes: [a]/b?", columns, [{"label": "\x00ok\x1f", "rate": 1.0, "n": True}]),
    ]
    workbook = load_workbook(io.BytesIO(to_xlsx_workbook(tables)))
    assert workbook.sheetnames == [
        "Satisfaction par département et",  # 31 characters, Excel's limit
        "Satisfaction par départemen (2)",
        "Thèmes   a  b",
    ]
    first = workbook.worksheets[0]
    assert [c.value for c in first[1]] == ["'=Libellé", "Taux", "n"]
    assert [c.value for c in first[2]] == ["'=1+1", 0.85, 4]
    assert first["B2"].number_format == "0%" and first["C2"].number_format == "General"
    assert workbook.worksheets[1]["A2"].value == "'@SUM(A1)"
    assert workbook.worksheets[2]["A2"].value == "ok"


def test_a_document_holds_tables_and_pictures_as_plain_text():
    table = ExportTable(
        "Par axe",
        [Column("label", "Axe"), Column("n", "Participations"), Column("rate", "Taux", "0%")],
        [{"label": '{ DDEAUTO c:\\\\cmd "/k calc" } ' + HOSTILE, "n": 7411, "rate": 0.853}, {"label": "b", "n": None}],
    )
    picture = Picture(bar_chart_png([Bar("a", (1,))], title="t"), "Participations <par> axe")
    document = ExportDocument(
        "Rapport", [Paragraph("Chiffres", "heading"), table, picture, Paragraph("Axe", "subheading")]
    )
    content = to_docx(document)
    word = Document(io.BytesIO(content))
    cells = [[cell.text for cell in row.cells] for row in word.tables[0].rows]
    assert cells[0] == ["Axe", "Participations", "Taux"]
    assert cells[1] == ['{ DDEAUTO c:\\\\cmd "/k calc" } ' + HOSTILE, "7\u202f411", "85\u202f%"]
    assert cells[2] == ["b", "", ""]
    assert len(word.inline_shapes) == 1
    assert [p.style.name for p in word.paragraphs if p.text] == [
        "Title",
        "Heading 1",
        "Caption",
        "Caption",
        "Heading 2",
    ]
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert 'descr="Participations &lt;par&gt; axe"' in xml
    for element in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink"):
        assert element not in xml
    markdown = to_markdown(document).decode()
    assert "| Axe | Participations | Taux |" in markdown
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert "*Participations \\<par\\> axe*" in markdown and "### Axe" in markdown
