"""Who calls the API: the account of the personal access token in `Authorization: Bearer …`, and nothing else.

The API is stateless: a session cookie (a logged-in browser) opens nothing here, and no CSRF token is asked for
(a cross-site page cannot set the Authorization header). The token's account becomes Flask-Login's current user
for the request, so that the access functions of the pages (feedback/auth/access.py) apply unchanged.
"""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_login import current_user

from feedback.auth.api_tokens import find_usable_token, record_use
from feedback.db import db
from feedback.models import ApiToken


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def request_token() -> ApiToken | None:
    """The request's usable token (looked up once per request), or None."""
    # Kept on the request itself (not on g, which an app context shared by several requests would carry over).
    environ = request.environ
    if "retours.api_token" not in environ:
        secret = _bearer()
        environ["retours.api_token"] = find_usable_token(secret) if secret else None
    return environ["retours.api_token"]


def authenticate() -> None:
    """Before every API view: a usable token, or 401. Its account is the current user for this request only."""
    token = request_token()
    if token is None:
        current_app.logger.info("api: refused token on %s %s", request.method, request.url_rule)
        abort(401)
    # Flask-Login reads the current user from g first: the cookies are never looked at.
    g._login_user = token.user
    if record_use(token):
        db.session.commit()


def rate_limit_key() -> str:
    """Flask-Limiter's key: the token's id; the client address for a request without a usable token."""
    token = request_token()
    return f"api-token:{token.id}" if token is not None else f"api-anonymous:{request.remote_addr}"


def acting_token_details() -> dict:
    """What the audit log keeps of a change made through the API: which token did it."""
    token = request_token()
    return {"via": "api", "token_id": token.id if token else None, "token_name": token.name if token else None}


def user():
    return current_user._get_current_object()
