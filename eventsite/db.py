"""Declarative base, column types and database-specific connection setup."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from functools import wraps
from typing import Any, Mapping

from flask import g, has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import TypeDecorator

from eventsite.clock import utcnow  # noqa: F401  (the app's clock, imported from here by the areas)

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


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Connection.info key: this SQLite transaction holds the write lock (see start_writing).
_WRITING = "eventsite.sqlite_writing"


def _sqlite_begin_statement() -> str:
    """Writing requests take SQLite's write lock when their transaction begins.

    A deferred transaction that reads seat counts and then writes could interleave
    with another worker's; BEGIN IMMEDIATE serialises writers up front (readers are
    not blocked in WAL mode), which is SQLite's equivalent of locking the session row.
    A view marked `reads_first` begins with a plain read and takes the lock later,
    in `start_writing`.
    """
    if has_request_context() and (request.method in _SAFE_METHODS or g.get("sqlite_reads_first")):
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def reads_first(view):
    """Mark a writing view that reads (event, form, offer) before it writes anything.

    On SQLite its transaction begins as a plain read, so those reads do not hold the
    database's single write lock; the lock is taken by `start_writing`, which every
    domain function calls (through `lock_session`) before it decides and writes.
    The view must not write before that. PostgreSQL is unaffected: there the row
    lock (FOR UPDATE) does the same job.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.sqlite_reads_first = True
        return view(*args, **kwargs)

    return wrapper


def start_writing(session) -> None:
    """On SQLite in a `reads_first` request: trade the read transaction for a writing one.

    A read transaction cannot simply start writing in WAL mode: if another writer
    committed since its snapshot, SQLite refuses (SQLITE_BUSY_SNAPSHOT) instead of
    waiting. So the read transaction ends and BEGIN IMMEDIATE waits for the lock;
    what happens from here on (locked rows re-read with populate_existing, counts
    read afresh) sees every earlier commit. Loaded ORM objects stay loaded, as they
    would in a PostgreSQL transaction at READ COMMITTED.
    """
    if not (has_request_context() and g.get("sqlite_reads_first")):
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite" or connection.info.get(_WRITING):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a reads_first view changed rows before start_writing()")
    # ROLLBACK, not COMMIT: a read transaction has nothing to keep, and a stray write
    # made before this point must never be committed on its own.
    connection.exec_driver_sql("ROLLBACK")
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    connection.info[_WRITING] = True


def as_loaded(session, cls, values: Mapping[str, Any], related: Mapping[str, Any] | None = None):
    """The ORM object for a row just read or written with Core, as if the ORM had loaded it.

    Used where one Core statement (an upsert ... RETURNING) does what would take
    the ORM a SELECT and a flush. No SQL: an object already in the session gets the
    row's values as its loaded state, otherwise a new one joins the session clean.
    `related` fills many-to-one relationships with objects at hand; it also keeps
    them alive (the session holds clean objects only weakly), so reading
    `obj.person` later costs no query.
    """
    key = identity_key(cls, values["id"])
    obj = session.identity_map.get(key)
    if obj is None:
        obj = cls(**values)
        make_transient_to_detached(obj)
        session.add(obj)
    else:
        for name, value in values.items():
            set_committed_value(obj, name, value)
    for name, value in (related or {}).items():
        set_committed_value(obj, name, value)
    return obj


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
        statement = _sqlite_begin_statement()
        conn.exec_driver_sql(statement)
        conn.info[_WRITING] = statement == "BEGIN IMMEDIATE"


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_on_end(conn) -> None:
    conn.info.pop(_WRITING, None)
