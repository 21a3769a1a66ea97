"""Word clouds from theme counts: the same counts give the same picture, every French letter is drawn, the SVG is
well-formed whatever the words, and pictures are cached on disk under a key made of the counts."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ElementTree

from fontTools.ttLib import TTFont
from PIL import Image

from feedback.analysis.clouds import HEIGHT, WIDTH, cached_cloud, cached_file, cloud_key, font_path, render_cloud

COUNTS = {"échange riche": 40, "cas pratique": 31, "œuvre collective": 12, "réseau": 22, "intervenant": 25, "temps": 9}
FRENCH = "œŒæÆéèêëàâäîïôöùûüÿçÉÈÊÀÂÎÔÙÛÇ«»’"
SVG = "{http://www.w3.org/2000/svg}"


def test_the_font_has_every_french_letter_and_oe():
    with TTFont(font_path()) as font:
        cmap = font.getBestCmap()
    assert [c for c in FRENCH if ord(c) not in cmap] == []
    assert "DejaVuSans" in font_path() or "DroidSans" in font_path()


def test_the_same_counts_give_the_same_picture_byte_for_byte():
    for file_format in ("png", "svg"):
        first = render_cloud(COUNTS, file_format)
        assert render_cloud(dict(reversed(list(COUNTS.items()))), file_format) == first  # order given is irrelevant
        assert render_cloud({**COUNTS, "temps": 10}, file_format) != first


def test_the_png_is_a_picture_of_the_words():
    image = Image.open(io.BytesIO(render_cloud(COUNTS, "png")))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    colours = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    assert len(colours) > 2  # words drawn on the white background, not a blank picture


def test_the_svg_embeds_its_font_with_oe_and_accents():
    svg = render_cloud(COUNTS, "svg").decode()
    root = ElementTree.fromstring(svg)
    words = {node.text for node in root.iter(f"{SVG}text")}
    assert words == set(COUNTS)
    embedded = re.search(r"base64,([A-Za-z0-9+/=]+)", svg)
    assert embedded, "embed_font=True puts the font in the SVG"
    font = TTFont(io.BytesIO(base64.b64decode(embedded.group(1))))
    cmap = font.getBestCmap()
    # The font is cut down to the letters of the words, "œ" and "é" among them: none drawn as a missing glyph.
    assert {"œ", "é"} <= {chr(code) for code in cmap}
    assert [c for word in COUNTS for c in word if c != " " and ord(c) not in cmap] == []


def test_hostile_words_stay_text_in_a_well_formed_svg():
    hostile = {
        "<script>alert(1)</script>": 5,
        '"><img src=x onerror=alert(1)>': 4,
        "a & b": 3,
        "javascript:alert(1)": 2,
        "bip\x07\x00\ufffe": 2,
    }
    svg = render_cloud(hostile, "svg").decode()
    root = ElementTree.fromstring(svg)  # well-formed XML
    words = {node.text for node in root.iter(f"{SVG}text")}
    assert words == {
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "a & b",
        "javascript:alert(1)",
        "bip",
    }
    assert "<script" not in svg and "<img" not in svg
    assert list(root.iter(f"{SVG}script")) == [] and list(root.iter(f"{SVG}image")) == []


def test_no_theme_gives_an_empty_picture_not_an_error():
    assert Image.open(io.BytesIO(render_cloud({}, "png"))).size == (WIDTH, HEIGHT)
    assert ElementTree.fromstring(render_cloud({}, "svg")).tag == f"{SVG}svg"


def test_pictures_are_cached_under_the_key_of_their_counts(tmp_path):
    content, cached = cached_cloud(COUNTS, "png", tmp_path)
    assert not cached
    assert (tmp_path / f"{cloud_key(COUNTS, 'png')}.png").read_bytes() == content
    again, cached = cached_cloud(dict(COUNTS), "png", tmp_path)
    assert cached and again == content
    # New comments change the counts, hence the key: a new picture.
    _, cached = cached_cloud({**COUNTS, "réseau": 23}, "png", tmp_path)
    assert not cached
    assert len(list(tmp_path.glob("*.png"))) == 2


def test_the_cache_keeps_a_bounded_number_of_files(tmp_path, monkeypatch):
    import feedback.analysis.clouds as clouds

    monkeypatch.setattr(clouds, "MAX_CACHED_FILES", 3)
    for number in range(5):
        cached_file(tmp_path, f"{number}.bin", lambda number=number: str(number).encode())
    assert len(list(tmp_path.iterdir())) == 3
    assert cached_file(tmp_path, "4.bin", lambda: b"other") == (b"4", True)
