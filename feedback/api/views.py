"""/api/v1/: thin views (load through the access functions, check, one operation, commit), JSON out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import wraps

from flask import Response as FlaskResponse
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint, abort

from feedback import audit
from feedback.api import queries
from feedback.api.auth import acting_token_details, authenticate, rate_limit_key, user
from feedback.api.schemas import (
    CommentListArgs,
    CommentListSchema,
    CursorArgs,
    PeriodArgs,
    ProblemSchema,
    QuoteListSchema,
    ReportSchema,
    ResponseListArgs,
    ResponseListSchema,
    ScoreArgs,
    ScoresSchema,
    SessionCreateSchema,
    SessionListArgs,
    SessionListSchema,
    SessionSchema,
    SessionUpdateSchema,
    ThemeListSchema,
    TrainingListSchema,
    TrainingSchema,
)
from feedback.catalogue import operations as catalogue
from feedback.comments.filters import CommentFilters
from feedback.comments.rows import approved_quotes
from feedback.comments.themes import comment_themes, themes_for
from feedback.db import db
from feedback.disclosure import TOO_FEW_ANSWERS, discloses, threshold
from feedback.extensions import limiter
from feedback.labels import parse_department
from feedback.models import Axis, Department, Modality, Training, TrainingSession
from feedback.qr import qr_svg
from feedback.report_figures.build import build_report
from feedback.scope import MAX_YEAR, MIN_YEAR, Scope
from feedback.scores import Dimension, breakdown, default_year, net_score_for, scores_for

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Retours : formations, sessions, scores, réponses, commentaires, thèmes, citations, rapport.",
)
bp.before_request(authenticate)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)

CURSOR_REFUSED = "Curseur inconnu : reprenez le `next_cursor` d'une page."
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


def errors(*statuses: int):
    """Document the problem+json answers a route may give (401 and 429 for every route)."""

    def decorate(view):
        for status in sorted({401, 429, *statuses}):
            view = bp.alt_response(status, schema=ProblemSchema, content_type="application/problem+json")(view)
        return view

    return decorate


def managers_only(view):
    """Writes: managers and admins; anyone else gets the 404 of the pages, before the body is even read."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not user().can_manage:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _visible_session_or_404(session_id: int) -> TrainingSession:
    session = db.session.scalar(queries.sessions_query(user()).where(TrainingSession.id == session_id))
    if session is None:
        abort(404)
    return session


# -- trainings ----------------------------------------------------------------------------------------------------


def _training(training: Training, sessions: int) -> dict:
    return {
        "id": training.id,
        "title": training.title,
        "axis": str(training.axis),
        "modality": str(training.modality),
        "description": training.description,
        "sessions": sessions,
    }


@bp.get("/trainings")
@bp.etag
@bp.arguments(CursorArgs, location="query")
@bp.response(200, TrainingListSchema)
@errors(422)
def list_trainings(args):
    """Trainings: all of them for managers, admins and communication; those of their own sessions for a trainer."""
    rows, next_cursor = _page(queries.trainings_query(user()), Training.id, args)
    counts = queries.session_counts([t.id for t in rows], user())
    return {
        "items": [_training(t, counts.get(t.id, 0)) for t in rows],
        "next_cursor": next_cursor,
        "limit": args["limit"],
    }


@bp.get("/trainings/<int:training_id>")
@bp.etag
@bp.response(200, TrainingSchema)
@errors(404)
def get_training(training_id: int):
    """One training (404 for a trainer who spoke at none of its sessions)."""
    training = db.session.scalar(queries.trainings_query(user()).where(Training.id == training_id))
    if training is None:
        abort(404)
    return _training(training, queries.session_counts([training.id], user()).get(training.id, 0))


# -- sessions -----------------------------------------------------------------------------------------------------


def _session(session: TrainingSession, responses: int) -> dict:
    manager = user().can_manage
    return {
        "id": session.id,
        "training_id": session.training_id,
        "training_title": session.training.title,
        "start_date": session.start_date,
        "end_date": session.end_date,
        "half_days": session.half_days,
        "department": str(session.department) if session.department else None,
        "place": session.place,
        "speakers": [{"id": s.id, "name": s.name} for s in session.speakers],
        "participants_present": session.participants_present,
        "responses": responses,
        "is_open": session.is_open,
        "opens_at": session.opens_dt,
        "closes_at": session.closes_dt,
        "public_url": f"{queries.base_url()}/s/{session.public_code}" if manager else None,
        "qr_code_url": f"{queries.base_url()}{url_for('api.session_qr_code', session_id=session.id)}"
        if manager
        else None,
    }


def _one_session(session: TrainingSession) -> dict:
    return _session(session, queries.response_counts([session.id]).get(session.id, 0))


