"""What the API takes from the quotes and report areas, in one place (a known debt of the layers contract).

The scope (feedback/scope.py), the scores (feedback/scores.py), the catalogue's operations (feedback/catalogue/) and
the QR code (feedback/qr.py) are shared modules below the areas, imported directly. The comment reads and themes
(quotes) and the report's figures (report) still live in areas. TODO(issue 17, shared layers): when they move below
the areas, point these names at the shared modules, delete this module and its two lines of `ignore_imports` in
pyproject.toml; no other module of the API imports an area.
"""

from __future__ import annotations

from feedback.quotes.filters import CommentFilters
from feedback.quotes.queries import approved_quotes
from feedback.quotes.themes import comment_themes, themes_for
from feedback.report.queries import build_report

__all__ = [
    "CommentFilters",
    "approved_quotes",
    "build_report",
    "comment_themes",
    "themes_for",
]
