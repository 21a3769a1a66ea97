"""What the API takes from other areas, in one place.

The scope (feedback/scope.py) and the score SQL (feedback/scores.py) are shared modules, imported directly by the
views. The rest still lives in areas: the catalogue operations and the QR code (manage), the comment reads (quotes)
and the report (report). TODO(issue 17, shared layers): when those move below the areas, point these names at the
shared modules and delete the area imports below; no other module of the API imports an area.
"""

from __future__ import annotations

from feedback.manage.operations import close_session, create_session, open_session, update_session
from feedback.manage.qr import qr_svg
from feedback.quotes.filters import CommentFilters
from feedback.quotes.queries import approved_quotes
from feedback.quotes.themes import comment_themes, themes_for
from feedback.report.queries import build_report

__all__ = [
    "CommentFilters",
    "approved_quotes",
    "build_report",
    "close_session",
    "comment_themes",
    "create_session",
    "open_session",
    "qr_svg",
    "themes_for",
    "update_session",
]
