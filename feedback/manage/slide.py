"""A slide-sized image (1920 × 1080) of a session's QR code and short link, for the last slide of a presentation.

One layout, computed once with the real font metrics, is drawn twice: as PNG with Pillow and as SVG text. It takes
plain values (no Flask, no database) so that it can be tested and reused anywhere.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr  # noqa: S406 (escapes our own output, parses nothing)

import segno
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1920, 1080
MARGIN = 96
#: The text column on the left; the QR code fills the right.
TEXT_WIDTH = 880
QR_BOX = 800
QR_BORDER = 2  # modules of quiet zone drawn in white around the code
LINK_BAND_TOP = 920
BLUE, INK, GREY, BAND = "#1f4f82", "#111111", "#444444", "#eef3f9"

FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono-Bold.ttf"}
SVG_FAMILIES = {
    "regular": ("'DejaVu Sans', Verdana, Arial, sans-serif", "normal"),
    "bold": ("'DejaVu Sans', Verdana, Arial, sans-serif", "bold"),
    "mono": ("'DejaVu Sans Mono', Menlo, Consolas, monospace", "bold"),
}
#: Where Debian (fonts-dejavu-core), other Linux distributions, macOS and Windows keep fonts.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu-sans-mono-fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/Library/Fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
FONT_TREES = ("/usr/share/fonts", "/usr/local/share/fonts")
#: Characters XML 1.0 refuses even escaped, and line breaks (the slide's lines are ours to break).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class TextItem:
    """One line of text; `y` is its baseline."""

    text: str
    x: float
    y: float
    size: int
    style: str  # a key of FONT_FILES
    fill: str
    anchor: str = "start"  # or "middle"


@dataclass(frozen=True)
class SlideLayout:
    texts: list[TextItem]
    #: Rows of the QR code (True = dark), quiet zone included.
    qr_matrix: list[list[bool]]
    qr_x: int
    qr_y: int
    qr_module: int
    title: str

    @property
    def qr_size(self) -> int:
        return len(self.qr_matrix) * self.qr_module


# -- fonts -------------------------------------------------------------------------------------------------------


@lru_cache
def font_path(filename: str) -> Path | None:
    """The font file if the machine has it (fonts-dejavu-core on Debian), else None."""
    for folder in FONT_DIRS:
        candidate = Path(folder).expanduser() / filename
        if candidate.is_file():
            return candidate
    for tree in FONT_TREES:
        root = Path(tree)
        if root.is_dir():
            found = sorted(root.rglob(filename))
            if found:
                return found[0]
    return None


@lru_cache(maxsize=128)
def load_font(style: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu when present; Pillow's own font at the same size otherwise, so that a bare machine still draws."""
    path = font_path(FONT_FILES[style])
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def text_width(text: str, style: str, size: int) -> float:
    return load_font(style, size).getlength(text)


# -- layout ------------------------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """One line of printable text: control characters dropped, whitespace collapsed."""
    return _SPACES.sub(" ", _UNPRINTABLE.sub("", text)).strip()


def shown_link(url: str) -> str:
    """The link as people read it aloud and type it: browsers add https:// themselves."""
    return url.removeprefix("https://")


