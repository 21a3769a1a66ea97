"""Scores: the managers' overview, a training's and a session's page, a trainer's own sessions."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from feedback.auth.access import (
    get_session_or_404,
    get_training_or_404,
    own_sessions,
    roles_required,
    sessions_visible_to,
    staff_only,
)
from feedback.dashboard import queries
from feedback.db import db, utcnow
from feedback.manage.forms import ConfirmForm
from feedback.manage.qr import qr_svg
from feedback.manage.views import public_url
from feedback.models import Response, Role, TrainingSession

bp = Blueprint("dashboard", __name__, url_prefix="/scores")


def _selected_year() -> int | None:
    """?year=2025; defaults to the latest year with responses; "all" for every year."""
    raw = request.args.get("year", "")
    if raw == "all":
        return None
    if raw.isdigit() and 1990 <= int(raw) <= 2100:
        return int(raw)
    latest = db.session.scalar(
        select(func.max(TrainingSession.start_date)).join(Response, Response.session_id == TrainingSession.id)
    )
    return latest.year if latest else utcnow().year


def _available_years() -> list[int]:
    dates = db.session.execute(select(func.min(TrainingSession.start_date), func.max(TrainingSession.start_date))).one()
    if dates[0] is None:
        return []
    return list(range(dates[1].year, dates[0].year - 1, -1))


@bp.get("/")
@roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)
def overview():
    """The centre's scores for a year: overall and per training."""
    year = _selected_year()
    start, end = queries.year_bounds(year) if year else (None, None)
    condition = queries.session_filter(start=start, end=end)
    return render_template(
        "dashboard/overview.html",
        year=year,
        years=_available_years(),
        total=queries.total_scores(condition),
        rows=queries.scores_by_training(condition),
        distributions=queries.scale_distributions(condition),
    )


@bp.get("/mine")
@staff_only
def my_sessions():
    """A trainer's own sessions with their scores (empty for staff not linked to a speaker)."""
    condition = queries.session_filter(sessions=own_sessions(current_user))
    return render_template(
        "dashboard/my_sessions.html",
        total=queries.total_scores(condition),
        rows=queries.scores_by_session(condition),
        distributions=queries.scale_distributions(condition),
    )


@bp.get("/trainings/<int:training_id>")
@staff_only
def training(training_id: int):
    """A training's satisfaction rate and its sessions (a trainer sees only their own sessions)."""
    training = get_training_or_404(training_id)
    whole_training = queries.session_filter(training_id=training.id)
    visible = queries.session_filter(sessions=sessions_visible_to(current_user), training_id=training.id)
    return render_template(
        "dashboard/training.html",
        training=training,
        total=queries.total_scores(whole_training),
        rows=queries.scores_by_session(visible),
        distributions=queries.scale_distributions(visible),
    )


@bp.get("/sessions/<int:session_id>")
@staff_only
def session(session_id: int):
    """A session's scores; managers also get its link, QR code and opening controls."""
    session = get_session_or_404(session_id)
    condition = TrainingSession.id == session.id
    context = {}
    if current_user.can_manage:
        url = public_url(session)
        context = {
            "public_url": url,
            "qr": qr_svg(url, scale=5, title="QR code du questionnaire"),
            "confirm_form": ConfirmForm(),
        }
    return render_template(
        "dashboard/session.html",
        session=session,
        scores=queries.total_scores(condition),
        training_scores=queries.total_scores(queries.session_filter(training_id=session.training_id)),
        distributions=queries.scale_distributions(condition),
        now=utcnow(),
        min_answers=current_app.config["MIN_ANSWERS_FOR_RATE"],
        **context,
    )
