"""The form without network: its service worker, a fresh token for answers kept on the phone, and kiosk mode.

The page's script (static/survey.js) keeps on the phone the answers a lost network stopped, and sends them when it
comes back; the service worker (static/survey-sw.js, served from /s/ so that its scope covers every form) keeps the
pages of the sessions opened on the phone and sends the waiting answers through Background Sync where the browser
has it. Exactly one response per filled form: every resend carries the same nonce (form_tokens.renew_token).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import rjsmin
from flask import Blueprint, abort, current_app, jsonify, render_template, request

from feedback.extensions import csrf
from feedback.form_tokens import TokenInvalid, issue_token, renew_token
from feedback.kiosk_links import is_kiosk
from feedback.survey.limits import take_blank_form
from feedback.survey.refusals import is_cross_site
from feedback.survey.views import _render_closed, _render_form, get_public_session_or_404
from feedback.web import CSP

bp = Blueprint("survey_offline", __name__, url_prefix="/s")
csrf.exempt(bp)  # as the form itself (survey/views.py): its own signed token, cross-site posts refused
#: The form's script at its static address, served minified (see `minified`) in place of the file as written.
script_bp = Blueprint("survey_script", __name__)


def minified(name: str) -> str:
    """A script of static/ as phones get it: without its comments and indentation (a third of its weight, and
    the form's page, its script and worker must stay under 30 KB). The file keeps them for whoever reads it; the
    copy is made again when the file changes."""
    path = Path(current_app.static_folder or "static") / name
    return _minify(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _minify(path: Path, mtime_ns: int) -> str:
    return rjsmin.jsmin(path.read_text(encoding="utf-8"))


def _script(source: str):
    response = current_app.response_class(source, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"  # asked again at each visit (a 304 while it has not changed)
    return response.make_conditional(request)


@script_bp.get("/static/survey.js")
def script():
    """The form's script (rather than Flask's static route, which would send the file as written)."""
    return _script(minified("survey.js"))


@bp.get("/sw.js")
def service_worker():
    """The service worker, from /s/ so that its scope covers the forms (/static/ would not)."""
    # The pages it serves without network carry the same Content-Security-Policy as from the server.
    response = _script(minified("survey-sw.js").replace("__CSP__", CSP, 1))
    response.headers["Service-Worker-Allowed"] = "/s/"
    return response


@bp.post("/<code>/jeton")
def renew_form_token(code: str):
    """A token for answers kept on the phone: the same nonce renewed, or a new one (counted like a blank form)."""
    session = get_public_session_or_404(code)
    if not session.is_open:
        return _no_store(jsonify(open=False), 410)  # the page shows the answers back (the submit's closed page)
    if is_cross_site():
        return _no_store(jsonify(error="cross-site"), 400)
    if not take_blank_form(session.public_code):
        return _no_store(jsonify(error="busy"), 429)  # the page tries again later, answers kept
    wait = 0
    try:
        token = renew_token(request.form.get("token", ""), session.public_code)
    except TokenInvalid:
        # None yet (a kiosk reset without network) or not ours: a new nonce, sendable after the usual minimum time.
        token = issue_token(session.public_code)
        wait = current_app.config["SURVEY_MIN_ANSWER_SECONDS"]
    return _no_store(jsonify(open=True, token=token, wait=wait), 200)


def _no_store(response, status: int):
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/<code>/borne")
def kiosk(code: str):
    """The form in kiosk mode, for a tablet that collects a room's responses one after another."""
    session = get_public_session_or_404(code)
    if not is_kiosk(request.args.get("k"), session.public_code):
        return render_template("survey/kiosk_link.html", session=session), 403
    if not session.is_open:
        return _render_closed(session)
    if not take_blank_form(session.public_code):
        abort(429)
    return _render_form(session, token=issue_token(session.public_code))
