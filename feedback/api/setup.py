"""Plugs the API into the application: flask-smorest's Api, the blueprint, its reference page, its errors."""

from __future__ import annotations

import http

from flask import Blueprint, Flask, current_app, render_template, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from feedback.api.errors import PROBLEM, http_problem, problem
from feedback.api.schemas import ProblemSchema

API_PREFIX = "/api/"


class RetoursApi(Api):
    """flask-smorest's Api, with errors as problem+json documented as such; the app's error handler (not
    flask-smorest's app-wide one, which would turn every HTML error page into JSON) answers under /api/."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = RetoursApi()
reference_bp = Blueprint("api_reference", __name__)


@reference_bp.get("/api/v1/")
def reference():
    """The API's reference, rendered on the server from its OpenAPI document (no script, no third-party request)."""
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return render_template("api/reference.html", spec=spec)


def init_api(app: Flask) -> None:
    # Importing the route modules registers their routes on the blueprint, in the document's order.
    from feedback.api import catalogue_views, views  # noqa: F401
    from feedback.api.blueprint import bp
    from feedback.extensions import csrf

    app.config.setdefault("API_TITLE", "Retours API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Les données de Retours pour les autres outils du centre. Authentification : "
                "`Authorization: Bearer rt_…` (un jeton personnel, créé sur la page Mon compte). Erreurs en "
                "application/problem+json (RFC 9457), en français ou en anglais selon Accept-Language.",
            },
            "servers": [{"url": app.config.get("BASE_URL", "")}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    csrf.exempt(bp)
    api.init_app(app)
    api.register_blueprint(bp)
    app.register_blueprint(reference_bp)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


__all__ = ["http_problem", "init_api", "is_api_request", "problem"]
