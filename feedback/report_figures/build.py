"""The yearly report of a period, assembled from the modules that compute its figures; the page, the downloads,
the API and `flask report --json` all read the one `Report` that `build_report` returns (report_figures.contents).

- activity (feedback/activity.py): participations, distinct participants, visits, half-days, sessions,
  in total and per département, axis and modality, for the period and the previous one;
- scores (feedback/scores.py): satisfaction with its Wilson interval and n, response rate, in
  total and per axis, département, modality and professional profile;
- comments (feedback/comments/): the period's themes and its approved quotes, grouped by axis.

Rates under `min_answers` answers are kept in the Report (n is a figure) and hidden wherever they are shown
(`Report.shows`, the disclosure rule of feedback/disclosure.py): the page's `rate` macro, the JSON, the spreadsheet
and the document. Comments of anonymous sessions the rule withholds never reach the themes, the cloud or the
verbatims (`comment_filters` carries the threshold).

The report reads the one scope of every page (feedback/scope.py) but its profile: the activity counts sessions and
people present, who have no profile, so a report « of one profile » would mix two populations.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from feedback.activity import ActivityFigures, activity_breakdown, activity_totals
from feedback.analysis.clouds import cached_cloud
from feedback.comments import themes as theme_queries
from feedback.comments.filters import CommentFilters
from feedback.comments.rows import approved_quotes
from feedback.db import db, utcnow
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_label
from feedback.models import Axis, Department, Modality, TrainingSession
from feedback.report_figures.contents import (
    ActivityRow,
    Change,
    HalfDaysRow,
    Headline,
    Report,
    ScoreRow,
    ThemeRow,
    Verbatim,
    VerbatimGroup,
    known_figures,
    no_comparison_reason,
)
from feedback.scope import Scope
from feedback.scores import (
    PROFILE_LABELS,
    Dimension,
    breakdown,
    catalogue_years,
    satisfaction_for,
    scores_for,
)

#: Themes listed on the report (the word cloud draws more).
TOP_THEMES = 15


def available_years() -> list[int]:
    first, last = db.session.execute(
        select(func.min(TrainingSession.start_date), func.max(TrainingSession.start_date))
    ).one()
    return list(range(last.year, first.year - 1, -1)) if first else [utcnow().year]


#: Each dimension's groups in the report's own order (the catalogue's), then its label and URL value.
ORDERS: dict[str, list] = {
    "department": [*Department, None],
    "axis": list(Axis),
    "modality": list(Modality),
}


def _label(by: str, key) -> str:
    if by == "department":
        return department_label(key)
    return (AXIS_LABELS if by == "axis" else MODALITY_LABELS).get(key, str(key))


def _rank(by: str, key) -> int:
    order = ORDERS[by]
    return order.index(key) if key in order else len(order)  # StrEnum members equal their values


def _count(value: float | None) -> int | None:
    """A count known from its source (participations, participants), or None."""
    return None if value is None else int(value)


def _activity_row(group: ActivityFigures, by: str) -> ActivityRow:
    known = known_figures(group)
    notes = {
        f"{name} non disponibles : {known[key].reason}"
        for key, name in (("participations", "participations"), ("distinct_participants", "participants distincts"))
        if known[key].value is None
    }
    return ActivityRow(
        key="" if group.key is None else str(group.key),
        label=_label(by, group.key),
        participations=_count(known["participations"].value),
        distinct_participants=_count(known["distinct_participants"].value),
        half_days=group.half_days,
        sessions=group.sessions,
        average_visits=known["average_visits"].value,
        note=" ; ".join(sorted(notes)),
    )


def _activity_rows(groups: list[ActivityFigures], by: str) -> list[ActivityRow]:
    return [_activity_row(g, by) for g in sorted(groups, key=lambda g: _rank(by, g.key))]


def _half_days(
    current: list[ActivityFigures], previous: list[ActivityFigures], no_comparison: str | None
) -> list[HalfDaysRow]:
    """Every département of either period, with its half-days in both (0 where it had none, unknown in both when
    the previous period has no sessions at all)."""
    now = {g.key: g.half_days for g in current}
    before = {g.key: g.half_days for g in previous}
    keys = sorted(set(now) | set(before), key=lambda key: _rank("department", key))

    def change(key) -> Change:
        if no_comparison:
            return Change(now.get(key, 0), None, previous_reason=no_comparison)
        return Change(now.get(key, 0), before.get(key, 0))

    return [
        HalfDaysRow("" if key is None else str(key), department_label(None if key is None else str(key)), change(key))
        for key in keys
    ]


#: The « EN CHIFFRES » figures, in the page's order.
HEADLINE_LABELS = {
    "participations": "participations",
    "distinct_participants": "participants distincts",
    "average_visits": "venues en moyenne par participant",
    "half_days": "demi-journées d'intervention",
    "sessions": "sessions",
}


def _headline(totals: ActivityFigures, previous: ActivityFigures, no_comparison: str | None) -> list[Headline]:
    now, before = known_figures(totals), known_figures(previous)
    headline = []
    for key, label in HEADLINE_LABELS.items():
        if no_comparison:
            change = Change(now[key].value, None, now[key].reason, no_comparison)
        else:
            change = Change(now[key].value, before[key].value, now[key].reason, before[key].reason)
        headline.append(Headline(key, label, change))
    return headline


_SCORE_DIMENSIONS = {"axis": Dimension.AXIS, "department": Dimension.DEPARTMENT, "modality": Dimension.MODALITY}


def _score_rows(filters: Scope, by: str) -> list[ScoreRow]:
    rows = breakdown(filters, _SCORE_DIMENSIONS[by])

    def key_of(row) -> object:
        if not row.key:
            return None
        return {"axis": Axis, "department": Department, "modality": Modality}[by](row.key)

    return [
        ScoreRow(row.key, _label(by, key_of(row)), row.scores)
        for row in sorted(rows, key=lambda row: _rank(by, key_of(row)))
    ]


def _profile_rows(filters: Scope) -> list[ScoreRow]:
    """Respondents by professional profile (from the responses: attendance lists keep no profile), most first."""
    rows = breakdown(filters, Dimension.PROFILE)
    total = sum(row.scores.responses for row in rows)
    ordered = sorted(rows, key=lambda row: (row.key == "", -row.scores.responses, row.label.casefold()))
    return [
        ScoreRow(row.key, PROFILE_LABELS.get(row.key, row.label), row.scores, row.scores.responses / total)
        for row in ordered
        if total
    ]


def comment_filters(scope: Scope, min_answers: int) -> CommentFilters:
    """The comments of the report's scope, without those the disclosure rule withholds at `min_answers`."""
    return CommentFilters(scope, min_answers=min_answers)


