"""The framework's ceiling: a minimal Flask + Flask-WTF + SQLAlchemy app that renders a form and inserts one row.

`benchmarks/survey_load.py` runs the same participants against it and against Retours, in the same run, so
that Retours' throughput is read as a share of what the stack itself allows on this machine.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect, render_template_string
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import RadioField, TextAreaField


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Row(db.Model):
    __tablename__ = "ceiling_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int]
    comment: Mapped[str]
    created: Mapped[datetime]


class AnswerForm(FlaskForm):
    level = RadioField(choices=["1", "2", "3", "4"])
    comment = TextAreaField()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=15000")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


PAGE = """<!doctype html><form method=post>{{ form.hidden_tag() }}
{% for f in form.level %}{{ f }}{{ f.label }}{% endfor %}{{ form.comment }}<button>OK</button></form>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "ceiling"),
        SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
        WTF_CSRF_TIME_LIMIT=None,
    )
    db.init_app(app)
    with app.app_context():
        db.create_all()

    @app.route("/s/<code>", methods=["GET", "POST"])
    def form(code: str):
        form = AnswerForm()
        if form.validate_on_submit():
            db.session.add(Row(level=int(form.level.data), comment=form.comment.data or "", created=datetime.now(UTC)))
            db.session.commit()
            return redirect(f"/s/{code}/merci", code=303)
        return render_template_string(PAGE, form=form)

    @app.get("/s/<code>/merci")
    def thanks(code: str):
        return "merci"

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app
