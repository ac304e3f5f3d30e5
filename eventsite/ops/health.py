"""`/healthz` and `/readyz` for the reverse proxy and monitoring.

`/healthz` says only that the process answers (no database): a proxy restarts or
routes around a process that does not. `/readyz` says whether the site can do its
work: the database answers, its schema is at the migrations' head, the oldest unsent
email is younger than READY_MAX_MAIL_AGE_MINUTES, and a mail worker has shown a sign
of life within READY_MAX_HEARTBEAT_MINUTES. It answers 200 with the checks as JSON,
or 503 naming the checks that failed. Neither carries personal data, neither is
cached, and neither needs a login.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime, timedelta, timezone
from typing import Any

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, jsonify
from flask_migrate import Config
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage, OutboxStatus, WorkerHeartbeat

bp = Blueprint("ops", __name__)

#: Emails not yet delivered: waiting, or claimed by a worker right now.
UNSENT = (OutboxStatus.QUEUED, OutboxStatus.SENDING)


@bp.get("/healthz")
def healthz() -> Response:
    response = current_app.response_class("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz() -> Response:
    checks = readiness()
    ready = all(check["ok"] for check in checks.values())
    failed = [name for name, check in checks.items() if not check["ok"]]
    response = jsonify(status="ready" if ready else "not ready", failed=failed, checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def readiness() -> dict[str, dict[str, Any]]:
    """Each check's outcome: {"database": {"ok": True}, "mail": {"ok": False, ...}, ...}."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        down = {"ok": False, "detail": "database unreachable"}
        return {"database": {"ok": False}, "migrations": down, "mail": down, "worker": down}
    try:
        return {
            "database": {"ok": True},
            "migrations": migration_state(),
            "mail": _mail(),
            "worker": _worker(),
        }
    finally:
        db.session.rollback()  # reads only; end the transaction


def migration_state() -> dict[str, Any]:
    """{"ok": schema at head, "current": the database's revision, "head": the code's}."""
    try:
        with db.session.begin_nested():
            current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:  # no alembic_version table: the database was never migrated
        current = []
    head = _head()
    return {"ok": current == [head], "current": ",".join(current) or None, "head": head}


def _head() -> str | None:
    return _head_of(current_app.extensions["migrate"].directory)


@functools.cache
def _head_of(directory: str) -> str | None:
    """The migrations' head (read once per process: the files do not change while it runs)."""
    config = Config(os.path.join(directory, "alembic.ini"))
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


def _mail() -> dict[str, Any]:
    oldest = db.session.execute(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNSENT))
    ).scalar_one()
    limit = current_app.config["READY_MAX_MAIL_AGE_MINUTES"]
    if oldest is None:
        return {"ok": True, "oldest_unsent_seconds": 0, "limit_seconds": limit * 60}
    age = _utc(oldest)
    seconds = max(0, int((utcnow() - age).total_seconds()))
    return {"ok": seconds < limit * 60, "oldest_unsent_seconds": seconds, "limit_seconds": limit * 60}


def _worker() -> dict[str, Any]:
    latest = db.session.execute(select(func.max(WorkerHeartbeat.beat_at))).scalar_one()
    limit = timedelta(minutes=current_app.config["READY_MAX_HEARTBEAT_MINUTES"])
    if latest is None:
        return {"ok": False, "last_heartbeat_seconds": None, "limit_seconds": int(limit.total_seconds())}
    seconds = max(0, int((utcnow() - _utc(latest)).total_seconds()))
    return {
        "ok": seconds < limit.total_seconds(),
        "last_heartbeat_seconds": seconds,
        "limit_seconds": int(limit.total_seconds()),
    }


def _utc(value: datetime) -> datetime:
    """min()/max() keep the column's type, so they come back aware; naive would mean UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
