"""The other areas' reads and operations the API serves, in one place.

TODO(issue 17, shared layers): the score SQL (feedback/dashboard/breakdowns.py), the URL scope
(dashboard.filters.ScoreFilters, report.filters.ReportFilters), the catalogue operations (manage/operations.py), the
report (report/queries.py) and the comment reads (quotes/) are being moved to shared modules (feedback/scope.py and
a shared score module) by another engineer. Until they land on main, this adapter is the API's only import of other
areas: when they do, point these names at the shared modules and delete the area imports below.
"""

from __future__ import annotations

from feedback.dashboard.breakdowns import breakdown, net_score_for, scores_for
from feedback.dashboard.filters import MAX_YEAR, MIN_YEAR, Dimension, ScoreFilters
from feedback.dashboard.queries import default_year
from feedback.manage.operations import close_session, create_session, open_session, update_session
from feedback.manage.qr import qr_svg
from feedback.quotes.filters import CommentFilters
from feedback.quotes.queries import approved_quotes
from feedback.quotes.themes import comment_themes, themes_for
from feedback.report.filters import PeriodError, ReportFilters
from feedback.report.queries import build_report

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "CommentFilters",
    "Dimension",
    "PeriodError",
    "ReportFilters",
    "ScoreFilters",
    "approved_quotes",
    "breakdown",
    "build_report",
    "close_session",
    "comment_themes",
    "create_session",
    "default_year",
    "net_score_for",
    "open_session",
    "qr_svg",
    "scores_for",
    "themes_for",
    "update_session",
]
