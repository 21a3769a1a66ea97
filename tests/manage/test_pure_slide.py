"""The slide image's layout and drawing, without an app: everything fits, and a bare machine still draws it."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 (parses the module's own output)

import pytest
from PIL import Image

from feedback.manage import slide
from feedback.manage.slide import HEIGHT, MARGIN, TEXT_WIDTH, WIDTH, slide_layout, slide_png, slide_svg, text_width

URL = "https://retours.example.org/s/AbCdEfGhIjKl"
LONG_TITLE = " ".join(["Accueil des publics allophones et accès aux droits dans les quartiers prioritaires"] * 4)


def extent(item) -> tuple[float, float]:
    width = text_width(item.text, item.style, item.size)
    left = item.x - width / 2 if item.anchor == "middle" else item.x
    return left, left + width


@pytest.mark.parametrize("title", ["Réseau ASV", LONG_TITLE, "Anticonstitutionnellement" * 6])
def test_every_line_stays_on_the_slide_and_clear_of_the_qr_code(title):
    layout = slide_layout(title, "18 juin 2026 – 19 juin 2026 · Maison de quartier des Pyramides, Évry", URL)
    for item in layout.texts:
        left, right = extent(item)
        assert left >= MARGIN - 1 and right <= WIDTH - MARGIN + 1, item
        assert item.size <= item.y <= HEIGHT - item.size * 0.25, item  # ascenders and descenders on the slide
        if item.style != "mono":  # the left column never runs into the QR code
            assert right <= layout.qr_x - 40, item
    column = [item for item in layout.texts if item.style != "mono"]
    for upper, lower in zip(column, column[1:], strict=False):
        assert lower.y - upper.y >= 0.9 * lower.size, (upper, lower)  # lines never overlap


def test_a_long_title_shrinks_then_wraps_then_is_cut_with_an_ellipsis():
    layout = slide_layout(LONG_TITLE, "18 juin 2026", URL)
    title = [item for item in layout.texts if item.style == "bold" and item.text != "VOTRE AVIS COMPTE"]
    assert 3 <= len(title) <= 8
    assert all(text_width(item.text, "bold", item.size) <= TEXT_WIDTH for item in title)
    assert title[-1].text.endswith("…")
    assert title[0].size >= 54


def test_a_short_title_and_the_link_are_large_enough_to_read_from_the_back_of_a_room():
    layout = slide_layout("Réseau ASV", "18 juin 2026", URL)
    assert layout.texts[1].text == "Réseau ASV" and layout.texts[1].size >= 84
    (link,) = [item for item in layout.texts if item.style == "mono"]
    assert link.text == "retours.example.org/s/AbCdEfGhIjKl"  # browsers add https:// themselves
    assert link.size >= 80
    assert layout.qr_size >= 700 and layout.qr_module >= 20


def test_a_very_long_address_goes_on_two_lines_cut_before_the_code():
    url = "https://retours.centre-de-ressources-politique-de-la-ville-essonne-val-de-marne.example.org/s/AbCdEfGhIjKl"
    links = [item for item in slide_layout("Réseau", "", url).texts if item.style == "mono"]
    assert [item.text for item in links] == [
        "retours.centre-de-ressources-politique-de-la-ville-essonne-val-de-marne.example.org",
        "/s/AbCdEfGhIjKl",
    ]
    assert all(extent(item)[0] >= MARGIN - 1 and extent(item)[1] <= WIDTH - MARGIN + 1 for item in links)


def test_without_dejavu_pillows_own_font_draws_the_slide(monkeypatch):
    """A machine without fonts-dejavu-core still gets a slide, not an error."""
    monkeypatch.setattr(slide, "font_path", lambda filename: None)
    slide.load_font.cache_clear()
    try:
        image = Image.open(io.BytesIO(slide_png("Cohésion sociale & participation", "18 juin 2026", URL)))
        image.load()
        assert image.size == (WIDTH, HEIGHT)
        ET.fromstring(slide_svg("Cohésion sociale & participation", "18 juin 2026", URL))  # noqa: S314
    finally:
        slide.load_font.cache_clear()


def test_dejavu_is_found_when_installed():
    if not slide.font_path.__wrapped__("DejaVuSans.ttf"):
        pytest.skip("fonts-dejavu-core is not installed")
    assert type(slide.load_font("mono", 40)).__name__ == "FreeTypeFont"
    assert slide.load_font("mono", 40).getname()[0] == "DejaVu Sans Mono"
