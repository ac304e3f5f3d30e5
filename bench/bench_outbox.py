"""Outbox delivery: 1,000 sign-up confirmations with iCal invitations, one worker, to a local SMTP sink.

For each backend: a fresh database; 1,000 people sign up (register + notify, as the
view does) so 1,000 confirmations wait in the outbox. An aiosmtpd server in this
process receives them; one `flask --app wsgi worker --once` process (throttle off,
EVENTSITE_MAIL_RATE=0) renders each from the database, sends it over SMTP and marks
it sent. Reported: messages per second between the first and the last arrival (the
worker's steady rate), over the whole run including the worker's start-up, and the
worker's CPU time per message (which depends much less on what else the machine does).

Correctness checks: 1,000 distinct Message-IDs arrive, each once, each with a
`text/calendar; method=REQUEST` part, and every outbox row ends SENT.

Run alone with `.venv/bin/python bench/bench_outbox.py [--backends sqlite]`; `make
bench` runs it through bench/run.py.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402

TITLE = "outbox delivery of 1,000 confirmations with iCal to a local SMTP sink, one worker (target: >= 100 messages/s)"

MESSAGES = 1000
TARGET_PER_SECOND = 100.0
SECRET_KEY = "bench-outbox"


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-outbox"
        BASE_URL = "https://eventsite.example"

    return create_app(BenchConfig)


def queue(app) -> None:
    from datetime import time as clock
    from datetime import timedelta

    from eventsite.db import utcnow
    from eventsite.events.models import Event, EventKind, EventSession, Organisation, ProgrammeItem, Venue
    from eventsite.extensions import db
    from eventsite.registration.notifications import notify_signup
    from eventsite.registration.operations import PersonDetails, register

    with app.app_context():
        organisation = Organisation(
            slug="lederforeningen",
            name="Lederforeningen – sektion for ledere",
            sender_email="arrangementer@lederforeningen.example",
        )
        venue = Venue(
            organisation=organisation,
            name="Herlev Medborgerhus",
            address="Herlev Bygade 90",
            postcode="2730",
            city="Herlev",
            municipality_code="0163",
        )
        event = Event(
            organisation=organisation,
            title="Årsmøde med generalforsamling",
            kind=EventKind.AARSMOEDE,
            published=True,
            description="Årets generalforsamling, med beretning og valg.",
        )
        start = utcnow().replace(microsecond=0) + timedelta(days=30)
        session = EventSession(
            event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=4), capacity=None
        )
        db.session.add_all([organisation, venue, event, session])
        for hour, title in ((17, "Velkomst"), (17, "Beretning"), (18, "Valg"), (19, "Middag")):
            db.session.add(ProgrammeItem(session=session, starts_at=clock(hour, 0), title=title))
        db.session.commit()
        session_id = session.id
    with app.test_request_context(method="POST"):
        for number in range(MESSAGES):
            registration = register(
                session_id, PersonDetails(name=f"Leder nr. {number}", email=f"leder{number}@example.dk")
            )
            notify_signup(registration)
            if number % 100 == 99:
                db.session.commit()
        db.session.commit()


def measure(backend) -> tuple[list[list[object]], bool]:
    from sqlalchemy import func, select

    from eventsite.extensions import db
    from eventsite.mail.models import OutboxMessage, OutboxStatus
    from tests.mail.smtp_sink import SMTPSink

    url = backend.new_database("outbox")
    app = _app(url)
    began = time.perf_counter()
    queue(app)
    print(f"  {backend.name}: {MESSAGES} confirmations queued in {time.perf_counter() - began:.1f} s", flush=True)

    sink = SMTPSink().start()
    arrivals: list[float] = []
    sink.handler.on_data = lambda number: arrivals.append(time.perf_counter())
    env = dict(
        os.environ,
        EVENTSITE_DATABASE_URL=url,
        EVENTSITE_SECRET_KEY=SECRET_KEY,
        EVENTSITE_BASE_URL="https://eventsite.example",
        EVENTSITE_MAIL_BACKEND="smtp",
        EVENTSITE_MAIL_SERVER="127.0.0.1",
        EVENTSITE_MAIL_PORT=str(sink.port),
        EVENTSITE_MAIL_RATE="0",
        PYTHONPATH=ROOT,
    )
    started = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        sink.stop()
    finished = time.perf_counter()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children_after.ru_utime - children_before.ru_utime) + (
        children_after.ru_stime - children_before.ru_stime
    )

    received = sink.received
    ids = Counter(item.message_id for item in received)
    with_calendar = sum(
        1
        for item in received
        if b'text/calendar; method="REQUEST"' in item.data
        or b'text/calendar; charset="utf-8"; method="REQUEST"' in item.data
    )
    with app.app_context():
        sent = db.session.execute(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)).scalar_one()
        db.engine.dispose()

    ok = (
        result.returncode == 0
        and len(ids) == MESSAGES
        and max(ids.values(), default=0) == 1
        and with_calendar == MESSAGES
        and sent == MESSAGES
    )
    if not ok:
        print(
            f"[bench] FAIL {backend.name}: worker exit {result.returncode}, {len(received)} received, "
            f"{len(ids)} distinct, {with_calendar} with an invitation, {sent} rows sent\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    span = (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else float("nan")
    steady = (len(arrivals) - 1) / span if span and span == span else float("nan")
    overall = len(arrivals) / (finished - started)
    print(
        f"[bench] {backend.name}: {steady:.0f} messages/s steady, {overall:.0f}/s including worker start-up "
        f"(target >= {TARGET_PER_SECOND:.0f}: {'met' if steady >= TARGET_PER_SECOND else 'NOT met'})",
        flush=True,
    )
    rows = [
        [
            backend.name,
            "steady rate (first to last arrival)",
            f"{steady:.0f} msg/s",
            f"{span:.1f} s",
            f"target >= {TARGET_PER_SECOND:.0f}/s",
        ],
        [
            backend.name,
            "whole run incl. worker start-up",
            f"{overall:.0f} msg/s",
            f"{finished - started:.1f} s",
            f"{len(ids)} distinct, each once",
        ],
        [
            backend.name,
            "worker CPU per message (incl. start-up)",
            f"{worker_cpu * 1000 / MESSAGES:.1f} ms",
            "",
            "load-independent-ish",
        ],
    ]
    return rows, ok


def run(ctx) -> bool:
    return harness.run_per_backend(ctx, measure, ["backend", "what", "rate", "time", ""])


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark on its own (bench/run.py calls `run`)."""
    return harness.run_alone("outbox", TITLE, run, argv, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