def wrap(text: str, style: str, size: int, width: float) -> list[str]:
    """Break the text into lines no wider than `width`; a word too long for a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, style, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, style, size) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and text_width(current[:cut], style, size) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _ellipsize(line: str, style: str, size: int, width: float) -> str:
    """The line ended with "…", shortened until it fits."""
    line = line.rstrip()
    while line and text_width(line + "…", style, size) > width:
        line = line[:-1].rstrip()
    return line + "…"


def _fit_lines(text: str, style: str, sizes: tuple[int, ...], width: float, max_lines) -> tuple[int, list[str]]:
    """The largest size at which the text fits in `max_lines(size)` lines, with whole words if any size allows it;
    cut with "…" at the smallest size otherwise."""
    for whole_words in (True, False):
        for size in sizes:
            lines = wrap(text, style, size, width)
            if len(lines) <= max_lines(size) and (not whole_words or " ".join(lines) == text):
                return size, lines
    size = sizes[-1]
    lines = wrap(text, style, size, width)[: max_lines(size)]
    lines[-1] = _ellipsize(lines[-1], style, size, width)
    return size, lines


def slide_layout(title: str, when: str, url: str) -> SlideLayout:
    """Where every line and the QR code go on a 1920 × 1080 slide."""
    title, when = clean(title) or "Questionnaire", clean(when)
    link = shown_link(clean(url))
    texts: list[TextItem] = []

    kicker_y = 150
    texts.append(TextItem("VOTRE AVIS COMPTE", MARGIN, kicker_y, 44, "bold", BLUE))

    # The call to action sits just above the link band; the date (one or two lines) above it; the title gets the
    # rest: long titles shrink, then wrap, then are cut.
    cta_y = 820
    when_size, when_lines = _fit_lines(when, "regular", (44, 38), TEXT_WIDTH, lambda s: 2) if when else (44, [])
    when_step = round(when_size * 1.25)
    when_y = cta_y - 44 - 40 - (len(when_lines) - 1) * when_step
    title_top, title_bottom = kicker_y + 40, when_y - 80 if when_lines else cta_y - 100

    def title_lines_allowed(size: int) -> int:
        return 1 + int((title_bottom - title_top - size) // round(size * 1.18))

    size, lines = _fit_lines(title, "bold", (100, 84, 76, 68, 60, 54), TEXT_WIDTH, title_lines_allowed)
    y = title_top + size
    for line in lines:
        texts.append(TextItem(line, MARGIN, y, size, "bold", INK))
        y += round(size * 1.18)
    y = y - round(size * 1.18) + 80
    for line in when_lines:
        texts.append(TextItem(line, MARGIN, y, when_size, "regular", GREY))
        y += when_step

    for i, line in enumerate(("Scannez le QR code", "ou tapez l’adresse ci-dessous")):
        texts.append(TextItem(line, MARGIN, cta_y + i * 52, 44, "regular", INK))

    texts.extend(_link_lines(link))

    qr = segno.make(url, error="m")
    matrix = [[bool(module) for module in row] for row in qr.matrix_iter(scale=1, border=QR_BORDER)]
    module = QR_BOX // len(matrix)
    qr_size = module * len(matrix)
    qr_x = WIDTH - MARGIN - qr_size
    qr_y = MARGIN + (QR_BOX - qr_size) // 2
    return SlideLayout(texts, matrix, qr_x, qr_y, module, title)


def _link_lines(link: str) -> list[TextItem]:
    """The short link across the bottom band, as large as fits; a very long one goes on two lines."""
    width = WIDTH - 2 * MARGIN
    size = min(96, int(width * 100 / max(text_width(link, "mono", 100), 1)))
    centre = WIDTH / 2
    if size >= 56:
        return [TextItem(link, centre, 1030, size, "mono", INK, "middle")]
    head, sep, code = link.rpartition("/s/")
    parts = [head, sep + code] if sep else [link[: len(link) // 2], link[len(link) // 2 :]]
    size = min(64, *(int(width * 100 / max(text_width(p, "mono", 100), 1)) for p in parts))
    return [TextItem(p, centre, 990 + i * round(size * 1.1), size, "mono", INK, "middle") for i, p in enumerate(parts)]


# -- drawing -----------------------------------------------------------------------------------------------------


def slide_png(title: str, when: str, url: str) -> bytes:
    """The slide as a 1920 × 1080 PNG."""
    layout = slide_layout(title, when, url)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, LINK_BAND_TOP, WIDTH, HEIGHT), fill=BAND)
    for item in layout.texts:
        font = load_font(item.style, item.size)
        x = item.x - font.getlength(item.text) / 2 if item.anchor == "middle" else item.x
        if isinstance(font, ImageFont.FreeTypeFont):
            draw.text((x, item.y), item.text, font=font, fill=item.fill, anchor="ls")
        else:  # a bitmap font knows no baseline anchor
            draw.text((x, item.y - item.size), item.text, font=font, fill=item.fill)
    m = layout.qr_module
    for row, modules in enumerate(layout.qr_matrix):
        for col, dark in enumerate(modules):
            x, y = layout.qr_x + col * m, layout.qr_y + row * m
            draw.rectangle((x, y, x + m - 1, y + m - 1), fill="black" if dark else "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def slide_svg(title: str, when: str, url: str) -> str:
    """The slide as a standalone 1920 × 1080 SVG document; every text is escaped."""
    layout = slide_layout(title, when, url)
    m = layout.qr_module
    path = []
    for row, modules in enumerate(layout.qr_matrix):
        col = 0
        while col < len(modules):  # one rectangle per run of dark modules keeps the file small
            if not modules[col]:
                col += 1
                continue
            start = col
            while col < len(modules) and modules[col]:
                col += 1
            x, y, run = layout.qr_x + start * m, layout.qr_y + row * m, (col - start) * m
            path.append(f"M{x},{y}h{run}v{m}h-{run}z")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label={quoteattr("Questionnaire : " + layout.title)}>',
        f"<title>{escape(layout.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<rect y="{LINK_BAND_TOP}" width="{WIDTH}" height="{HEIGHT - LINK_BAND_TOP}" fill="{BAND}"/>',
        f'<rect x="{layout.qr_x}" y="{layout.qr_y}" width="{layout.qr_size}" height="{layout.qr_size}" fill="#fff"/>',
        f'<path fill="#000000" d="{"".join(path)}"/>',
    ]
    for item in layout.texts:
        family, weight = SVG_FAMILIES[item.style]
        parts.append(
            f'<text x="{item.x:g}" y="{item.y:g}" font-family={quoteattr(family)} font-weight="{weight}" '
            f'font-size="{item.size}" fill="{item.fill}" text-anchor="{item.anchor}">{escape(item.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
