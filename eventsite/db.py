"""Declarative base, column types and database-specific connection setup."""

from __future__ import annotations

import enum
import sqlite3
from contextvars import ContextVar, Token
from datetime import datetime, timezone
from typing import Any, Mapping

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, scoped_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import TypeDecorator

from eventsite.clock import utcnow as utcnow  # the app's clock, imported from here by the areas

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


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, the same on SQLite and PostgreSQL.

    Naive datetimes are refused on the way in: a wall-clock time without a zone is
    ambiguous around the summer-time shift.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: object | None, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=timezone.utc)


#: The lock mode of the unit of work in progress (see eventsite.web): "now" begins
#: SQLite transactions with BEGIN IMMEDIATE, "late" with a plain BEGIN that
#: `start_writing` upgrades, "read" (a view or step that only reads) with a plain
#: BEGIN. None is outside any declared unit of work (tests' fixtures, migrations,
#: shell): those may write at any point, so they take the lock up front like "now".
_lock_mode: ContextVar[str | None] = ContextVar("eventsite_lock_mode", default=None)
#: Connection.info key: this SQLite transaction holds the write lock (see start_writing).
_WRITING = "eventsite.sqlite_writing"


def lock_mode() -> str | None:
    return _lock_mode.get()


def set_lock_mode(mode: str | None) -> Token[str | None]:
    return _lock_mode.set(mode)


def reset_lock_mode(token: Token[str | None]) -> None:
    _lock_mode.reset(token)


def _sqlite_begin_statement() -> str:
    """A unit of work declared with lock="now" takes SQLite's write lock when it begins.

    A deferred transaction that reads seat counts and then writes could interleave
    with another worker's; BEGIN IMMEDIATE serialises writers up front (readers are
    not blocked in WAL mode), which is SQLite's equivalent of locking the session row.
    A unit of work declared with lock="late" begins with a plain read and takes the
    lock later, in `start_writing`.
    """
    return "BEGIN" if _lock_mode.get() in ("read", "late") else "BEGIN IMMEDIATE"


def start_writing(session: Session | scoped_session[Session]) -> None:
    """In a lock="late" unit of work on SQLite: end the read transaction, write from here on.

    A read transaction cannot simply start writing in WAL mode: if another writer
    committed since its snapshot, SQLite refuses (SQLITE_BUSY_SNAPSHOT) instead of
    waiting. So the Session commits its read transaction (it has nothing to write:
    that is checked) without expiring what it loaded, and the unit of work carries on
    in lock="now" mode: its next transaction begins with BEGIN IMMEDIATE and waits for
    the lock. What happens from there (locked rows re-read with populate_existing,
    counts read afresh) sees every earlier commit, as a PostgreSQL transaction at READ
    COMMITTED would. Every domain function that decides on seats calls this (through
    `lock_session`); elsewhere, and on PostgreSQL, it does nothing.
    """
    if _lock_mode.get() != "late":
        return
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError('a lock="late" unit of work changed rows before start_writing()')
    _lock_mode.set("now")
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def as_loaded(session: Any, cls: Any, values: Mapping[str, Any], related: Mapping[str, Any] | None = None) -> Any:
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
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
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
def _sqlite_on_begin(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        statement = _sqlite_begin_statement()
        conn.exec_driver_sql(statement)
        conn.info[_WRITING] = statement == "BEGIN IMMEDIATE"


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_on_end(conn: Connection) -> None:
    # Only SQLite marks connections; and a connection the database dropped (a
    # PostgreSQL restart) is invalid here, where reading `info` would raise.
    if conn.dialect.name == "sqlite" and not conn.invalidated:
        conn.info.pop(_WRITING, None)


def enum_column(enum_cls: type[enum.Enum], length: int) -> Enum:
    """A portable enum stored as its value in a VARCHAR with a CHECK constraint."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda cls: [member.value for member in cls],
        create_constraint=True,
        name=f"{enum_cls.__name__.lower()}",
        validate_strings=True,
    )
