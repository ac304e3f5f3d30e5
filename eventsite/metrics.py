"""Prometheus metrics: the counters every area records, defined in one place.

Infrastructure, beside `audit`: the areas record (sign-ups, cancellations,
deliveries, job runs, request latency) through the objects below, and
eventsite.ops exposes them at /metrics together with the gauges it computes at
scrape time (outbox backlog and oldest unsent age).

Several processes, one view. gunicorn's workers and the mail worker are separate
processes, so each keeps its own counts. With `PROMETHEUS_MULTIPROC_DIR` set (it
must be set before prometheus_client is imported, i.e. in the environment of
gunicorn and of `flask --app wsgi worker`), prometheus_client writes every
process's values to memory-mapped files in that directory, and a scrape of any web
process adds them all up: one directory per host, shared by the web processes and
the mail workers on it (eventsite/gunicorn_conf.py prepares it and forgets the
processes that exit). Without it (development, the test-suite) a process counts
for itself.

No personal data in labels: endpoint names come from the URL rule (never the path,
which may hold a personal token), mail kinds and job names are fixed enums, and
outcomes are a handful of words.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import Counter, Histogram, multiprocess
from sqlalchemy import event
from sqlalchemy.orm import Session

#: The environment variable prometheus_client reads for multiprocess mode.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

#: Request latency buckets (seconds): the sign-up's target is p99 < 0.3 s.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "eventsite_request_duration_seconds",
    "Time to answer a request, by Flask endpoint (the URL rule's name) and method.",
    ["endpoint", "method"],
    buckets=_LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "eventsite_responses",
    "Responses by Flask endpoint and status class (2xx, 3xx, 4xx, 5xx).",
    ["endpoint", "status"],
)
SIGNUPS = Counter(
    "eventsite_signups",
    "Committed sign-ups, by what the newcomer got: confirmed, waitlisted or held (awaiting the email link).",
    ["outcome"],
)
CANCELLATIONS = Counter("eventsite_cancellations", "Committed cancellations, by who cancelled.", ["by"])
MAIL_DELIVERED = Counter("eventsite_mail_delivered", "Emails accepted by the SMTP server, by mail kind.", ["kind"])
MAIL_FAILURES = Counter(
    "eventsite_mail_failures",
    "Failed delivery attempts by mail kind: temporary (retried later) or permanent (given up).",
    ["kind", "failure"],
)
JOB_RUNS = Counter(
    "eventsite_job_runs", "Runs of the scheduled jobs, by job and outcome (ok, failed).", ["job", "outcome"]
)

#: Session.info key: counts waiting for their transaction's commit.
_PENDING = "eventsite_metrics_pending"


def multiprocess_directory() -> str | None:
    """The shared directory of multiprocess mode, or None when each process counts alone."""
    return os.environ.get(MULTIPROC_ENV) or None


def process_exiting() -> None:
    """Called by a process that stops on purpose (the mail worker): its live gauges go."""
    if multiprocess_directory():
        multiprocess.mark_process_dead(os.getpid())


def count_on_commit(session: Session | Any, counter: Any, amount: float = 1.0) -> None:
    """Add `amount` to `counter` (a labelled child) when `session`'s transaction commits.

    A sign-up refused or rolled back after the domain function ran is not counted.
    """
    session.info.setdefault(_PENDING, []).append((counter, amount))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, amount in session.info.pop(_PENDING, ()):
        counter.inc(amount)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
