"""Scores: the managers' overview, a training's and a session's page, a trainer's own sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from feedback.analysis.statistics import Difference, SatisfactionRate, rate_difference
from feedback.auth.access import (
    get_session_or_404,
    get_training_or_404,
    own_sessions,
    roles_required,
    sessions_visible_to,
    staff_only,
)
from feedback.auth.forms import ConfirmForm
from feedback.charts import TrendPoint, trend_chart
from feedback.dashboard import queries
from feedback.dashboard.own_comments import own_session_comments
from feedback.dashboard.tables import breakdown_table
from feedback.db import db, utcnow
from feedback.disclosure import discloses, threshold
from feedback.exports import FORMATS, table_response
from feedback.kiosk_links import kiosk_url
from feedback.labels import (
    AXIS_LABELS,
    MODALITY_LABELS,
    NO_DEPARTMENT,
    department_choices,
    department_filter_label,
)
from feedback.models import Axis, Modality, Role, Speaker, Training, TrainingSession
from feedback.models.catalogue import session_speakers
from feedback.qr import qr_svg
from feedback.scope import Scope
from feedback.scores import (
    DIMENSION_LABELS,
    PROFILE_LABELS,
    TIME_DIMENSIONS,
    BreakdownRow,
    Dimension,
    breakdown,
    catalogue_years,
    default_year,
    net_score_for,
    satisfaction_for,
    scores_by_session,
    scores_for,
    session_filter,
    sort_rows,
    total_scores,
    with_empty_periods,
)
from feedback.web import public_url

bp = Blueprint("dashboard", __name__, url_prefix="/scores")

SORT_KEYS = ("nom", "taux", "reponses", "sessions", "taux-reponse")


def _scope(speaker_id: int | None = None) -> Scope:
    """The URL's scope (feedback/scope.py), by default on the latest year with responses (of the speaker's sessions
    for « Mes résultats »); « every year » bounded to the catalogue's years for the trend."""
    scope = Scope.from_args(request.args, lambda: default_year(speaker_id))
    if not scope.is_bounded:
        this_year = utcnow().year
        scope = scope.bounded(*(catalogue_years() or (date(this_year, 1, 1), date(this_year, 12, 31))))
    return scope


def _available_years() -> list[int]:
    dates = db.session.execute(select(func.min(TrainingSession.start_date), func.max(TrainingSession.start_date))).one()
    if dates[0] is None:
        return []
    return list(range(dates[1].year, dates[0].year - 1, -1))


@dataclass(frozen=True)
class Comparison:
    """A rate minus another one, told as "+4 pts vs 2024"; flagged only when its 95 % interval excludes 0."""

    difference: Difference
    against: str

    @property
    def is_real(self) -> bool:
        return self.difference.is_real


def _compare(rate: SatisfactionRate, other: SatisfactionRate, against: str) -> Comparison | None:
    """None unless both rates are shown: a difference would give away a hidden one."""
    if not (discloses(rate.answered, threshold()) and discloses(other.answered, threshold())):
        return None
    difference = rate_difference(rate, other)
    return Comparison(difference, against) if difference is not None else None


def _trend(filters: Scope) -> tuple[Dimension, list[BreakdownRow]]:
    """Months over up to two years, quarters up to eight, years beyond."""
    start, end = filters.start, filters.end
    assert start is not None and end is not None, "a score page's scope is bounded"
    days = (end - start).days
    unit = Dimension.MONTH if days <= 731 else Dimension.QUARTER if days <= 2922 else Dimension.YEAR
    return unit, with_empty_periods(breakdown(filters, unit), unit)


def _trend_points(rows: list[BreakdownRow]) -> list[TrendPoint]:
    points = []
    for row in rows:
        rate = row.scores.satisfaction
        # Shown above the threshold, where there are answers and so an interval.
        interval = rate.interval if discloses(rate.answered, threshold()) else None
        points.append(
            TrendPoint(
                row.label,
                rate.rate if interval else None,
                interval.low if interval else None,
                interval.high if interval else None,
                rate.answered,
            )
        )
    return points


#: A catalogue row's filter (its URL parameter) and the view one level down.
_ONE_LEVEL_DOWN = {
    Dimension.AXIS: ("axe", Dimension.TRAINING),
    Dimension.MODALITY: ("modalite", Dimension.TRAINING),
    Dimension.DEPARTMENT: ("dept", Dimension.TRAINING),
    Dimension.PROFILE: ("profil", Dimension.TRAINING),
    Dimension.TRAINING: ("formation", Dimension.SESSION),
    Dimension.SPEAKER: ("intervenant", Dimension.SESSION),
}


