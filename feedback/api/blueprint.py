"""/api/v1/'s blueprint and what every route shares: the problem answers it documents, the managers-only check, the
JSON body with its ETag, a page of a cursor. The routes are in catalogue_views.py (trainings and sessions) and
views.py (scores, responses, comments, themes, quotes, report)."""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from flask import Response as FlaskResponse
from flask import current_app
from flask_smorest import Blueprint, abort

from feedback.api import queries
from feedback.api.auth import authenticate, rate_limit_key, user
from feedback.api.schemas import (
    ProblemSchema,
)
from feedback.extensions import limiter

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Retours : formations, sessions, scores, réponses, commentaires, thèmes, citations, rapport.",
)
bp.before_request(authenticate)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)

CURSOR_REFUSED = "Curseur inconnu : reprenez le `next_cursor` d'une page."


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


def json_response(payload: dict) -> FlaskResponse:
    """A payload already made of JSON values, serialised once; its ETag is the body's hash."""
    body = json.dumps(payload, ensure_ascii=False)
    bp.set_etag(hashlib.sha256(body.encode()).hexdigest())
    return FlaskResponse(body, mimetype="application/json")


def page(query, id_column, args: dict):
    try:
        return queries.page_of(query, id_column, args.get("cursor"), args["limit"])
    except queries.BadCursor:
        abort(422, messages={"cursor": [CURSOR_REFUSED]})