@bp.get("/sessions")
@bp.etag
@bp.arguments(SessionListArgs, location="query")
@bp.response(200, SessionListSchema)
@errors(422)
def list_sessions(args):
    """Sessions the token may see (a trainer: their own), in id order."""
    query = queries.sessions_query(user(), args.get("training_id"))
    rows, next_cursor = _page(query, TrainingSession.id, args)
    counts = queries.response_counts([s.id for s in rows])
    return {
        "items": [_session(s, counts.get(s.id, 0)) for s in rows],
        "next_cursor": next_cursor,
        "limit": args["limit"],
    }


@bp.get("/sessions/<int:session_id>")
@bp.etag
@bp.response(200, SessionSchema)
@errors(404)
def get_session(session_id: int):
    """One session: dates, département, speakers, link, QR code, open or closed, responses."""
    return _one_session(_visible_session_or_404(session_id))


def _session_fields(data: dict) -> dict:
    fields = {
        key: data[key]
        for key in ("start_date", "end_date", "half_days", "place", "participants_present")
        if key in data
    }
    if "department" in data:
        fields["department"] = Department(data["department"]) if data["department"] else None
    if "speaker_ids" in data:
        ids = list(dict.fromkeys(data["speaker_ids"]))
        speakers = queries.speakers_by_id(ids)
        if len(speakers) != len(ids):
            abort(404, detail=_l("Intervenant·e inconnu·e."))
        fields["speakers"] = speakers
    return fields


@bp.post("/sessions")
@managers_only
@bp.arguments(SessionCreateSchema)
@bp.response(201, SessionSchema)
@errors(404, 409, 422)
def create_session(data):
    """Create a session of a training (managers and admins)."""
    training = db.session.get(Training, data["training_id"])
    if training is None:
        abort(404, detail=_l("Formation inconnue."))
    if data.get("end_date") is not None and data["end_date"] < data["start_date"]:
        abort(409, detail=_l("La date de fin précède la date de début."))
    session = catalogue.create_session(training, **_session_fields(data))
    audit.record("api.session_create", "session", session.id, acting_token_details())
    db.session.commit()
    return _one_session(session)


@bp.patch("/sessions/<int:session_id>")
@managers_only
@bp.arguments(SessionUpdateSchema)
@bp.response(200, SessionSchema)
@errors(404, 409, 422)
def update_session(data, session_id: int):
    """Change a session's dates, département, place, speakers or people present (managers and admins)."""
    session = _visible_session_or_404(session_id)
    fields = _session_fields(data)
    start, end = fields.get("start_date", session.start_date), fields.get("end_date", session.end_date)
    if end is not None and end < start:
        abort(409, detail=_l("La date de fin précède la date de début."))
    catalogue.update_session(session, **fields)
    audit.record("api.session_update", "session", session.id, {**acting_token_details(), "fields": sorted(data)})
    db.session.commit()
    return _one_session(session)


@bp.post("/sessions/<int:session_id>/open")
@managers_only
@bp.response(200, SessionSchema)
@errors(404)
def open_session(session_id: int):
    """Open the session's questionnaire now (managers and admins)."""
    return _open_or_close(session_id, catalogue.open_session, "api.session_open")


@bp.post("/sessions/<int:session_id>/close")
@managers_only
@bp.response(200, SessionSchema)
@errors(404)
def close_session(session_id: int):
    """Close the session's questionnaire now (managers and admins)."""
    return _open_or_close(session_id, catalogue.close_session, "api.session_close")


def _open_or_close(session_id: int, operation: Callable[[TrainingSession], object], action: str):
    """The two routes differ only by their operation and their audit line (and their documentation)."""
    session = _visible_session_or_404(session_id)
    operation(session)
    audit.record(action, "session", session.id, acting_token_details())
    db.session.commit()
    return _one_session(session)


@bp.get("/sessions/<int:session_id>/qr.svg")
@managers_only
@bp.response(200, {"type": "string"}, content_type="image/svg+xml", description="The QR code of the public link.")
@errors(404)
def session_qr_code(session_id: int):
    """The QR code of the session's public link, as SVG (managers and admins)."""
    session = _visible_session_or_404(session_id)
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(f"{queries.base_url()}/s/{session.public_code}")
    return FlaskResponse(svg, mimetype="image/svg+xml")


# -- scores -------------------------------------------------------------------------------------------------------


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
    return _json_response({"items": items, "next_cursor": next_cursor, "limit": args["limit"]})


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
    return _json_response(build_report(_scope(args), min_answers=threshold(user())).to_dict())


def _json_response(payload: dict) -> FlaskResponse:
    """A payload already made of JSON values, serialised once; its ETag is the body's hash."""
    body = json.dumps(payload, ensure_ascii=False)
    bp.set_etag(hashlib.sha256(body.encode()).hexdigest())
    return FlaskResponse(body, mimetype="application/json")


def _page(query, id_column, args: dict):
    try:
        return queries.page_of(query, id_column, args.get("cursor"), args["limit"])
    except queries.BadCursor:
        abort(422, messages={"cursor": [CURSOR_REFUSED]})


__all__ = ["bp"]
