"""The web layer shared by every area: security headers, caching, language choice, health check, filters."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Request, current_app, jsonify, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text
from werkzeug.formparser import FormDataParser

from feedback.auth.access import has_own_results
from feedback.db import db
from feedback.disclosure import TOO_FEW_ANSWERS, discloses, threshold
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_label
from feedback.models import TrainingSession

health_bp = Blueprint("health", __name__)

#: The participant's stylesheet, inlined in the form's pages: on a weak signal every round trip before the first
#: paint costs seconds (2 s each at "Slow 3G"), and the form works without its script. Allowed by its hash in the
#: policy, never by 'unsafe-inline'; the template writes it byte for byte (`survey_css`).
SURVEY_CSS = (Path(__file__).resolve().parent.parent / "static" / "survey.css").read_text(encoding="utf-8")
SURVEY_CSS_SOURCE = "'sha256-" + base64.b64encode(hashlib.sha256(SURVEY_CSS.encode()).digest()).decode() + "'"
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {SURVEY_CSS_SOURCE}; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
#: The public form's pages may be framed by the questionnaire preview of our own back office.
PUBLIC_PREFIXES = ("/s/", "/static/", "/health")


@health_bp.get("/health")
def health():
    """Report whether the database answers; for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the point is to report any failure, not to crash
        current_app.logger.exception("health check failed")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


class LenientFormDataParser(FormDataParser):
    """A url-encoded body that is not valid UTF-8 keeps every field it can decode (U+FFFD for the bytes it cannot).

    Werkzeug decodes such a body strictly and, on an error, silently gives an empty form: a participant whose
    phone sent one stray byte would lose every answer, token included. Multipart bodies already decode this way.
    """

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        items = parse_qsl(stream.read().decode("utf-8", "replace"), keep_blank_values=True, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


class FeedbackRequest(Request):
    form_data_parser_class = LenientFormDataParser


def register_web_layer(app: Flask) -> None:
    app.register_blueprint(health_bp)
    # Our own file, hashed in the policy above: never participant text.
    app.jinja_env.globals["survey_css"] = Markup(SURVEY_CSS)  # noqa: S704

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")  # the builder's preview allows SAMEORIGIN
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith(PUBLIC_PREFIXES):
            # Staff pages hold personal data and scores: never keep them in a shared browser's cache.
            response.headers["Cache-Control"] = "no-store"
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            response.set_cookie(
                "lang",
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
            )
        return response

    @app.context_processor
    def inject_globals():
        return {
            "current_user": current_user,
            "html_lang": "en" if str(get_locale()) == "en" else "fr",
            "min_answers": app.config["MIN_ANSWERS_FOR_RATE"],
            # The disclosure rule for the viewer: `shown(n)` is whether a figure from n answers may be shown.
            "shown": lambda n: discloses(n, threshold()),
            "too_few_answers": TOO_FEW_ANSWERS,
            "axis_label": lambda axis: AXIS_LABELS.get(axis, axis),
            "modality_label": lambda modality: MODALITY_LABELS.get(modality, modality),
            "department_label": department_label,
            # Called by the navigation only: one query, on pages that show it.
            "has_own_results": lambda: has_own_results(current_user),
        }

    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["day"] = lambda d: format_date(d, "d MMMM y") if isinstance(d, date) else ""
    app.jinja_env.filters["moment"] = lambda d: format_datetime(d, "d MMM y, HH:mm") if isinstance(d, datetime) else ""


def format_percent(value: float | None, digits: int = 0) -> str:
    """0.853 -> "85 %" with the French narrow no-break space."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}\u202f%".replace(".", ",")


def public_url(session: TrainingSession) -> str:
    """The link printed and sent: built from the configured base URL, never the Host header."""
    return f"{current_app.config['BASE_URL']}/s/{session.public_code}"
