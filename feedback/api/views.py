"""/api/v1/ scores, responses, comments, themes, quotes and the report, read within the account's rights (thin views),
JSON out. Trainings and sessions: catalogue_views.py; the blueprint and what the routes share: blueprint.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from flask_smorest import abort

from feedback.api import queries
from feedback.api.auth import user
from feedback.api.blueprint import CURSOR_REFUSED, bp, errors, json_response
from feedback.api.schemas import (
    CommentListArgs,
    CommentListSchema,
    PeriodArgs,
    QuoteListSchema,
    ReportSchema,
    ResponseListArgs,
    ResponseListSchema,
    ScoreArgs,
    ScoresSchema,
    ThemeListSchema,
)
from feedback.comments.filters import CommentFilters
from feedback.comments.rows import approved_quotes
from feedback.comments.themes import comment_themes, themes_for
from feedback.disclosure import TOO_FEW_ANSWERS, discloses, threshold
from feedback.labels import parse_department
from feedback.models import Axis, Modality
from feedback.report_figures.build import build_report
from feedback.scope import MAX_YEAR, MIN_YEAR, Scope
from feedback.scores import Dimension, breakdown, default_year, net_score_for, scores_for

DIMENSION_NAMES = {
    "training": "formation",
    "session": "session",
    "speaker": "intervenant",
    "axis": "axe",
    "modality": "modalite",
    "department": "dept",
    "profile": "profil",
    "month": "mois",
    "quarter": "trimestre",
    "year": "annee",
}


def _scope(args: dict, **catalogue) -> Scope:
    """The period asked (a year, by default the one the pages open on; a quarter of it; or two dates, kept within
    1990-2100 and in order) with the catalogue filters, as the one scope of the pages."""
    year = args.get("year") or default_year()
    if args.get("start") or args.get("end"):
        start = args.get("start") or date(year, 1, 1)
        end = args.get("end") or date(start.year, 12, 31)
    elif args.get("quarter"):
        start, end = Scope.for_quarter(year, args["quarter"]).start, Scope.for_quarter(year, args["quarter"]).end
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    low, high = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
    start, end = sorted(min(max(day, low), high) for day in (start, end))
    return Scope(
        start,
        end,
        axis=Axis(args["axis"]) if args.get("axis") else None,
        modality=Modality(args["modality"]) if args.get("modality") else None,
        department=parse_department(args.get("department")),
        **catalogue,
    )


def _rate(rate, limit: int) -> dict:
    shown = discloses(rate.answered, limit)
    return {
        "n": rate.answered,
        "rate": rate.rate if shown else None,
        "low": rate.interval.low if shown and rate.interval else None,
        "high": rate.interval.high if shown and rate.interval else None,
        "reason": TOO_FEW_ANSWERS if rate.answered and not shown else None,
    }


def _score_row(key: str, label: str, scores, limit: int) -> dict:
    return {
        "key": key,
        "label": label,
        "sessions": scores.sessions,
        "responses": scores.responses,
        "present": scores.present,
        "response_rate": scores.response_rate if discloses(scores.responses, limit) else None,
        "satisfaction": _rate(scores.satisfaction, limit),
    }


@bp.get("/scores")
@bp.etag
@bp.arguments(ScoreArgs, location="query")
@bp.response(200, ScoresSchema)
@errors(404, 422)
def scores(args):
    """Scores under the score pages' scope and breakdowns; a figure from too few answers is null with its reason.
    A trainer's token counts their own sessions only (and has no breakdown by speaker)."""
    me = user()
    if args.get("by") == "speaker" and not me.can_read_all_scores:
        abort(404)
    filters = _scope(
        args, training_id=args.get("training_id"), speaker_id=args.get("speaker_id"), profile=args.get("profile")
    )
    if not me.can_read_all_scores:
        own = queries.speaker_id_of(me)
        if filters.speaker_id not in (None, own):
            abort(404)
        filters = replace(filters, speaker_id=own)
    limit = threshold(me)
    totals = scores_for(filters)
    net = net_score_for(filters)
    rows = []
    if args.get("by"):
        dimension = Dimension(DIMENSION_NAMES[args["by"]])
        rows = [_score_row(r.key, r.label, r.scores, limit) for r in breakdown(filters, dimension)]
    net_shown = discloses(net.n, limit)
    return {
        "period": {"start": filters.start.isoformat(), "end": filters.end.isoformat(), "label": filters.label},
        "filters": {k: v for k, v in args.items() if k not in ("year", "quarter", "start", "end", "by")},
        "min_answers_for_rate": limit,
        "totals": _score_row("", "Total", totals, limit),
        "recommendation": {
            "n": net.n,
            "score": net.score if net_shown else None,
            "reason": TOO_FEW_ANSWERS if net.n and not net_shown else None,
        },
        "by": args.get("by"),
        "rows": rows,
    }


# -- responses and comments ---------------------------------------------------------------------------------------