def _drill(filters: Scope, dimension: Dimension):
    """Where a row of the overview leads: one level down (axis -> trainings -> sessions -> the session)."""
    args = filters.to_args()
    catalogue = filters.catalogue_filters

    def overview(**changes) -> str:
        return url_for("dashboard.overview", **{**args, **changes})

    def link(row: BreakdownRow) -> str | None:
        if not row.key and dimension == Dimension.DEPARTMENT:
            return overview(dept=NO_DEPARTMENT, vue=Dimension.TRAINING)
        if not row.key:
            return None
        if dimension in _ONE_LEVEL_DOWN:
            parameter, view = _ONE_LEVEL_DOWN[dimension]
            return overview(**{parameter: row.key, "vue": view})
        if dimension == Dimension.SESSION:
            return url_for("dashboard.session", session_id=int(row.key))
        if dimension in TIME_DIMENSIONS:
            period: dict[str, Any] = {**_period_of(row.key, dimension), **catalogue, "vue": Dimension.TRAINING}
            return url_for("dashboard.overview", **period)
        return None

    return link


def _previous(scope: Scope) -> Scope:
    """The period just before a page's (always bounded: `_scope`)."""
    previous = scope.previous_period()
    assert previous is not None, "a score page's scope is bounded"
    return previous


def _period_of(key: str, dimension: Dimension) -> dict[str, str]:
    """The scope parameters of a time row: its month, its quarter or its year."""
    value = int(key)
    if dimension == Dimension.QUARTER:
        return {"trimestre": f"{value // 10}-T{value % 10}"}
    if dimension == Dimension.MONTH:
        year, month = divmod(value, 100)
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
        return {"du": date(year, month, 1).isoformat(), "au": last}
    return {"annee": str(value)}


def _chips(filters: Scope, dimension: Dimension) -> list[tuple[str, str]]:
    """The active catalogue filters, each with the URL that removes it."""
    labels: dict[str, Callable[[str], str]] = {
        "axe": lambda v: "Axe : " + AXIS_LABELS.get(v, v),
        "modalite": lambda v: "Modalité : " + MODALITY_LABELS.get(v, v),
        "dept": lambda v: "Département : " + department_filter_label(v),
        "profil": lambda v: "Profil : " + PROFILE_LABELS.get(v, v),
        "formation": lambda v: "Formation : " + (db.session.get(Training, int(v)) or Training(title="?")).title,
        "intervenant": lambda v: "Intervenant·e : " + (db.session.get(Speaker, int(v)) or Speaker(name="?")).name,
    }
    args: dict[str, Any] = {**filters.to_args(), "vue": dimension}
    return [
        (labels[key](value), url_for("dashboard.overview", **{k: v for k, v in args.items() if k != key}))
        for key, value in filters.catalogue_filters.items()
    ]


def _table_request(default_dimension: Dimension) -> tuple[Dimension, str, bool]:
    try:
        dimension = Dimension(request.args.get("vue", default_dimension))
    except ValueError:
        dimension = default_dimension
    sort = request.args.get("tri", "")
    sort = sort if sort in SORT_KEYS else ""
    return dimension, sort, request.args.get("ordre") == "desc"


def _overview_rows(filters: Scope, dimension: Dimension, sort: str, descending: bool) -> list[BreakdownRow]:
    return sort_rows(breakdown(filters, dimension), dimension, sort, descending, threshold())


@bp.get("/")
@roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)
def overview():
    """The centre's figures for a period at a glance, a trend, and a sortable table by any dimension."""
    filters = _scope()
    dimension, sort, descending = _table_request(Dimension.AXIS)
    total = scores_for(filters)
    before = _previous(filters)
    previous = scores_for(before)
    trend_unit, trend = _trend(filters)
    points = _trend_points(trend)
    return render_template(
        "dashboard/overview.html",
        filters=filters,
        notices=filters.messages(),
        years=_available_years() or [filters.start.year],
        dimension=dimension,
        dimension_label=DIMENSION_LABELS[dimension],
        dimensions=list(DIMENSION_LABELS.items()),
        rows=_overview_rows(filters, dimension, sort, descending),
        sort=sort,
        descending=descending,
        link_args=filters.to_args(),
        drill=_drill(filters, dimension),
        chips=_chips(filters, dimension),
        total=total,
        comparison=_compare(total.satisfaction, previous.satisfaction, "vs " + before.label),
        net=net_score_for(filters),
        trend=trend,
        trend_unit=DIMENSION_LABELS[trend_unit].lower(),
        trend_chart=trend_chart(points, title="Taux de satisfaction par période", chart_id="trend")
        if any(p.rate is not None for p in points)
        else None,
        choices=_filter_choices(),
    )


