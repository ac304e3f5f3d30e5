"""eventsite: member events for Danish professional associations."""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import sys
import time
from types import TracebackType

from flask import Flask, render_template, request
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from eventsite import clock, extensions, headers, limits, logs, web

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EventsiteFlask(Flask):
    """Flask, with an unhandled exception logged without the request's path or values.

    Flask's own line names the raw path (a personal link's token) and its traceback
    ends with the exception's message (SQL parameters: names, addresses).
    """

    def log_exception(
        self, exc_info: tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]
    ) -> None:
        logs.log_unhandled(exc_info)


def create_app(config_object: type | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, error pages."""
    config_object = config_object or config_module.Config
    app = EventsiteFlask(
        __name__,
        instance_path=os.path.abspath(getattr(config_object, "INSTANCE_PATH", None) or os.path.join(ROOT, "instance")),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    app.config.from_object(config_object)
    app.config["INSTANCE_PATH"] = app.instance_path
    _finish_config(app)

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True, compare_type=True
    )
    extensions.csrf.init_app(app)
    web.init_app(app)
    logs.init_app(app)
    extensions.babel.init_app(app, locale_selector=_select_locale)

    # The areas are imported when an app is built, not when the package is: importing
    # any eventsite module (eventsite.db in a migration, eventsite.clock in a test)
    # runs this package's __init__ first, and must not pull in every view and its
    # dependencies. The same holds for each area's init_app below.
    from eventsite import (  # the areas, imported here for the reason above
        calendar,
        formatting,
        invitations,
        mail,
        meetings,
        models,  # noqa: F401  (all tables for Alembic)
        ops,
        organiser,
        payments,
        privacy,
        registration,
    )

    # Blueprints and the meetings' proceedings (afbud, minutes), for the same reason.
    from eventsite.api.views import bp as api_bp
    from eventsite.cli import register_cli
    from eventsite.events.views import bp as events_bp
    from eventsite.meetings import proceedings
    from eventsite.registration.views import bp as registration_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(api_bp)
    extensions.csrf.exempt(api_bp)
    formatting.init_app(app)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "da")
    register_cli(app)
    # Each area wires itself in: blueprints, template helpers, and what it registers
    # with the lower areas' registries (email renderers, sign-up extras, jobs).
    organiser.init_app(app)
    payments.init_app(app)
    registration.init_app(app)
    calendar.init_app(app)
    mail.init_app(app)
    invitations.init_app(app)
    meetings.init_app(app)
    proceedings.init_app(app)
    # After every area that registers personal data: the audit trail's category comes last.
    privacy.init_app(app)
    headers.init_app(app)
    ops.init_app(app)
    _register_error_pages(app)
    app.url_defaults(_static_version)
    # Last: it applies the limits of the views every area registered above.
    limits.init_app(app)
    if app.config["PROXY_HOPS"] > 0:
        hops = app.config["PROXY_HOPS"]
        # The client's address and scheme as the trusted proxies saw them: the login
        # rate limit counts per client, and secure cookies and redirects keep https.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    return app


def _finish_config(app: Flask) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "eventsite.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    refusals = production_refusals(app.config)
    if refusals and not _checking_deploy():
        raise RuntimeError(" ".join(refusals))
    if not app.config.get("SECRET_KEY") and app.config.get("ENV_NAME") != "production":
        app.config["SECRET_KEY"] = _development_secret_key(app.instance_path)
    if app.config.get("CLOCK_START") and app.config.get("ENV_NAME") != "production":
        clock.travel_to(clock.parse_start(app.config["CLOCK_START"]))
    # Each area may keep its own catalogue (eventsite/<area>/translations); Flask-Babel
    # merges them, so areas translate their strings without touching each other's files.
    package = os.path.join(ROOT, "eventsite")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        sorted(glob.glob(os.path.join(package, "**", "translations"), recursive=True))
    )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://") :]
    if uri.startswith("postgresql"):
        # A pooled connection that died with a database restart is noticed and
        # replaced before a request uses it, instead of failing that request.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def production_refusals(config: dict) -> list[str]:
    """Settings production refuses to start with (check-deploy reports them too)."""
    if config.get("ENV_NAME") != "production":
        return []
    refusals = []
    if not config.get("SECRET_KEY"):
        refusals.append("EVENTSITE_SECRET_KEY must be set when EVENTSITE_ENV=production.")
    if config.get("CLOCK_START"):
        refusals.append("EVENTSITE_CLOCK_START is for tests; production runs on the real clock.")
    if config.get("MAIL_BACKEND") == "log":
        refusals.append(
            "EVENTSITE_MAIL_BACKEND=log prints every email, with names and addresses, to the log;"
            " production sends them over SMTP (EVENTSITE_MAIL_BACKEND=smtp)."
        )
    return refusals


def _checking_deploy() -> bool:
    """`flask --app wsgi check-deploy` builds the app to report what is wrong, refusals included."""
    return "check-deploy" in sys.argv[1:]


def _development_secret_key(instance_path: str) -> str:
    """A generated key kept in the instance folder (development only).

    `make run` starts two processes, the web server and the mail worker; both must
    sign and check the same manage links, also after a restart.
    """
    path = os.path.join(instance_path, "development-secret-key")
    key = config_module.generated_secret_key()
    try:
        # O_EXCL: when both processes start at once, exactly one writes the key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            with open(path, encoding="ascii") as handle:
                stored = handle.read().strip()
            if stored:
                return stored
            time.sleep(0.05)  # the other process is writing it right now
        raise RuntimeError(f"{path} is empty; delete it and start again")
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def _static_version(endpoint: str, values: dict) -> None:
    """`url_for('static', filename=...)` gets ?v=<content hash>: nginx caches those for a year.

    A changed file gets a new URL, so browsers never keep an old stylesheet or script.
    """
    if endpoint != "static" or "v" in values or not values.get("filename"):
        return
    path = os.path.join(ROOT, "static", values["filename"])
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        return
    values["v"] = _content_hash(path, modified)


@functools.lru_cache(maxsize=256)
def _content_hash(path: str, modified: int) -> str:
    """The file's short SHA-256 (cached per modification time)."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


SUPPORTED_LOCALES = ("da", "en")


def _select_locale() -> str:
    requested = request.args.get("lang") if request else None
    if requested in SUPPORTED_LOCALES:
        return requested
    return "da"


def _register_error_pages(app: Flask) -> None:
    for code in (400, 404, 405, 410, 413, 500):
        app.register_error_handler(code, lambda error, code=code: (render_template("errors.html", code=code), code))
