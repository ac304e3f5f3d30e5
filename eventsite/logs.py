"""Logs: one line per request and per job run, as JSON or text, without personal data.

Members' union membership is special-category data, and a log line is copied to
journald, log shippers and support tickets. So what the site logs names *what*
happened, never *who*:

- a request is logged by its endpoint and URL rule (``registration.manage``,
  ``/tilmelding/<token>``), never by its path or query string: personal links carry
  their token in the path, searches carry addresses in the query string;
- a job run (eventsite.mail.jobs) is logged with its name, counts, duration and outcome;
- an exception is logged as its type and a scrubbed message (`scrub_message`: quoted
  values, addresses, tokens, long numbers and SQLAlchemy's statement parameters taken
  out) and the code locations of its traceback: never the values it was raised with.

Every request gets a request id: the incoming ``X-Request-ID`` when it is a sane one
(nginx's ``$request_id`` in the deploy recipe), else a fresh one; it is echoed in the
response's ``X-Request-ID`` header and carried by every line logged during the request.

``EVENTSITE_LOG_FORMAT`` picks ``json`` (one JSON object per line, for journald and log
shippers; the deploy template's choice) or ``text`` (readable, the default for
``make run``). The handler goes on the ``eventsite`` logger (stderr), except under
the test-suite, whose tests capture records with pytest's own handler.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import datetime, timezone
from types import TracebackType
from typing import Any, TextIO

from flask import Flask, Response, g, has_request_context, request

#: The package's logger: every area logs under it ("eventsite.mail", ...).
LOGGER = "eventsite"
log = logging.getLogger("eventsite.requests")

REQUEST_ID_HEADER = "X-Request-ID"
#: A request id we accept from the proxy: short, and of a plain alphabet (nginx's
#: $request_id is 32 hex digits; a uuid has dashes). Anything else is replaced.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

#: Marks the handler `init_app` installs, so a second app replaces it rather than adding one.
_HANDLER_MARK = "_eventsite_handler"

# --- scrubbing ---------------------------------------------------------------------------

#: SQLAlchemy appends the statement and its parameters (names, addresses) to its errors.
_SQL_DETAIL = re.compile(r"\s*\[(?:SQL|parameters|generated in)[^\]]*\].*", re.DOTALL)
#: ... and names the driver's exception first: "(psycopg.errors.UndefinedTable) ...".
_DRIVER_PREFIX = re.compile(r"^\([\w.]+\)\s*")
_BACKGROUND = re.compile(r"\s*\(Background on this error at:[^)]*\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_EMAIL = re.compile(r"[^\s@<>()\[\],;:]+@[^\s@<>()\[\],;:]+")
_TOKEN = re.compile(r"[A-Za-z0-9_\-.~=%]{16,}")
_NUMBER = re.compile(r"\d{5,}")
#: A capitalised word after the first: in an English error message more likely a name
#: ("lookup of Kirsten Bøgelund failed") than anything else.
_CAPITALISED = re.compile(r"(?<=[\s(,:;])[A-ZÆØÅÄÖÜÉ][a-zæøåäöüé'-]+")
#: Longest scrubbed message kept (job_runs.last_line holds 200 characters).
MESSAGE_LIMIT = 160

#: A path segment that is a token: long and of the URL-safe token alphabet (signed
#: itsdangerous tokens, secrets.token_urlsafe keys), or anything with an "@".
_TOKEN_SEGMENT = re.compile(r"^(?:[A-Za-z0-9_\-.~=%]{16,}|.*@.*)$")
#: A request path in a server's log line: "/" after a space, a quote or the start.
_LOGGED_PATH = re.compile(r"(?<![^\s\"'(])/[^\s\"']*")


def scrub_message(error: BaseException) -> str:
    """The exception's message with anything that could be personal data taken out.

    Only the first line is kept, SQLAlchemy's [SQL: ...] and [parameters: ...] go, and
    quoted values, addresses, token-like words, numbers of five digits or more and
    capitalised words after the first (names) are replaced by placeholders: what is
    left says what went wrong, not with whom.
    """
    message = str(error).split("\n", 1)[0]
    message = _DRIVER_PREFIX.sub("", _BACKGROUND.sub("", _SQL_DETAIL.sub("", message)))
    message = _QUOTED.sub("'…'", message)
    message = _EMAIL.sub("[address]", message)
    message = _TOKEN.sub("[token]", message)
    message = _NUMBER.sub("[number]", message)
    message = _CAPITALISED.sub("[name]", message)
    message = " ".join(message.split())
    return message[:MESSAGE_LIMIT]


def redacted_path(path: str) -> str:
    """`path` with token-like segments replaced by "[token]"; a query string becomes "?[...]".

    For the servers' own request lines (gunicorn's access log, werkzeug's development
    server), which know the path and not the URL rule the app logs.
    """
    path, has_query, _query = path.partition("?")
    segments = ["[token]" if _TOKEN_SEGMENT.match(segment) else segment for segment in path.split("/")]
    return "/".join(segments) + ("?[...]" if has_query else "")


class RedactPaths(logging.Filter):
    """Every request path in a server's log records made `redacted_path`.

    On werkzeug's logger (`make run`'s development server, the tests' live servers:
    ``"GET /tilmelding/<token> HTTP/1.1" 200``) and gunicorn's error log ("Error
    handling request /tilmelding/<token>").
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = _LOGGED_PATH.sub(lambda found: redacted_path(found.group(0)), message)
        record.args = ()
        return True


