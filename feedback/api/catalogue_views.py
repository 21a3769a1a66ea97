"""/api/v1/ trainings and sessions: read, and for managers create, update, open and close (thin views: load through the
access functions, check, one operation, commit), JSON out."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response as FlaskResponse
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from feedback import audit
from feedback.api import queries
from feedback.api.auth import acting_token_details, user
from feedback.api.blueprint import bp, errors, managers_only, page
from feedback.api.schemas import (
    CursorArgs,
    SessionCreateSchema,
    SessionListArgs,
    SessionListSchema,
    SessionSchema,
    SessionUpdateSchema,
    TrainingListSchema,
    TrainingSchema,
)
from feedback.catalogue import operations as catalogue
from feedback.db import db
from feedback.models import Department, Training, TrainingSession
from feedback.qr import qr_svg


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
    rows, next_cursor = page(queries.trainings_query(user()), Training.id, args)
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
    rows, next_cursor = page(query, TrainingSession.id, args)
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
