"""The web layer's one transaction boundary and its one way of saying "no".

Every request, worker step and CLI command is one unit of work: domain functions
flush, never commit; the boundary commits when the work succeeded and rolls back
when it did not. For a view that is the `writes` decorator (model: Indico's
`RH.process`); for the mail worker and the CLIs it is `unit_of_work`.

A refusal meant for the person (a full session, a price that is not a number, a
deadline that has passed) is a `UserError` with a Danish message and, where it
belongs to one, the form field it is about (model: pretix's `OrderError`). A view
shows it with `refuse`, which also throws away what the attempt wrote, so the page
that explains the refusal reads the database as it was.

SQLite has one write lock per database, and which transactions take it is stated
here, per view, rather than guessed from the HTTP verb:

- ``lock="now"``: the transaction begins with BEGIN IMMEDIATE, so two writers never
  read the same seat count and both decide on it (SQLite's equivalent of locking the
  session row; readers are not blocked in WAL mode).
- ``lock="late"``: the view reads (event, form, offer) in a plain transaction and
  the domain function takes the lock with `eventsite.db.start_writing` just before it
  decides; the view must not write before that. Used by the hot sign-up path, where
  holding the lock through form validation would serialise the whole request.

Views without `writes` read only: their transactions begin deferred, and a write in
one of them is an error (see `_refuse_unowned_writes`). PostgreSQL is unaffected by
the lock mode: there the domain functions lock rows with FOR UPDATE.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, Protocol, TypeVar

from flask import Flask, Response, current_app, flash, g, has_request_context, render_template, request
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, scoped_session
from werkzeug.routing import IntegerConverter, Map

from eventsite import db as database
from eventsite.extensions import db

LockMode = Literal["now", "late"]

log = logging.getLogger("eventsite.web")

#: Seconds a visitor (or a proxy) is told to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 30

#: What a visitor sees if even the error page cannot be rendered.
_UNAVAILABLE_FALLBACK = (
    '<!doctype html><html lang="da"><meta charset="utf-8"><title>503</title>'
    "<h1>Siden er midlertidigt utilgængelig</h1><p>Prøv igen om lidt.</p></html>"
)

F = TypeVar("F", bound=Callable[..., Any])

#: The view function's attribute that carries its declared lock mode.
_LOCK_ATTRIBUTE = "eventsite_lock"


class UserError(Exception):
    """An action refused with a message for the person, optionally about one form field.

    `message` may be a lazy string: it is translated when shown, in the request's locale.
    """

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class _Form(Protocol):
    form_errors: list[Any]


def show_error(error: UserError, form: _Form | None = None) -> None:
    """Show a refusal: on its field, else at the top of the form, else as a flash message."""
    if form is None:
        flash(str(error.message), "error")
        return
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        # WTForms keeps a field's errors as a tuple until validation has run.
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def refuse(error: UserError, form: _Form | None = None) -> None:
    """Throw away what this attempt wrote, then show why it was refused.

    The rollback comes first, so the page that explains the refusal (seat counts,
    lists) reads the database as it was before the attempt.
    """
    db.session.rollback()
    show_error(error, form)


def discard() -> None:
    """Throw away what this attempt wrote (a refusal shown some other way, e.g. a 404)."""
    db.session.rollback()


def keep_changes() -> None:
    """Commit this request's work even though its response is an error.

    For the few refusals that must leave a trace, e.g. a failed login that counts
    towards the lockout, answered with 401.
    """
    g.eventsite_keep_changes = True


def writes(lock: LockMode = "now") -> Callable[[F], F]:
    """Declare a writing view: one unit of work that commits or rolls back as a whole.

    The view's work is committed when it returns a response below 400, and rolled
    back when it raises (abort() included) or answers with an error status, unless
    it called `keep_changes`. The lock mode is read before the request's first
    query (see `_declare_lock_mode`), so even the login check runs in it.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except BaseException:
                db.session.rollback()
                raise
            if response.status_code < 400 or g.pop("eventsite_keep_changes", False):
                db.session.commit()
            else:
                db.session.rollback()
            # The unit of work is over: what the response still reads while it streams
            # (an export) reads, without holding SQLite's write lock.
            database.set_lock_mode("read")
            return response

        setattr(wrapper, _LOCK_ATTRIBUTE, lock)
        return wrapper  # type: ignore[return-value]

    return decorate


