"""`flask --app wsgi check-deploy`: what is wrong or risky in the production settings.

Run it as the service user with the service's environment file (deploy/eventsite-flask
does both) after every change of settings or code. Each finding is one line in plain
English (as the other commands' output) naming the EVENTSITE_* variable to change:

    ERROR    a setting the site must not run with: exit status 1
    WARNING  a setting that works but is risky or unusual: said, exit status 0
    ok       a check that passed

The app the command runs in is built from the same settings as the web processes,
except that production's start-up refusals (no secret key, the log mail backend, a
test clock) are reported here as errors instead of stopping the command first.
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from sqlalchemy import text

import config as config_module
from eventsite.extensions import db
from eventsite.mail.jobs import registered_jobs
from eventsite.ops.health import migration_state

Level = Literal["error", "warning", "ok"]

#: Keys that are public (the test-suite's, the template's placeholder): never in production.
KNOWN_KEYS = (
    "test-secret-key-not-for-production",
    "live-server-secret-key-not-for-production",
    "change-me",
    "changeme",
    "secret",
    "REPLACE-WITH-THE-OUTPUT-OF-secrets.token_urlsafe",
)
#: Shortest secret key accepted: 32 characters of `secrets.token_urlsafe` are ~190 bits.
MIN_KEY_LENGTH = 32
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str


def _error(message: str) -> Finding:
    return Finding("error", message)


def _warning(message: str) -> Finding:
    return Finding("warning", message)


def _ok(message: str) -> Finding:
    return Finding("ok", message)


def check_deploy(app: Flask) -> list[Finding]:
    """Every check's findings, in the order an operator would fix them."""
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(app))
    return findings


# --- the checks --------------------------------------------------------------------------


def _environment(app: Flask) -> Iterator[Finding]:
    name = app.config.get("ENV_NAME")
    if name != "production":
        yield _error(f"EVENTSITE_ENV is {name!r}: set EVENTSITE_ENV=production (secure cookies, no generated key).")
    else:
        yield _ok("EVENTSITE_ENV is production.")
    if app.debug or (os.environ.get("FLASK_DEBUG") or "").strip().lower() in {"1", "true", "yes", "on"}:
        yield _error("Debug mode is on (FLASK_DEBUG): it shows code and data on errors. Unset FLASK_DEBUG.")
    if app.config.get("CLOCK_START"):
        yield _error("EVENTSITE_CLOCK_START is set: it is for tests only. Remove it.")
    if not app.config.get("SESSION_COOKIE_SECURE"):
        yield _error("Cookies are sent without the Secure flag: unset EVENTSITE_SECURE_COOKIES (on in production).")