@bp.get("/responses")
@bp.etag
@bp.arguments(ResponseListArgs, location="query")
@bp.response(200, ResponseListSchema)
@errors(404, 422)
def list_responses(args):
    """Responses, answers by question code, in the order they were stored: page with `cursor` to the end, then
    come back later with the last `next_cursor`... or `updated_since`. Free text (masked) for the roles that read
    comments; a trainer reads the responses of their own sessions that have enough of them."""
    me = user()
    if not queries.may_read_responses(me):
        abort(404)
    query = queries.responses_query(me, session_id=args.get("session_id"), since=args.get("updated_since"))
    try:
        rows, next_cursor = queries.response_page(query, args.get("cursor"), args["limit"])
    except queries.BadCursor:
        abort(422, messages={"cursor": [CURSOR_REFUSED]})
    answers = queries.answers_of([r.id for r in rows], with_text=queries.may_read_comments(me) and me.can_manage)
    names = queries.questionnaire_names(list({r.questionnaire_id for r in rows}))
    items = [
        {
            "id": r.id,
            "session_id": r.session_id,
            "session_date": r.session_date.isoformat(),
            "questionnaire": names.get(r.questionnaire_id, ""),
            "submitted_at": _utc(r.submitted_dt).isoformat(),
            "is_followup": bool(r.is_followup),
            "answers": answers.get(r.id, []),
        }
        for r in rows
    ]
    # Serialised once, here: these values are already JSON (marshmallow's dump of a thousand nested responses would
    # take most of the request; ResponseListSchema still documents them). The ETag is the body's hash.
    return json_response({"items": items, "next_cursor": next_cursor, "limit": args["limit"]})


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back through a plain connection: they are UTC (models' UTCDateTime)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@bp.get("/comments")
@bp.etag
@bp.arguments(CommentListArgs, location="query")
@bp.response(200, CommentListSchema)
@errors(404, 422)
def list_comments(args):
    """Comments (masked), their tone and themes: a trainer's own sessions, every session for managers and admins;
    those of an anonymous questionnaire's session stay hidden below the threshold."""
    me = user()
    if not queries.may_read_comments(me):
        abort(404)
    try:
        rows, next_cursor = queries.comment_page(
            me, session_id=args.get("session_id"), cursor=args.get("cursor"), limit=args["limit"]
        )
    except queries.BadCursor:
        abort(422, messages={"cursor": [CURSOR_REFUSED]})
    themes = comment_themes([analysis.answer_id for analysis, *_ in rows])
    items = [
        {
            "id": analysis.answer_id,
            "response_id": analysis.response_id,
            "session_id": session_id,
            "session_date": session_date,
            "question": code,
            "text": analysis.masked_text,
            "tone": analysis.tone,
            "analysed_tone": analysis.analysed_tone,
            "themes": [{"theme": phrase, "key": key} for key, phrase in themes.get(analysis.answer_id, [])],
        }
        for analysis, session_id, session_date, code in rows
    ]
    return {"items": items, "next_cursor": next_cursor, "limit": args["limit"]}


# -- themes, quotes, report ---------------------------------------------------------------------------------------


def _readers_of_all_scores() -> None:
    if not user().can_read_all_scores:
        abort(404)


def _comment_filters(args: dict) -> CommentFilters:
    return CommentFilters(scope=_scope(args), min_answers=threshold(user()))


@bp.get("/themes")
@bp.etag
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, ThemeListSchema)
@errors(404, 422)
def list_themes(args):
    """The themes of a period's comments, most said first, with their tone split (communication, managers, admins)."""
    _readers_of_all_scores()
    filters = _comment_filters(args)
    themes = themes_for(filters, limit=50, examples=0)
    items = [
        {"theme": t.phrase, "key": t.key, "comments": t.count, "share": t.share, "tones": dict(t.tones)} for t in themes
    ]
    return {"period": {"start": filters.scope.start.isoformat(), "end": filters.scope.end.isoformat()}, "items": items}


@bp.get("/quotes")
@bp.etag
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, QuoteListSchema)
@errors(404, 422)
def list_quotes(args):
    """Approved quotes of a period with their attribution (never a name); consent withdrawn removes them."""
    _readers_of_all_scores()
    filters = _comment_filters(args)
    items = [
        {
            "id": q.answer_id,
            "text": q.text,
            "attribution": q.attribution,
            "axis": str(q.axis),
            "session_date": q.session_date,
            "training_id": q.training_id,
        }
        for q in approved_quotes(filters)
    ]
    return {"period": {"start": filters.scope.start.isoformat(), "end": filters.scope.end.isoformat()}, "items": items}


@bp.get("/report")
@bp.etag
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, ReportSchema)
@errors(404, 422)
def report(args):
    """The report's figures, the same numbers as `flask report --json` (communication, managers, admins)."""
    _readers_of_all_scores()
    # As the command prints it, whole: a key the report gains reaches the API too (ReportSchema documents them).
    return json_response(build_report(_scope(args), min_answers=threshold(user())).to_dict())
