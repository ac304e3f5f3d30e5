"""`/metrics` for Prometheus, protected by a token, and the request timings behind it.

Where: at `/metrics` on the site itself, answered only to
`Authorization: Bearer <EVENTSITE_METRICS_TOKEN>` (compared in constant time); with
no token configured the page does not exist (404). We chose this over a separate
port because the web processes are gunicorn workers that share one listening
socket: a second port would need its own server thread in every worker, or a
separate exporter process, and each worker would show only its own counts. Through
the site, any worker answers and reads every process's counts from the
multiprocess directory (see eventsite.metrics), the mail workers' included. Behind
nginx, /metrics can also be limited to the monitoring host's address.

What a scrape computes itself, from the database: the outbox backlog by status
(queued, sending), the age of the oldest unsent email, and the seconds since the
last worker heartbeat. The counters come from the processes (eventsite.metrics).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from eventsite import metrics
from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage, OutboxStatus, WorkerHeartbeat
from eventsite.ops.health import UNSENT, _utc

bp = Blueprint("metrics", __name__)

#: Methods named in the labels; anything else a client invents counts as "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: g's key: when the request began (time.perf_counter()).
_STARTED = "eventsite_request_started"


@bp.get("/metrics")
def scrape() -> Response:
    expected = current_app.config.get("METRICS_TOKEN") or ""
    if not expected:
        abort(404)
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        response = current_app.response_class("unauthorized\n", status=401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = current_app.response_class(exposition(), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def exposition() -> bytes:
    """Every process's counters (or this process's alone) and the gauges read now."""
    directory = metrics.multiprocess_directory()
    if directory:
        counters = CollectorRegistry()
        MultiProcessCollector(counters, path=directory)  # type: ignore[no-untyped-call]
        text = generate_latest(counters)
    else:
        text = generate_latest(REGISTRY)
    now = CollectorRegistry()
    now.register(OutboxCollector())
    return text + generate_latest(now)


class OutboxCollector:
    """Gauges computed at scrape time from the database."""

    def collect(self) -> Iterator[Metric]:
        try:
            counts: dict[OutboxStatus, int] = {
                status: count
                for status, count in db.session.execute(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.status.in_(UNSENT))
                    .group_by(OutboxMessage.status)
                )
            }
            oldest = db.session.execute(
                select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNSENT))
            ).scalar_one()
            heartbeat = db.session.execute(select(func.max(WorkerHeartbeat.beat_at))).scalar_one()
        except Exception:  # the database is down: the counters still go out, and up says so
            db.session.rollback()
            yield GaugeMetricFamily("eventsite_database_up", "1 if the scrape could read the database.", value=0)
            return
        finally:
            db.session.rollback()  # reads only; end the transaction
        yield GaugeMetricFamily("eventsite_database_up", "1 if the scrape could read the database.", value=1)
        backlog = GaugeMetricFamily(
            "eventsite_outbox_backlog", "Emails not yet delivered, by status (queued, sending).", labels=["status"]
        )
        for status in UNSENT:
            backlog.add_metric([status.value], counts.get(status, 0))
        yield backlog
        now = utcnow()
        yield GaugeMetricFamily(
            "eventsite_outbox_oldest_unsent_seconds",
            "Age of the oldest email not yet delivered (0 when none waits).",
            value=max(0.0, (now - _utc(oldest)).total_seconds()) if oldest is not None else 0.0,
        )
        if heartbeat is not None:
            yield GaugeMetricFamily(
                "eventsite_worker_heartbeat_age_seconds",
                "Seconds since a mail worker last showed a sign of life.",
                value=max(0.0, (now - _utc(heartbeat)).total_seconds()),
            )


def _start_timer() -> None:
    g.setdefault(_STARTED, time.perf_counter())


def _record(response: Response) -> Response:
    started = g.get(_STARTED)
    if started is not None:
        # The URL rule's name (events.event_page), never the path: paths hold personal tokens.
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        metrics.REQUEST_SECONDS.labels(endpoint, method).observe(time.perf_counter() - started)
        metrics.RESPONSES.labels(endpoint, f"{response.status_code // 100}xx").inc()
    return response


def init_app(app: Flask) -> None:
    """Time every request; serve /metrics."""
    # First of all before_request functions, so the timing includes the others.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_record)
    app.register_blueprint(bp)
