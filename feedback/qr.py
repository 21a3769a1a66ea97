"""QR codes of a session's public link (segno)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 8, title: str | None = None) -> str:
    """An SVG element to inline in a page (no XML declaration)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        xmldecl=False,
        svgns=True,
        nl=False,
        title=title,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 16) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