def redact_server_paths(logger: logging.Logger) -> None:
    """Install `RedactPaths` on a server's logger (once)."""
    if not any(isinstance(existing, RedactPaths) for existing in logger.filters):
        logger.addFilter(RedactPaths())


def describe(error: BaseException) -> str:
    """``TypeName: scrubbed message`` (or the type name alone)."""
    message = scrub_message(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def scrubbed_traceback(error: BaseException) -> str:
    """The traceback's frames (file, line, function, code) and each exception as `describe`s it.

    Chained exceptions (``raise ... from``, errors while handling another) come first,
    as Python prints them. No exception message is kept unscrubbed and no local values.
    """
    #: Newest first: each exception with the sentence that links it to the one before it.
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        older: BaseException | None = None
        link: str | None = None
        if current.__cause__ is not None:
            older, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            older, link = current.__context__, "During handling of the above exception, another exception occurred:"
        chain.append((current, link if older is not None and id(older) not in seen else None))
        current = older
    parts: list[str] = []
    for exception, link in reversed(chain):
        if link:
            parts.extend(["", link, ""])
        parts.append("Traceback (most recent call last):")
        parts.extend(line.rstrip("\n") for line in traceback.format_tb(exception.__traceback__))
        parts.append(describe(exception))
    return "\n".join(parts)


def _exception_of(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, tuple) and len(exc_info) == 3 and isinstance(exc_info[1], BaseException):
        return exc_info[1]
    return None


# --- formatters --------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's fields, request id."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", None) or {})
        request_id = getattr(record, "request_id", None) or _current_request_id()
        if request_id:
            data.setdefault("request_id", request_id)
        error = _exception_of(record.exc_info)
        if error is not None:
            data["error"] = describe(error)
            data["traceback"] = scrubbed_traceback(error)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``HH:MM:SS LEVEL [logger] message key=value ...``, tracebacks scrubbed as in JSON."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(name)s] %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        # Built here rather than by logging.Formatter.format, which would reuse a traceback
        # another handler cached on the record (record.exc_text), unscrubbed.
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        fields = dict(getattr(record, "fields", None) or {})
        request_id = getattr(record, "request_id", None) or _current_request_id()
        if request_id:
            fields.setdefault("request_id", request_id)
        if fields:
            line += " " + " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        error = _exception_of(ei)
        return scrubbed_traceback(error) if error is not None else ""


def _text_value(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{key}:{item}" for key, item in value.items()) or "-"
    return "-" if value is None else str(value)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (as logging.lastResort does)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def formatter_for(kind: str) -> logging.Formatter:
    """The formatter for EVENTSITE_LOG_FORMAT (`json` or `text`)."""
    if kind == "json":
        return JsonFormatter()
    if kind == "text":
        return TextFormatter()
    raise ValueError(f"EVENTSITE_LOG_FORMAT must be 'json' or 'text', not {kind!r}")


def configure(kind: str) -> None:
    """Send the package's log lines (INFO and up) to stderr in the given format."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(formatter_for(kind))
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


# --- requests ----------------------------------------------------------------------------


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return _current_request_id()


def _current_request_id() -> str | None:
    if not has_request_context():
        return None
    value = g.get("request_id")
    return value if isinstance(value, str) else None


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else secrets.token_hex(16)
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    identifier = _current_request_id()
    if identifier:
        response.headers[REQUEST_ID_HEADER] = identifier
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if isinstance(started, float) else None
    rule = request.url_rule.rule if request.url_rule is not None else None
    log.info(
        "%s %s %s",
        request.method,
        request.endpoint or "-",
        response.status_code,
        extra={
            "fields": {
                "event": "request",
                "method": request.method,
                "endpoint": request.endpoint,
                "rule": rule,
                "status": response.status_code,
                "duration_ms": round(duration, 1) if duration is not None else None,
            }
        },
    )
    return response


def log_unhandled(exc_info: tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]) -> None:
    """The app's log line for an exception a view raised (Flask's names the raw path)."""
    logging.getLogger("eventsite.errors").error(
        "unhandled exception in %s %s",
        request.method if has_request_context() else "-",
        (request.endpoint if has_request_context() else None) or "-",
        exc_info=exc_info,
    )


def init_app(app: Flask) -> None:
    """Request ids and one log line per request; the log handler unless under tests."""
    if not app.testing:
        configure(app.config.get("LOG_FORMAT") or "text")
    # werkzeug's request lines (`flask run`, the tests' threaded servers) name the path.
    redact_server_paths(logging.getLogger("werkzeug"))
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
