"""The one disclosure rule: what a figure from too few answers may show, for every page, download and script.

A rate, a distribution, a mean, a net score, a chart's bar or the comments of a questionnaire that promises
anonymity, derived from fewer than `MIN_ANSWERS_FOR_RATE` answers, would tell who answered what in a small group:
none of them is shown to anyone but admins (their threshold is 0). How many answered (n) is always shown, so the
page can say why a figure is missing (« trop peu de réponses ») instead of showing a 0.

`discloses(n, threshold)` is the rule; `threshold(user)` is whom it applies to; `withheld_comment_sessions` is the
same rule for comments, written in SQL so that a page of comments filters them out in its query. Dashboard,
report, quotes, exports, templates (the `shown(n)` global of feedback/web.py) and `flask report --json` all
call these.
"""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import Select, func, select

from feedback.models import Questionnaire, Response, TrainingSession

#: What a page, a file or a chart says in place of a figure the rule hides.
TOO_FEW_ANSWERS = "trop peu de réponses"


def threshold(user=None) -> int:
    """The fewest answers a figure must come from to be shown to `user` (the request's by default); 0 for admins.

    Outside a request (the CLI, a script) the rule applies in full, as for anyone but an admin.
    """
    if user is None and has_request_context():
        user = current_user
    if user is not None and getattr(user, "is_admin", False):
        return 0
    return current_app.config["MIN_ANSWERS_FOR_RATE"]


def discloses(n: int | None, threshold: int) -> bool:
    """Whether a figure derived from `n` answers may be shown to a viewer with this threshold (see `threshold`)."""
    return n is not None and n > 0 and n >= threshold


def discloses_comments(responses: int | None, is_anonymous: bool, threshold: int) -> bool:
    """A session's comments: hidden below the threshold when its questionnaire promises anonymity."""
    return not is_anonymous or discloses(responses, threshold)


def withheld_comment_sessions(threshold: int) -> Select:
    """The ids of the sessions whose comments `discloses_comments` hides at this threshold, as one SELECT."""
    counts = select(Response.session_id, func.count(Response.id).label("n")).group_by(Response.session_id).subquery()
    return (
        select(TrainingSession.id)
        .join(Questionnaire, Questionnaire.id == TrainingSession.questionnaire_id)
        .outerjoin(counts, counts.c.session_id == TrainingSession.id)
        .where(Questionnaire.is_anonymous.is_(True), func.coalesce(counts.c.n, 0) < threshold)
    )
