"""Retours: post-session feedback. `create_app` builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template, request
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, Config, config_from_env
from feedback.db import db
from feedback.extensions import babel, csrf, limiter, login_manager, migrate, select_locale
from feedback.web import FeedbackRequest

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Application factory: configuration, extensions, blueprints, error pages and commands."""
    config = config or config_from_env()
    config.validate()
    app = Flask(
        __name__,
        template_folder=str(ROOT_DIR / "templates"),
        static_folder=str(ROOT_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.request_class = FeedbackRequest
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from feedback import audit, models  # noqa: F401  (registers the tables, and the audit of quote changes)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)

    from feedback.accounts.views import bp as accounts_bp
    from feedback.auth.views import bp as auth_bp
    from feedback.builder.views import bp as builder_bp
    from feedback.dashboard.views import bp as dashboard_bp
    from feedback.distribution.views import bp as distribution_bp
    from feedback.imports.views import bp as imports_bp
    from feedback.manage.views import bp as manage_bp
    from feedback.quotes.views import bp as quotes_bp
    from feedback.report.views import bp as report_bp
    from feedback.reviews.views import bp as reviews_bp
    from feedback.survey.followup_views import bp as followup_bp
    from feedback.survey.offline_views import bp as survey_offline_bp
    from feedback.survey.offline_views import script_bp as survey_script_bp
    from feedback.survey.views import bp as survey_bp
    from feedback.webhooks import events as webhook_events
    from feedback.webhooks.views import bp as webhooks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(survey_offline_bp)
    app.register_blueprint(survey_script_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(distribution_bp)
    app.register_blueprint(builder_bp)
    app.register_blueprint(quotes_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(webhooks_bp)
    webhook_events.connect()

    from feedback.api.setup import init_api

    init_api(app)

    from feedback.cli import register_commands
    from feedback.queue import init_queue
    from feedback.web import register_web_layer

    init_queue(app)
    import feedback.tasks  # noqa: F401  (every area's tasks, known to the consumer and to this process)

    register_commands(app)
    register_web_layer(app)
    _register_error_pages(app)
    return app


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL lets readers work during a write; the busy timeout makes concurrent writers wait, not fail."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_login(app: Flask) -> None:
    from feedback.auth.operations import load_logged_in_user
    from feedback.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Veuillez vous connecter pour accéder à cette page.")
    # Flashed messages are stored in the session cookie: a plain string, in the language of the request.
    login_manager.localize_callback = str
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str) -> User | None:
        # The session cookie (or the "remember me" one) names a login session, which logging out, « se déconnecter
        # partout », a new password or deactivation delete: a copy of the cookie then opens nothing.
        return load_logged_in_user(cookie_id)


def _register_error_pages(app: Flask) -> None:
    from feedback.api.setup import http_problem, is_api_request, problem

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return http_problem(error)
        if request.path.startswith("/health"):
            return {"status": "error", "code": error.code}, error.code
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Never show a traceback; log it for the administrators.
        # The route's pattern, not the path: a personal link's token must not land in the error log.
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        app.logger.exception("Unhandled error on %s %s", request.method, route)
        db.session.rollback()
        if is_api_request():
            return problem(500)
        return render_template("errors/error.html", error=None), 500
