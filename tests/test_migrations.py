"""The migrations build the schema the models describe, on the engine under test."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import Enum, inspect, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from feedback import create_app
from feedback.db import db


@contextlib.contextmanager
def fresh_database(tmp_path):
    """An empty database of the engine under test: a new SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    import psycopg

    base = make_url(url)
    name = f"retours_migrations_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_app(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()


def test_upgrade_builds_every_table_of_the_models(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_agree(migrated_app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
    assert differences == []


def test_downgrade_to_base_removes_everything(migrated_app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def _table_constraints_sql(table: str) -> str:
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conrelid = CAST(:t AS regclass)"),
            {"t": table},
        ).scalars()
        return " ".join(rows)
    return db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}).scalar_one()


def test_every_enum_value_of_the_models_is_allowed_by_the_migrated_check_constraints(migrated_app):
    """Autogenerate does not compare CHECK constraints: a value added to an enum needs its own migration."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum) and column.type.create_constraint:
                constraints = _table_constraints_sql(table.name)
                missing = [v for v in column.type.enums if f"'{v}'" not in constraints]
                assert not missing, f"{table.name}.{column.name}: {missing} refused by the migrated database"
