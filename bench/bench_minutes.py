"""Minutes of a meeting: sending a draft for approval to 200 recipients, and the minutes PDF.

* send: `send_for_approval` of a draft to 200 recipients, committed (a new version,
  200 approval rows and 200 outbox rows, bulk-inserted). Target: under 1 s. The
  emails then leave at the outbox's usual rate (see the invitations benchmark).
* pdf: the minutes PDF (WeasyPrint) of a 20-item meeting with 60 participants, 6
  afbud and 4 partial attendances, from the frozen version. Target: under 2 s.

    .venv/bin/python bench/run.py minutes --backends sqlite
    .venv/bin/python -m bench.bench_minutes          # both backends
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

TITLE = "minutes: a draft sent to 200 for approval (target < 1 s), the PDF of 20 items and 60 participants (< 2 s)"

RECIPIENTS = 200
ITEMS = 20
PARTICIPANTS = 60
SEND_TARGET_S = 1.0
PDF_TARGET_S = 2.0
SUMMARY = (
    "Sekretariatet orienterede om sagen. Bestyrelsen drøftede de økonomiske konsekvenser, "
    "tidsplanen og inddragelsen af kredsene, og der var enighed om at følge sagen tæt. "
) * 3


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-minutes-secret"
        MAIL_BACKEND = "log"
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def _meeting(app, title: str, people: int, items: int) -> int:
    """A session with an agenda, `people` confirmed places and a draft; returns the session id."""
    from eventsite.db import utcnow
    from eventsite.events.models import Event, EventKind, EventSession, Organisation
    from eventsite.extensions import db
    from eventsite.meetings import afbud, minutes, presence
    from eventsite.meetings.models import AgendaItem, AgendaKind
    from eventsite.registration.models import Registration
    from eventsite.registration.operations import PersonDetails, register

    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    with app.test_request_context(method="POST"):
        organisation = Organisation(slug=f"bench-{title.lower()[:8]}-{people}", name="Kommunaldirektørforeningen")
        db.session.add(organisation)
        db.session.flush()
        event = Event(organisation_id=organisation.id, title=title, kind=EventKind.TEMADAG, published=True)
        db.session.add(event)
        db.session.flush()
        session = EventSession(event_id=event.id, starts_at=start, ends_at=start + timedelta(hours=4), capacity=None)
        db.session.add(session)
        db.session.flush()
        agenda = []
        for position in range(1, items + 1):
            item = AgendaItem(
                session_id=session.id,
                position=position,
                title=f"Punkt om emne {position}",
                kind=AgendaKind.BESLUTNING,
                case_number=f"S2026-{position:03d}",
            )
            db.session.add(item)
            agenda.append(item)
        db.session.flush()
        registrations = [
            register(session.id, PersonDetails(f"Deltager {i:03d}", f"d{i}@kommune.example.dk"), by_organiser=True)
            for i in range(people)
        ]
        draft = minutes.start(session)
        minutes.save_draft(
            draft,
            minutes.Draft(
                "Formanden",
                "Sekretariatet",
                "",
                {
                    item.id: minutes.ItemText(SUMMARY, f"Indstillingen til punkt {i + 1} blev godkendt.")
                    for i, item in enumerate(agenda)
                },
            ),
        )
        db.session.commit()
        # Afbud for a tenth, partial attendance for a few (on the day, as at the door).
        for registration in registrations[: people // 10]:
            afbud.send_afbud(registration, "Forhindret")
        for registration in registrations[people // 10 : people // 10 + 4]:
            presence.record(
                db.session.get(Registration, registration.id),
                presence.PresenceChoice(left_item_id=agenda[3].id, left_during=True),
            )
        db.session.commit()
        return session.id


def measure(backend):
    from sqlalchemy import func, select

    from eventsite.events.models import EventSession
    from eventsite.extensions import db
    from eventsite.mail.models import OutboxMessage
    from eventsite.meetings import approval, minutes
    from eventsite.meetings.minutes_pdf import minutes_pdf
    from eventsite.registration.models import Person

    url = backend.new_database("minutes")
    app = _app(url)
    rows, ok, notes = [], True, []
    send_id = _meeting(app, "Repræsentantskabsmøde", RECIPIENTS, 5)
    pdf_id = _meeting(app, "Bestyrelsesmøde", PARTICIPANTS, ITEMS)

    with app.test_request_context(method="POST"):
        session = db.session.get(EventSession, send_id)
        found = minutes.minutes_for(session)
        people = list(
            db.session.execute(select(Person).where(Person.organisation_id == session.event.organisation_id)).scalars()
        )
        began = time.perf_counter()
        version = approval.send_for_approval(found, people)
        db.session.commit()
        send_s = time.perf_counter() - began
        queued = db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
        ok = ok and len(version.approvals) == RECIPIENTS and queued >= RECIPIENTS
    rows.append([backend.name, f"send to {RECIPIENTS} (queued)", f"{send_s:.3f} s", f"target < {SEND_TARGET_S:.0f} s"])

    with app.test_request_context():
        session = db.session.get(EventSession, pdf_id)
        data = minutes.snapshot(minutes.minutes_for(session))
        organisation = session.event.organisation
        minutes_pdf(data, organisation)  # warm: fonts and WeasyPrint's caches
        began = time.perf_counter()
        pdf = minutes_pdf(data, organisation)
        pdf_s = time.perf_counter() - began
        ok = ok and pdf.startswith(b"%PDF") and len(data["attending"]) == PARTICIPANTS - PARTICIPANTS // 10
    rows.append(
        [backend.name, f"PDF: {ITEMS} items, {PARTICIPANTS} people", f"{pdf_s:.3f} s", f"target < {PDF_TARGET_S:.0f} s"]
    )
    notes.append(f"PDF {len(pdf) / 1024:.0f} KiB")
    print(f"[bench] {backend.name}: " + "; ".join(notes), flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows, ok


def run(ctx) -> bool:
    return harness.run_per_backend(ctx, measure, ["backend", "what", "time", "target"])


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark on its own (bench/run.py calls `run`)."""
    return harness.run_alone("minutes", TITLE, run, argv, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
