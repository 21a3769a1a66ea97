"""Errors of the API as `application/problem+json` (RFC 9457), their title and detail in French or English."""

from __future__ import annotations

import http

from flask import current_app, json, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Requête illisible"),
        401: _("Jeton d'accès manquant, invalide, expiré ou révoqué"),
        404: _("Introuvable"),
        405: _("Méthode non permise"),
        409: _("Conflit"),
        413: _("Requête trop volumineuse"),
        415: _("Type de contenu non pris en charge"),
        422: _("Paramètres invalides"),
        429: _("Trop de requêtes : patientez avant de réessayer"),
        500: _("Erreur interne"),
    }


def _details() -> dict[int, str]:
    return {
        401: _("Envoyez un jeton valide dans l'en-tête « Authorization: Bearer rt_… » (créé sur la page Mon compte)."),
        404: _("Cette ressource n'existe pas, ou ce jeton n'y a pas accès."),
        422: _("Une ou plusieurs valeurs de la requête ne sont pas acceptées : voir « errors »."),
        429: _("Ce jeton a dépassé le nombre de requêtes permis ; réessayez dans un moment."),
        500: _("L'erreur est consignée pour les administrateurs."),
    }


def api_language() -> str:
    """French unless the client prefers English (Accept-Language)."""
    languages = current_app.config["LANGUAGES"]
    return request.accept_languages.best_match(languages, default=current_app.config["BABEL_DEFAULT_LOCALE"])


def problem(status: int, *, detail: str | None = None, errors: dict | None = None, headers=None):
    """A problem+json response: type, title, status, detail (and the fields refused, for a 422)."""
    with force_locale(api_language()):
        body = {
            "type": "about:blank",
            "title": _titles().get(status) or http.HTTPStatus(status).phrase,
            "status": status,
            "detail": str(detail) if detail else _details().get(status, ""),
        }
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    response.headers["Content-Language"] = api_language()
    for name, value in headers or ():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def http_problem(error: HTTPException):
    """Any HTTP error under /api/: the validation messages of webargs are kept in `errors`."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("messages")
    if isinstance(errors, dict) and len(errors) == 1 and next(iter(errors)) in ("json", "query", "headers", "form"):
        errors = next(iter(errors.values()))  # {"query": {"limit": [...]}} -> {"limit": [...]}
    headers = [(k, v) for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")]
    if status == 401:
        headers.append(("WWW-Authenticate", 'Bearer realm="retours"'))
    return problem(status, detail=data.get("detail"), errors=errors, headers=headers)