def report_scope(scope: Scope) -> Scope:
    """The scope a report is built on: bounded (« every year » is the catalogue's years) and without the profile."""
    if not scope.is_bounded:
        years = catalogue_years() or (utcnow().date(), utcnow().date())
        scope = scope.bounded(*years)
    return replace(scope, profile=None)


def _verbatims(comments: CommentFilters) -> list[VerbatimGroup]:
    """The period's approved quotes, grouped by axis in the report's order, oldest session first in each."""
    groups: dict[str, list[Verbatim]] = {}
    for quote in approved_quotes(comments):
        groups.setdefault(quote.axis, []).append(Verbatim(quote.text, quote.attribution))
    return [
        VerbatimGroup(axis, AXIS_LABELS.get(axis, axis), quotes)
        for axis, quotes in sorted(groups.items(), key=lambda item: _rank("axis", item[0]))
    ]


def build_report(filters: Scope, *, min_answers: int) -> Report:
    """Every figure of the report for these filters, and the previous period's for the changes; `min_answers` is
    the viewer's disclosure threshold (feedback.disclosure.threshold)."""
    filters = report_scope(filters)
    previous = filters.previous_period()
    assert previous is not None  # a report's scope is bounded
    activity, previous_activity = filters, previous
    totals, previous_totals = activity_totals(activity), activity_totals(previous_activity)
    by_department = activity_breakdown(activity, "department")
    no_comparison = no_comparison_reason(previous, previous_totals)
    headline = _headline(totals, previous_totals, no_comparison)
    comments = comment_filters(filters, min_answers)
    return Report(
        filters=filters,
        previous_filters=previous,
        min_answers=min_answers,
        totals=totals,
        previous_totals=previous_totals,
        headline=headline,
        by_department=_activity_rows(by_department, "department"),
        by_axis=_activity_rows(activity_breakdown(activity, "axis"), "axis"),
        by_modality=_activity_rows(activity_breakdown(activity, "modality"), "modality"),
        half_days_by_department=_half_days(
            by_department, activity_breakdown(previous_activity, "department"), no_comparison
        ),
        satisfaction=scores_for(filters),
        previous_satisfaction=satisfaction_for(previous),
        satisfaction_by_axis=_score_rows(filters, "axis"),
        satisfaction_by_department=_score_rows(filters, "department"),
        satisfaction_by_modality=_score_rows(filters, "modality"),
        by_profile=_profile_rows(filters),
        themes=[
            ThemeRow(theme.phrase, theme.count, theme.share, theme.praised, theme.criticised)
            for theme in theme_queries.themes_for(comments, limit=TOP_THEMES, examples=0)
        ],
        comments=theme_queries.count_comments(comments.response_conditions()),
        verbatims=_verbatims(comments),
    )


def word_cloud_png(report: Report) -> bytes | None:
    """The period's word cloud (the quotes workspace's, same counts, same cached file), or none without themes."""
    frequencies = theme_queries.theme_frequencies(comment_filters(report.filters, report.min_answers))
    if not frequencies:
        return None
    content, _cached = cached_cloud(frequencies, "png", Path(current_app.instance_path) / "wordclouds")
    return content
