"""The declarative base, with a naming convention so that migrations stay stable."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, DateTime, Enum, MetaData, Result, Table, TypeDecorator
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def str_enum(enum_cls: type[enum.Enum], length: int = 40) -> Enum:
    """Stored as its value in a VARCHAR with a CHECK constraint: portable and readable in SQL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
    )


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both engines (SQLite has no time zone type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Every model subclasses `Model`: Flask-SQLAlchemy's `db.Model` at run time (it adds `query` and the table names),
# the declarative base for the type checker, which cannot see through `db.Model`.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements (executemany inserts); typed as the Table it is."""
    return cast(Table, model.__table__)


def insert_unless_duplicate(table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING, on either engine: a row that would break a UNIQUE constraint is not written.

    For a write another request may race: the loser gets no row back (with RETURNING) instead of an error, so its
    transaction stays usable and nothing has to be rolled back to find out what the winner stored.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def affected_rows(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE run through `db.session.execute` (typed as a plain Result)."""
    return cast("CursorResult[Any]", result).rowcount


def utcnow() -> datetime:
    return datetime.now(UTC)
