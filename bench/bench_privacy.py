"""Privacy: a retention run over 100,000 registrations of past events, and one person's export.

For each backend: a fresh database with one organisation, 200 events that ended 36
months ago (500 registrations each, one person each: 100,000 people and registrations),
a confirmation email per registration (sent), dietary needs for one in five, a check-in
audit entry for one in five, billing for one in ten. Then:

* the export of one person with 200 registrations (every category, as the member's
  download does), and its XLSX file;
* `run_retention(now)` as the worker's job runs it: every step for the organisation,
  in batches of RETENTION_BATCH rows, one commit per batch. Reported: the whole run,
  rows per step, and the longest batch (the longest any lock is held).

Correctness checks: every participant of the past events is anonymised, the number
of registrations is unchanged, and only the exported person (whose events lie ahead)
keeps a name.

Run alone with `.venv/bin/python bench/bench_privacy.py [--backends postgresql]`.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402

TITLE = (
    "retention over 100,000 registrations of past events (target < 30 s on PostgreSQL, "
    "batches < 1 s) and one person's export with 200 registrations (target < 1 s)"
)

EVENTS = 200
PER_EVENT = 500
EXPORT_REGISTRATIONS = 200
RETENTION_TARGET = 30.0
BATCH_TARGET = 1.0
EXPORT_TARGET = 1.0


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-privacy"
        BASE_URL = "https://eventsite.example"

    return create_app(BenchConfig)


def populate(app) -> int:
    """The organisation, its past events and their people; the id of the person to export."""
    from sqlalchemy import insert, text

    from eventsite.audit import AuditEntry
    from eventsite.clock import utcnow
    from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
    from eventsite.extensions import db
    from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
    from eventsite.payments.models import Billing
    from eventsite.registration.models import DietaryNote, Person, Registration, RegistrationStatus

    now = utcnow()
    past = now - timedelta(days=36 * 30)
    with app.app_context():
        organisation = Organisation(slug="lederne", name="Lederne", sender_email="arr@lederne.example")
        venue = Venue(
            organisation=organisation,
            name="Mødecenter",
            address="Torvet 1",
            postcode="4700",
            city="Næstved",
            municipality_code="0370",
        )
        db.session.add_all([organisation, venue])
        sessions = []
        for number in range(EVENTS + EXPORT_REGISTRATIONS):
            # The last 200 events lie ahead: the exported person's registrations.
            start = past + timedelta(hours=number) if number < EVENTS else now + timedelta(days=number)
            event = Event(organisation=organisation, title=f"Temadag {number}", kind=EventKind.TEMADAG, published=True)
            session = EventSession(
                event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=6), capacity=None
            )
            db.session.add_all([event, session])
            sessions.append(session)
        db.session.commit()
        organisation_id = organisation.id
        targets = [(s.event_id, s.id) for s in sessions]

        created = past - timedelta(days=30)
        chunk = 5000
        people = [
            {
                "organisation_id": organisation_id,
                "email": f"leder{n}@kommune.example",
                "name": f"Leder Nummer{n}",
                "job_title": "Afdelingsleder",
                "workplace": "Næstved Kommune",
                "created_at": created,
                "updated_at": created,
                "feed_key": f"k{n}",
            }
            for n in range(EVENTS * PER_EVENT + 1)
        ]
        for start in range(0, len(people), chunk):
            db.session.execute(insert(Person), people[start : start + chunk])
        db.session.commit()
        first_person = db.session.query(Person.id).order_by(Person.id).first()[0]

        registrations = []
        for n in range(EVENTS * PER_EVENT):
            event_id, session_id = targets[n // PER_EVENT]
            registrations.append(
                {
                    "event_id": event_id,
                    "session_id": session_id,
                    "person_id": first_person + n,
                    "status": RegistrationStatus.CONFIRMED,
                    "active_slot": 0,
                    "comment": f"Bemærkning fra Leder Nummer{n}" if n % 10 == 0 else "",
                    "token_key": f"t{n}",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        exported = first_person + EVENTS * PER_EVENT
        for event_id, session_id in targets[EVENTS:]:
            registrations.append(
                {
                    "event_id": event_id,
                    "session_id": session_id,
                    "person_id": exported,
                    "status": RegistrationStatus.CONFIRMED,
                    "active_slot": 0,
                    "comment": "Vegetar",
                    "token_key": f"x{event_id}",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        for start in range(0, len(registrations), chunk):
            db.session.execute(insert(Registration), registrations[start : start + chunk])
        db.session.commit()
        first_registration = db.session.query(Registration.id).order_by(Registration.id).first()[0]
        total = len(registrations)

        def rows(make, every):
            return [make(first_registration + n, n) for n in range(0, total, every)]

        for model, made in (
            (DietaryNote, rows(lambda r, n: {"registration_id": r, "text": "Glutenfri", "created_at": created}, 5)),
            (
                OutboxMessage,
                rows(
                    lambda r, n: {
                        "organisation_id": organisation_id,
                        "kind": MailKind.CONFIRMATION,
                        "recipient": f"leder{n}@kommune.example",
                        "registration_id": r,
                        "status": OutboxStatus.SENT,
                        "message_id": f"<{n}@bench>",
                        "created_at": created,
                        "due_at": created,
                        "sent_at": created,
                    },
                    1,
                ),
            ),
            (
                AuditEntry,
                rows(
                    lambda r, n: {
                        "organisation_id": organisation_id,
                        "object_type": "registration",
                        "object_id": r,
                        "action": "checked_in",
                        "before": '{"attendance": "none"}',
                        "after": '{"attendance": "attended"}',
                        "created_at": created,
                    },
                    5,
                ),
            ),
            (
                Billing,
                rows(
                    lambda r, n: {
                        "registration_id": r,
                        "fee_ore": 100000,
                        "invoice_reference": f"Leder Nummer{n}",
                        "created_at": created,
                        "updated_at": created,
                    },
                    10,
                ),
            ),
        ):
            for start in range(0, len(made), chunk):
                db.session.execute(insert(model), made[start : start + chunk])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would after such a load: the planner needs the row counts.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
        return exported


def measure(backend) -> tuple[list[list[object]], bool]:
    from sqlalchemy import func, select

    from eventsite.clock import utcnow
    from eventsite.extensions import db
    from eventsite.privacy import export
    from eventsite.privacy.retention import run_retention
    from eventsite.registration.models import Person, Registration

    url = backend.new_database("privacy")
    app = _app(url)
    began = time.perf_counter()
    exported = populate(app)
    print(
        f"  {backend.name}: {EVENTS * PER_EVENT:,} registrations made in {time.perf_counter() - began:.1f} s",
        flush=True,
    )

    with app.test_request_context():
        person = db.session.get(Person, exported)
        started = time.perf_counter()
        data = export.collect(person)
        collected = time.perf_counter() - started
        workbook = export.to_xlsx(data)
        with_file = time.perf_counter() - started
        exported_rows = len(data["categories"]["registrations"]["rows"])
        db.session.rollback()

    with app.app_context():
        registrations_before = db.session.execute(select(func.count(Registration.id))).scalar_one()
        db.session.rollback()
        started = time.perf_counter()
        runs = run_retention(utcnow())
        took = time.perf_counter() - started
        erased = db.session.execute(select(func.count()).where(Person.erased_at.is_not(None))).scalar_one()
        registrations_after = db.session.execute(select(func.count(Registration.id))).scalar_one()
        named = db.session.execute(select(func.count()).where(Person.name.like("Leder Nummer%"))).scalar_one()
        db.session.rollback()
        db.engine.dispose()

    longest = max((run.longest_batch for run in runs), default=0.0)
    batches = sum(run.batches for run in runs)
    ok = (
        exported_rows == EXPORT_REGISTRATIONS
        and erased == EVENTS * PER_EVENT
        and registrations_after == registrations_before
        # The exported person's events lie ahead: they stay.
        and named == 1
        and len(workbook) > 0
    )
    if not ok:
        print(
            f"[bench] FAIL {backend.name}: exported {exported_rows} registrations, erased {erased}, "
            f"registrations {registrations_before} -> {registrations_after}, {named} names left (1 expected)",
            flush=True,
        )
    print(
        f"[bench] {backend.name}: retention {took:.1f} s (target < {RETENTION_TARGET:.0f}: "
        f"{'met' if took < RETENTION_TARGET else 'NOT met'}), longest batch {longest:.2f} s "
        f"({'met' if longest < BATCH_TARGET else 'NOT met'}); export {collected * 1000:.0f} ms "
        f"({'met' if collected < EXPORT_TARGET else 'NOT met'})",
        flush=True,
    )
    table = [
        [
            backend.name,
            "export of 1 person, 200 registrations",
            f"{collected * 1000:.0f} ms",
            f"XLSX too: {with_file * 1000:.0f} ms",
            f"target < {EXPORT_TARGET:.0f} s",
        ],
        [
            backend.name,
            "retention run (all steps)",
            f"{took:.1f} s",
            f"{batches} batches, longest {longest:.2f} s",
            f"target < {RETENTION_TARGET:.0f} s",
        ],
    ]
    for run in runs:
        if run.count:
            table.append(
                [
                    backend.name,
                    f"  {run.step}",
                    f"{run.count:,} rows",
                    f"{run.batches} batches, longest {run.longest_batch:.2f} s",
                    "",
                ]
            )
    return table, ok


def run(ctx) -> bool:
    return harness.run_per_backend(ctx, measure, ["backend", "what", "figure", "batches", ""])


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark on its own (bench/run.py calls `run`)."""
    return harness.run_alone("privacy", TITLE, run, argv, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
