"""gunicorn settings for production: an access log without personal tokens or addresses.

    gunicorn -c python:eventsite.gunicorn_conf wsgi:app

Personal links carry their token in the path (/tilmelding/<token>, /invitation/<token>/afbud,
calendar feeds), and query strings can hold one (?invitation=...) or a search for an
email address. gunicorn's access log writes the request line as it came, so this
configuration logs paths with every token-like segment replaced by "[token]" and query
strings and referrers left out. Other settings (bind, workers) come from the command
line or GUNICORN_CMD_ARGS as usual (WEB_CONCURRENCY sets the number of workers).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

#: A path segment that is a token: long and of the URL-safe token alphabet (signed
#: itsdangerous tokens, secrets.token_urlsafe keys), or anything with an "@".
_TOKEN_SEGMENT = re.compile(r"^(?:[A-Za-z0-9_\-.~=%]{16,}|.*@.*)$")

#: gunicorn's default format, minus the referrer: the page a request came from is a
#: URL with a token as often as not.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s"'
#: With EVENTSITE_LOG_FORMAT=json the app itself logs one JSON line per request
#: (eventsite/logs.py: endpoint, status, duration, request id), so gunicorn's access
#: line would only repeat it in another shape: off then.
accesslog = None if (os.environ.get("EVENTSITE_LOG_FORMAT") or "text").strip().lower() == "json" else "-"


def redacted_path(path: str) -> str:
    """`path` with token-like segments replaced by "[token]"; a query string becomes "?[...]"."""
    path, has_query, _query = path.partition("?")
    segments = ["[token]" if _TOKEN_SEGMENT.match(segment) else segment for segment in path.split("/")]
    return "/".join(segments) + ("?[...]" if has_query else "")


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens and query strings taken out of every path it logs."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        raw = redacted_path(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{environ['REQUEST_METHOD']} {raw} {environ['SERVER_PROTOCOL']}"
        atoms["U"] = redacted_path(environ.get("PATH_INFO") or "")
        atoms["q"] = "[...]" if environ.get("QUERY_STRING") else ""
        atoms["f"] = "-"
        # The request's headers and environ as atoms ({referer}i, {raw_uri}e) repeat what
        # is redacted above: left out.
        return {key: value for key, value in atoms.items() if not key.startswith("{")}


logger_class = RedactingLogger