@bp.get("/export")
@roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)
def export():
    """The overview's current table as CSV or XLSX, through the shared export writer."""
    filters = _scope()
    dimension, sort, descending = _table_request(Dimension.AXIS)
    file_format = request.args.get("format", "csv")
    if file_format not in FORMATS:
        abort(404)
    rows = _overview_rows(filters, dimension, sort, descending)
    table = breakdown_table(f"Satisfaction par {DIMENSION_LABELS[dimension].lower()} {filters.label}", dimension, rows)
    return table_response(table, file_format)


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "axes": [(axis.value, AXIS_LABELS[axis]) for axis in Axis],
        "modalities": [(modality.value, MODALITY_LABELS[modality]) for modality in Modality],
        "departments": department_choices(),
        "profiles": list(PROFILE_LABELS.items()),
    }


@bp.get("/mine")
@staff_only
def my_sessions():
    """A trainer's own results: their rate against the centre's, their trend, sessions, answers per question."""
    speaker = db.session.scalar(select(Speaker).where(Speaker.user_id == current_user.id))
    if speaker is None:
        return render_template("dashboard/my_sessions.html", speaker=None)
    filters = replace(_scope(speaker.id), speaker_id=speaker.id)
    total = scores_for(filters)
    centre = satisfaction_for(filters.without_catalogue_filters())
    before = _previous(filters)
    previous = scores_for(before)
    first_year, last_year = _speaker_years(speaker.id)
    whole_career = replace(filters, start=date(first_year, 1, 1), end=date(last_year, 12, 31))
    trend_unit, trend = _trend(whole_career)
    points = _trend_points(trend)
    # Their own sessions within the scope (period and any catalogue filter of the URL), as for their totals above.
    condition = session_filter(sessions=own_sessions(current_user)) & TrainingSession.id.in_(filters.session_ids())
    return render_template(
        "dashboard/my_sessions.html",
        speaker=speaker,
        filters=filters,
        notices=filters.messages(),
        years=list(range(last_year, first_year - 1, -1)),
        total=total,
        against_centre=_compare(total.satisfaction, centre, "vs l'ensemble du centre"),
        against_previous=_compare(total.satisfaction, previous.satisfaction, "vs " + before.label),
        centre=centre,
        trend=trend,
        trend_unit=DIMENSION_LABELS[trend_unit].lower(),
        trend_chart=trend_chart(points, title="Votre taux de satisfaction dans le temps", chart_id="trend")
        if any(p.rate is not None for p in points)
        else None,
        rows=scores_by_session(condition),
        distributions=queries.scale_distributions(condition),
        comments=own_session_comments(current_user, filters),
    )


def _speaker_years(speaker_id: int) -> tuple[int, int]:
    first, last = db.session.execute(
        select(func.min(TrainingSession.start_date), func.max(TrainingSession.start_date)).where(
            TrainingSession.id.in_(
                select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == speaker_id)
            )
        )
    ).one()
    this_year = utcnow().year
    return (first.year if first else this_year), (last.year if last else this_year)


@bp.get("/trainings/<int:training_id>")
@staff_only
def training(training_id: int):
    """A training's satisfaction rate and its sessions (a trainer sees only their own sessions)."""
    training = get_training_or_404(training_id)
    whole_training = session_filter(training_id=training.id)
    visible = session_filter(sessions=sessions_visible_to(current_user), training_id=training.id)
    followup_counts = queries.followup_counts(training.id)
    # The follow-up, like the training's own rate, is compared over the whole training.
    has_followup = training.followup_family is not None or followup_counts.sent > 0
    return render_template(
        "dashboard/training.html",
        training=training,
        total=total_scores(whole_training),
        rows=scores_by_session(visible),
        distributions=queries.scale_distributions(visible),
        followup_counts=followup_counts,
        followup=queries.followup_comparison(training.id) if has_followup else None,
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
            # Staff only: a signed link, so that no participant can turn a phone into a kiosk (feedback/kiosk_links.py).
            "kiosk_url": kiosk_url(session.public_code),
            "kiosk_qr": qr_svg(kiosk_url(session.public_code), scale=4, title="QR code du mode borne"),
            "confirm_form": ConfirmForm(),
            # The speakers' own questionnaires: shown apart, never part of the scores above.
            "trainer_reviews": queries.reviews_of_session(session),
        }
    return render_template(
        "dashboard/session.html",
        session=session,
        scores=total_scores(condition),
        training_scores=total_scores(session_filter(training_id=session.training_id)),
        distributions=queries.scale_distributions(condition),
        now=utcnow(),
        **context,
    )
