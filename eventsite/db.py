"""Declarative base, column types and database-specific connection setup."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

#: Predictable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC, the same on SQLite and PostgreSQL.

    Naive datetimes are refused on the way in: a wall-clock time without a zone is
    ambiguous around the summer-time shift.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sqlite_begin_statement() -> str:
    """Writing requests take SQLite's write lock when their transaction begins.

    A deferred transaction that reads seat counts and then writes could interleave
    with another worker's; BEGIN IMMEDIATE serialises writers up front (readers are
    not blocked in WAL mode), which is SQLite's equivalent of locking the session row.
    """
    if has_request_context() and request.method in _SAFE_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event emit BEGIN instead of pysqlite's own logic.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_sqlite_begin_statement())
