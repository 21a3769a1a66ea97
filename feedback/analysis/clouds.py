"""Word clouds of themes: drawn by the wordcloud package from theme counts, never from raw text.

wordcloud's `generate(text)` tokenises with English rules and stop words; the themes are French phrases already
counted, so the cloud is drawn with `generate_from_frequencies`. The font is DejaVu Sans (shipped with
matplotlib, which wordcloud depends on: every accent of French and "œ" are in it), the layout and colours use a
fixed random state, so the same counts always give the same picture, byte for byte. Pictures are cached on disk
under a key made of the counts: new comments change the counts, hence the key.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

FORMATS = ("png", "svg")
WIDTH, HEIGHT = 900, 450
RANDOM_STATE = 2025
MAX_WORDS = 60
#: Raise when the drawing changes (size, colours, font): old cached pictures are then not reused.
DRAWING_REVISION = 1
#: Pictures kept on disk; the oldest go first (a few hundred kilobytes each at most).
MAX_CACHED_FILES = 400
#: Dark colours only: every word stays readable on white (WCAG contrast 4.5:1 or more).
PALETTE = ("#1f4f82", "#14532d", "#7a2e5c", "#8a3b08", "#234e5c", "#4a3f8c")

#: Characters XML 1.0 refuses: a word carrying one would make the SVG unreadable.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EMBEDDED_FONT_RE = re.compile(r"(data:application/font-woff;charset=utf-8;base64,)([A-Za-z0-9+/=]+)")


@cache
def font_path() -> str:
    """DejaVu Sans from matplotlib, else the system's, else wordcloud's own Droid Sans Mono (all have "œ")."""
    candidates = []
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:  # pragma: no cover - wordcloud requires matplotlib
        pass
    candidates.append(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    import wordcloud

    candidates.append(Path(wordcloud.__file__).resolve().parent / "DroidSansMono.ttf")
    return str(next(path for path in candidates if path.exists()))


def clean_frequencies(frequencies: Mapping[str, int]) -> list[tuple[str, int]]:
    """Words made XML-safe and merged, most said first then alphabetical: the order the layout depends on."""
    merged: dict[str, int] = {}
    for word, count in frequencies.items():
        word = " ".join(_NOT_XML_RE.sub("", str(word)).split())
        if word and count > 0:
            merged[word] = max(merged.get(word, 0), int(count))
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:MAX_WORDS]


def _colour(
    word: str,
    font_size: int,
    position: tuple[int, int],
    orientation: int | None,
    random_state: random.Random | None = None,
    **kwargs: object,
) -> str:
    """A palette colour drawn from the cloud's own seeded Random: the same counts give the same colours."""
    return PALETTE[random_state.randrange(len(PALETTE))] if random_state is not None else PALETTE[0]


def cloud_key(frequencies: Mapping[str, int], file_format: str) -> str:
    """The cache key: a digest of the counts and of everything that changes the drawing."""
    payload = json.dumps(
        {
            "words": clean_frequencies(frequencies),
            "format": file_format,
            "size": [WIDTH, HEIGHT],
            "font": Path(font_path()).name,
            "seed": RANDOM_STATE,
            "revision": DRAWING_REVISION,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def render_cloud(frequencies: Mapping[str, int], file_format: str) -> bytes:
    """The cloud as PNG or SVG (font embedded); an empty scope gives an empty picture, not an error."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    from wordcloud import WordCloud

    # fontTools reports every table it leaves out of the subset font ("FFTM NOT subset"): not our concern.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    words = clean_frequencies(frequencies)
    cloud = WordCloud(
        width=WIDTH,
        height=HEIGHT,
        font_path=font_path(),
        background_color="white",
        color_func=_colour,
        random_state=RANDOM_STATE,  # a new cloud each time: its Random starts from the same seed
        max_words=MAX_WORDS,
        prefer_horizontal=0.95,
        relative_scaling=0.5,
        min_font_size=10,
        include_numbers=True,
        normalize_plurals=False,
        collocations=False,
    )
    if not words:
        return _empty_picture(file_format)
    cloud.generate_from_frequencies(dict(words))
    if file_format == "svg":
        # wordcloud escapes each word with xml.sax.saxutils.escape; the words were made XML-safe above.
        _close_subset_fonts()
        return _fixed_font_timestamp(cloud.to_svg(embed_font=True)).encode("utf-8")
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _empty_picture(file_format: str) -> bytes:
    if file_format == "svg":
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}">'
            '<rect width="100%" height="100%" style="fill:white"></rect></svg>'
        ).encode()
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (WIDTH, HEIGHT), "white").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _close_subset_fonts() -> None:
    """wordcloud's to_svg opens the font file through fontTools.subset.load_font and never closes it (a file
    handle left to the garbage collector, and a ResourceWarning): hand fontTools the bytes instead."""
    import fontTools.subset

    if getattr(fontTools.subset.load_font, "reads_bytes", False):
        return
    original = fontTools.subset.load_font

    def load_font(font_file: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(font_file, str | os.PathLike):
            font_file = io.BytesIO(Path(font_file).read_bytes())
        return original(font_file, *args, **kwargs)

    load_font.reads_bytes = True  # type: ignore[attr-defined]
    fontTools.subset.load_font = load_font


def _fixed_font_timestamp(svg: str) -> str:
    """fontTools stamps the embedded font with the time it was saved: stamp it with the font's own date instead."""
    from fontTools.ttLib import TTFont

    def restamp(match: re.Match[str]) -> str:
        font = TTFont(io.BytesIO(base64.b64decode(match.group(2))), recalcTimestamp=False)
        font["head"].modified = font["head"].created
        buffer = io.BytesIO()
        font.save(buffer)
        return match.group(1) + base64.b64encode(buffer.getvalue()).decode("ascii")

    return _EMBEDDED_FONT_RE.sub(restamp, svg, count=1)


def cached_file(directory: Path, name: str, produce: Callable[[], bytes]) -> tuple[bytes, bool]:
    """(content, whether it came from the cache): read `directory/name`, else produce and write it atomically
    (two workers never read half a file). The oldest files go beyond MAX_CACHED_FILES."""
    path = directory / name
    try:
        return path.read_bytes(), True
    except FileNotFoundError:
        pass
    content = produce()
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
    _prune(directory)
    return content, False


def _prune(directory: Path) -> None:
    files = [entry for entry in os.scandir(directory) if entry.is_file() and not entry.name.endswith(".part")]
    if len(files) <= MAX_CACHED_FILES:
        return
    files.sort(key=_modified)
    for entry in files[: len(files) - MAX_CACHED_FILES]:
        Path(entry.path).unlink(missing_ok=True)


def _modified(entry: os.DirEntry[str]) -> float:
    """Its modification time; 0 for a file another process (a web worker, the queue's consumer) pruned meanwhile."""
    try:
        return entry.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def cached_cloud(frequencies: Mapping[str, int], file_format: str, directory: Path) -> tuple[bytes, bool]:
    """The cloud of these counts, drawn once: the file is named after the counts (`cloud_key`)."""
    name = f"{cloud_key(frequencies, file_format)}.{file_format}"
    return cached_file(directory, name, lambda: render_cloud(frequencies, file_format))
