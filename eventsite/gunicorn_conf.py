"""gunicorn settings for production: an access log without personal tokens or addresses.

    gunicorn -c python:eventsite.gunicorn_conf wsgi:app

Personal links carry their token in the path (/tilmelding/<token>, /invitation/<token>/afbud,
calendar feeds), and query strings can hold one (?invitation=...) or a search for an
email address. gunicorn's access log writes the request line as it came, so this
configuration logs paths with every token-like segment replaced by "[token]" and query
strings and referrers left out (eventsite.logs.redacted_path, which the development
server's request lines use too); its error log's paths likewise. Other settings (bind, workers) come from the command
line or GUNICORN_CMD_ARGS as usual (WEB_CONCURRENCY sets the number of workers).

Metrics: with PROMETHEUS_MULTIPROC_DIR in the environment (of gunicorn and of the
mail worker on the same host; see eventsite.metrics), the directory is made if
missing, the files of processes that no longer run are removed when gunicorn starts
(their counts start again from zero, which Prometheus treats as a counter reset),
and a worker that exits is marked dead (`child_exit`), so its live gauges go.
"""

from __future__ import annotations

import contextlib
import glob
import os
from datetime import timedelta
from typing import Any

from flask_babel import gettext
from gunicorn.glogging import Logger
from prometheus_client import multiprocess

from eventsite.logs import redact_server_paths, redacted_path

#: gunicorn's default format, minus the referrer: the page a request came from is a
#: URL with a token as often as not.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s"'
#: With EVENTSITE_LOG_FORMAT=json the app itself logs one JSON line per request
#: (eventsite/logs.py: endpoint, status, duration, request id), so gunicorn's access
#: line would only repeat it in another shape: off then.
accesslog = None if (os.environ.get("EVENTSITE_LOG_FORMAT") or "text").strip().lower() == "json" else "-"


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens and query strings taken out of every path it logs
    (eventsite.logs.redacted_path, as for the development server's request lines)."""

    def __init__(self, cfg: Any) -> None:
        super().__init__(cfg)
        # "Error handling request /tilmelding/<token>" and the like.
        redact_server_paths(self.error_log)

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def prepare_metrics_directory(directory: str | None) -> None:
    """Make the multiprocess directory, and remove the files of processes that ended.

    Files of running processes stay: a mail worker on this host writes there too.
    """
    if not directory:
        return
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        # counter_1234.db, histogram_1234.db, gauge_livesum_1234.db: the pid is last.
        pid = os.path.splitext(os.path.basename(path))[0].rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)


# Here, when gunicorn reads this file: with --preload the app (and its metrics) is
# loaded before the on_starting hook would run.
prepare_metrics_directory(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def child_exit(server: Any, worker: Any) -> None:
    """A web worker ended: its live gauges must not be summed any more."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


#: Templates not compiled ahead: the back office's (few users) and the emails (the mail
#: worker renders those).
_NOT_WARMED = ("organiser/", "emails/", "email/")


def warm_up(app: Any) -> int:
    """Compile the public pages' templates and load the catalogues before any request.

    A worker's first request otherwise compiles every template it touches: the
    pre-filled invitation page took 170 ms of CPU cold against about 20 ms warm, and an
    invitation storm hits every worker at once. Returns the number of templates.
    """
    names = [
        name for name in app.jinja_env.list_templates() if name.endswith(".html") and not name.startswith(_NOT_WARMED)
    ]
    for name in names:
        app.jinja_env.get_template(name)
    with app.test_request_context("/"):
        gettext("Sign up")  # reads the catalogues
    return len(names)


def _flask_app(wsgi: Any) -> Any:
    return wsgi if hasattr(wsgi, "jinja_env") else None


def when_ready(server: Any) -> None:
    """With --preload the app lives in the master: warm it once, before the workers fork."""
    if server.cfg.preload_app:
        app = _flask_app(server.app.wsgi())
        if app is not None:
            warm_up(app)


def post_worker_init(worker: Any) -> None:
    """Without --preload (the deploy recipe: `systemctl reload` loads new code) each
    worker loads the app itself: warm it before it accepts a request."""
    if not worker.cfg.preload_app:
        app = _flask_app(worker.wsgi)
        if app is not None:
            warm_up(app)