@contextmanager
def unit_of_work(lock: LockMode = "now") -> Iterator[scoped_session[Any]]:
    """The same boundary outside a request: the mail worker's steps and the CLI commands.

    Commits when the block ends normally, rolls back when it raises.
    """
    token = database.set_lock_mode(lock)
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        database.reset_lock_mode(token)


@contextmanager
def reading() -> Iterator[scoped_session[Any]]:
    """A stretch of work outside a request that only reads (the mail worker rendering).

    Its SQLite transactions begin deferred, so they never hold the write lock; a
    write inside it is an error. It neither commits nor rolls back: the caller's
    unit of work does.
    """
    token = database.set_lock_mode("read")
    try:
        yield db.session
    finally:
        database.reset_lock_mode(token)


def _declare_lock_mode() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    mode = getattr(view, _LOCK_ATTRIBUTE, "read")
    g.eventsite_lock_token = database.set_lock_mode(mode)


def _end_lock_mode(_exc: BaseException | None = None) -> None:
    token = g.pop("eventsite_lock_token", None)
    if token is not None:
        database.reset_lock_mode(token)


@event.listens_for(Session, "before_flush")
def _refuse_unowned_writes(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A view that did not declare `writes` reads only: its writes would never be committed."""
    if database.lock_mode() == "read":
        where = request.endpoint if has_request_context() else "a reading() block"
        raise RuntimeError(f"{where} wrote to the database without a unit of work (@writes)")


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: at most the largest id a database column holds.

    A larger number (/arrangementer/99999999999999999999) is no page, so 404, rather
    than an overflow in the database driver (a 500).
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


#: PostgreSQL's INTEGER, the type of every id column.
MAX_ID = 2**31 - 1


def id_arg(name: str) -> int | None:
    """A query-string id or page number: None unless a whole number from 1 to MAX_ID.

    `request.args.get(name, type=int)` would pass 10**30 on to the database (a 500).
    """
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= MAX_ID else None


def _database_unavailable(error: Exception) -> Response:
    """The database could not be reached (restarting, failing over): a 503 in Danish.

    The request's transaction is gone with its connection, so nothing of it was
    written; the pool drops the broken connection, and the next request connects
    afresh. Retry-After tells proxies and people to come back shortly.
    """
    log.warning("database unavailable: %s", type(error.orig if hasattr(error, "orig") else error).__name__)
    try:
        db.session.rollback()
    except Exception:  # the connection is beyond rolling back: drop it
        db.session().invalidate()
    try:
        body = render_template("errors.html", code=503)
    except Exception:  # the page itself needed the database (a logged-in user, say)
        db.session().invalidate()
        body = _UNAVAILABLE_FALLBACK
    response = current_app.make_response((body, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _close_session(_exc: BaseException | None = None) -> None:
    """End the session at the end of the request, also when the database has just gone.

    Closing rolls back; when the database went away after the response was made
    (a restart), that rollback fails, and the failure would turn a finished answer
    into a 500. The connection is then dropped instead (the pool replaces it).
    """
    try:
        db.session.close()
    except (OperationalError, InterfaceError):
        db.session().invalidate()


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    # Runs before Flask-SQLAlchemy's own teardown (bound earlier; teardowns run in
    # reverse), which then finds the session closed.
    app.teardown_appcontext(_close_session)
    # Before any blueprint is registered: rules take their converters when added.
    app.url_map.converters["int"] = DatabaseIdConverter
    # First of all before_request functions: the login check's query already runs in
    # the view's declared lock mode.
    app.before_request_funcs.setdefault(None, []).insert(0, _declare_lock_mode)
    app.teardown_request(_end_lock_mode)
