"""Scratch databases for the benchmarks: a SQLite file in a directory, or a PostgreSQL database made afresh."""

from __future__ import annotations

from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def database_url(engine: str, directory: Path, name: str) -> str:
    """The URL of an empty database called `name` ("sqlite" or "postgres"); an existing one is dropped first."""
    if engine == "sqlite":
        path = directory / (name + ".sqlite")
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(engine: str, name: str) -> None:
    if engine == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