def _secret_key(app: Flask) -> Iterator[Finding]:
    key = os.environ.get("EVENTSITE_SECRET_KEY") or ""
    if not key:
        yield _error(
            "EVENTSITE_SECRET_KEY is not set. It signs sessions and personal links; create one with"
            " `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    elif key in KNOWN_KEYS or key.lower().startswith(("change", "replace")):
        yield _error(
            "EVENTSITE_SECRET_KEY is a known example value: anyone could forge personal links. Make a new one."
        )
    elif len(key) < MIN_KEY_LENGTH:
        yield _error(f"EVENTSITE_SECRET_KEY has {len(key)} characters; use at least {MIN_KEY_LENGTH} random ones.")
    else:
        yield _ok("EVENTSITE_SECRET_KEY is set and long enough.")


def _base_url(app: Flask) -> Iterator[Finding]:
    url = app.config.get("BASE_URL") or ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        yield _error(f"EVENTSITE_BASE_URL is {url!r}: links in emails must be https://your.domain.")
    elif parts.hostname in LOCAL_HOSTS:
        yield _error(f"EVENTSITE_BASE_URL points at this machine ({parts.hostname}): use the public domain name.")
    else:
        yield _ok(f"EVENTSITE_BASE_URL is {url}.")


def _mail(app: Flask) -> Iterator[Finding]:
    config = app.config
    backend = config.get("MAIL_BACKEND")
    if backend != "smtp":
        yield _error(
            f"EVENTSITE_MAIL_BACKEND is {backend!r}: production sends over SMTP (EVENTSITE_MAIL_BACKEND=smtp)."
        )
        return
    server, port = config.get("MAIL_SERVER") or "", config.get("MAIL_PORT")
    if (server, port) == ("127.0.0.1", 8025):
        yield _error("EVENTSITE_MAIL_SERVER/PORT are the development defaults (127.0.0.1:8025): set your SMTP relay.")
    elif not config.get("MAIL_USE_TLS"):
        if server in LOCAL_HOSTS:
            yield _warning(
                f"SMTP to {server}:{port} without TLS: fine for a local relay (postfix) that sends on with"
                " TLS; otherwise set EVENTSITE_MAIL_USE_TLS=true."
            )
        else:
            yield _error(
                f"SMTP to {server}:{port} without TLS: emails with personal links would cross the network"
                " readable. Set EVENTSITE_MAIL_USE_TLS=true."
            )
    else:
        yield _ok(f"Mail goes to {server}:{port} over TLS.")
    sender = config.get("MAIL_DEFAULT_SENDER") or ""
    if sender.endswith("@localhost") or "@" not in sender:
        yield _warning(f"EVENTSITE_MAIL_DEFAULT_SENDER is {sender!r}: receivers will reject or spam-file it.")


def web_workers(environ: dict[str, str] | None = None) -> int:
    """gunicorn's worker count from GUNICORN_CMD_ARGS or WEB_CONCURRENCY (gunicorn's default: 1)."""
    environ = dict(os.environ) if environ is None else environ
    arguments = shlex.split(environ.get("GUNICORN_CMD_ARGS") or "")
    for index, argument in enumerate(arguments):
        if argument in {"-w", "--workers"} and index + 1 < len(arguments):
            return int(arguments[index + 1])
        if argument.startswith("--workers="):
            return int(argument.split("=", 1)[1])
    return int(environ.get("WEB_CONCURRENCY") or 1)


def _rate_limits(app: Flask) -> Iterator[Finding]:
    if not app.config.get("RATELIMIT_ENABLED"):
        yield _error("EVENTSITE_RATELIMIT_ENABLED is off: nothing stops one client from booking out a session.")
        return
    storage = app.config.get("RATELIMIT_STORAGE_URI") or ""
    workers = web_workers()
    if storage.startswith("memory://"):
        if workers > 1:
            yield _error(
                f"Rate limits count in memory with {workers} web workers: each counts on its own, so every"
                f" limit is {workers} times too high. Set EVENTSITE_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0."
            )
        else:
            yield _warning(
                "Rate limits count in memory: right for one web worker only, and reset at every restart."
                " Production should use Redis (EVENTSITE_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0)."
            )
        return
    limiter = app.extensions.get("eventsite_limiter")
    reachable = False
    try:
        reachable = bool(limiter is not None and limiter.storage.check())
    except Exception:  # noqa: BLE001 (any failure means: not reachable)
        reachable = False
    redacted = re.sub(r"//[^@/]*@", "//…@", storage)  # no password in the output
    if reachable:
        yield _ok(f"Rate limits count in {redacted}, shared by every web worker.")
    else:
        yield _error(f"The rate-limit storage {redacted} does not answer: start Redis or correct the URL.")


def _proxy(app: Flask) -> Iterator[Finding]:
    hops = app.config.get("PROXY_HOPS", 0)
    if hops < 1:
        yield _error(
            "EVENTSITE_PROXY_HOPS is 0 but the site runs behind nginx: every client would share nginx's"
            " address in the rate limits, and https would look like http. Set EVENTSITE_PROXY_HOPS=1."
        )
    elif hops > 1:
        yield _warning(
            f"EVENTSITE_PROXY_HOPS is {hops}: right only with {hops} proxies in front (e.g. a load balancer and"
            " nginx); with fewer, clients can choose their own address in X-Forwarded-For."
        )
    else:
        yield _ok("EVENTSITE_PROXY_HOPS is 1 (nginx in front).")


def _writable(path: str) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".check-deploy-"):
            return True
    except OSError:
        return False


def _directories(app: Flask) -> Iterator[Finding]:
    folders = {"The instance folder (EVENTSITE_INSTANCE_PATH)": app.instance_path}
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        folders["The SQLite database's folder"] = os.path.dirname(uri[len("sqlite:///") :]) or "."
    for what, path in folders.items():
        if not os.path.isdir(path):
            yield _error(f"{what} {path} does not exist: create it, owned by the service user.")
        elif not _writable(path):
            yield _error(f"{what} {path} is not writable by this user: chown it to the service user.")
        else:
            yield _ok(f"{what} {path} is writable.")


def _database(app: Flask) -> Iterator[Finding]:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        yield _warning(
            "The database is SQLite: fine for one server and a few hundred sign-ups at once; back it up with"
            " `flask --app wsgi backup PATH`. Several servers need PostgreSQL (EVENTSITE_DATABASE_URL)."
        )
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 (any failure means: unreachable)
        db.session.rollback()
        yield _error(f"The database does not answer ({type(error).__name__}): check EVENTSITE_DATABASE_URL.")
        return
    try:
        state = migration_state()
    finally:
        db.session.rollback()
    if state["ok"]:
        yield _ok(f"The database answers and its schema is at the migrations' head ({state['head']}).")
    else:
        yield _error(
            f"The database's schema is at {state['current'] or 'nothing'}, the code needs {state['head']}:"
            " run `flask --app wsgi db upgrade`."
        )


def _unknown_variables(app: Flask) -> Iterator[Finding]:
    """EVENTSITE_* variables config.py does not read: typos, or settings of an older release."""
    known = set(known_variables(app))
    for name in sorted(os.environ):
        if name.startswith("EVENTSITE_") and name not in known and not name.startswith("EVENTSITE_TEST_"):
            yield _warning(f"{name} is set but eventsite does not read it (a typo?).")


def known_variables(app: Flask) -> list[str]:
    """Every EVENTSITE_* variable config.py reads, with one interval variable per registered job."""
    with app.app_context():
        jobs = [f"EVENTSITE_JOB_{job.name.upper()}_MINUTES" for job in registered_jobs()]
    return sorted(set(config_variables()) | set(jobs))


def config_variables() -> list[str]:
    """The EVENTSITE_* names config.py reads with _env/_env_int/_env_bool (read from its source)."""
    with open(config_module.__file__, encoding="utf-8") as handle:
        source = handle.read()
    return sorted({f"EVENTSITE_{name}" for name in re.findall(r"_env(?:_int|_bool)?\(\s*\"([A-Z0-9_]+)\"", source)})


CHECKS: list[Callable[[Flask], Iterator[Finding]]] = [
    _environment,
    _secret_key,
    _base_url,
    _mail,
    _rate_limits,
    _proxy,
    _directories,
    _database,
    _unknown_variables,
]

LABELS = {"error": "ERROR  ", "warning": "WARNING", "ok": "ok     "}


def register_cli(app: Flask) -> None:
    @app.cli.command("check-deploy")
    def check_deploy_command() -> None:
        """Say what is wrong or risky in the production settings; exit status 1 on errors."""
        findings = check_deploy(current_app._get_current_object())  # type: ignore[attr-defined]
        click.echo("Checking the production settings (EVENTSITE_* in this environment):")
        for finding in findings:
            click.echo(f"  {LABELS[finding.level]}  {finding.message}")
        errors = sum(finding.level == "error" for finding in findings)
        warnings = sum(finding.level == "warning" for finding in findings)
        if errors:
            click.echo(f"{errors} error(s), {warnings} warning(s): fix the errors before serving the site.")
            raise SystemExit(1)
        click.echo(f"No errors, {warnings} warning(s): the settings are fit for production.")
