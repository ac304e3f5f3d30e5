"""The agenda PDF of a 20-item meeting (WeasyPrint), rendered in-process.

For each backend: a fresh database with one board meeting of 20 agenda items (each
with a presenter, a case number, a Markdown description, every other one a proposed
decision, three with two sub-items) and 4 bilag. Then, in a request context (the
figures are the app's own work: loading the agenda, Jinja and WeasyPrint):

* the first render (fonts and WeasyPrint's caches cold) and the median and p90 of
  REPEAT renders after it, with the PDF's size and page count;
* a correctness check: the PDF parsed back (pypdf) holds every item's number and title.

The minutes PDF (issue 16) is to follow the same path. Target: under 2 s per render.
Run alone with `.venv/bin/python bench/bench_meetings.py [--backends sqlite]`.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402

TITLE = "agenda PDF of a 20-item meeting with sub-items and bilag (WeasyPrint; target: < 2 s per render)"

ITEMS = 20
REPEAT = 10
TARGET_S = 2.0
KINDS = ("orientering", "droeftelse", "beslutning", "valg")


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-meetings"

    return create_app(BenchConfig)


def build(app) -> int:
    """One board meeting with its agenda and bilag; returns the session id."""
    from eventsite.db import utcnow
    from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
    from eventsite.extensions import db
    from eventsite.meetings.agenda import ItemData, add_item
    from eventsite.meetings.models import AgendaKind, MeetingFile, ShownTo

    with app.test_request_context(method="POST"):
        organisation = Organisation(slug="bench-meetings", name="Kommunaldirektørforeningen (bench)")
        venue = Venue(
            organisation=organisation,
            name="KL-huset",
            address="Weidekampsgade 10",
            postcode="2300",
            city="København S",
            municipality_code="0101",
        )
        event = Event(organisation=organisation, title="Bestyrelsesmøde", kind=EventKind.NETVAERKSMOEDE)
        start = utcnow().replace(microsecond=0) + timedelta(days=30)
        session = EventSession(event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=3))
        db.session.add_all([organisation, venue, event, session])
        db.session.flush()
        for n in range(1, ITEMS + 1):
            kind = AgendaKind(KINDS[n % 4])
            item = add_item(
                session,
                ItemData(
                    title=f"Punkt {n}: opfølgning på strategi og budget for område {n}",
                    kind=kind,
                    case_number=f"S2024-{700 + n}",
                    presenter=f"Oplægsholder {n}",
                    description=(
                        f"**Baggrund.** Sekretariatet har udarbejdet et notat om område {n}.\n\n"
                        "- Status på indsatsen\n- Økonomi og ressourcer\n- Næste skridt\n\n"
                        "Se bilag for detaljer om forløbet, høringssvar og tidsplan."
                    ),
                    proposed_decision=f"Sekretariatet indstiller, at bestyrelsen godkender oplægget for område {n}."
                    if n % 2
                    else "",
                ),
            )
            if n % 7 == 0:
                for sub in (1, 2):
                    add_item(session, ItemData(title=f"Underpunkt {sub} til punkt {n}"), parent=item)
        for index in range(1, 5):
            db.session.add(
                MeetingFile(
                    session_id=session.id,
                    position=index,
                    title=f"Bilag {index}. Notat {index}",
                    filename=f"bilag-{index}.pdf",
                    stored_name=f"{index:032x}",
                    content_type="application/pdf",
                    size_bytes=1000,
                    shown_to=ShownTo.PARTICIPANTS,
                )
            )
        db.session.commit()
        return session.id


def render(app, session_id: int) -> tuple[float, float, bytes]:
    from eventsite.events.models import EventSession
    from eventsite.extensions import db
    from eventsite.meetings.agenda import agenda_for
    from eventsite.meetings.display import AgendaView, FileLink
    from eventsite.meetings.files import files_of_session
    from eventsite.meetings.pdf import agenda_pdf

    with app.test_request_context():
        began, cpu = time.perf_counter(), time.process_time()
        session = db.session.get(EventSession, session_id)
        view = AgendaView(session, agenda_for(session))
        view.meeting_files = [FileLink(f, "") for f in files_of_session(session)]
        pdf = agenda_pdf(view)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        db.session.remove()
    return elapsed, cpu, pdf


def check(pdf: bytes) -> tuple[int, bool]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    found = all(f"{n}. Punkt {n}:" in text for n in range(1, ITEMS + 1))
    return len(reader.pages), found and "7.1. Underpunkt 1 til punkt 7" in text


def measure(backend) -> tuple[list, bool]:
    url = backend.new_database("meetings")
    app = _app(url)
    session_id = build(app)
    first, _, pdf = render(app, session_id)
    times, cpus = [], []
    for _ in range(REPEAT):
        elapsed, cpu, pdf = render(app, session_id)
        times.append(elapsed)
        cpus.append(cpu)
    pages, complete = check(pdf)
    median = statistics.median(times)
    cpu_median = statistics.median(cpus)
    p90 = sorted(times)[int(0.9 * (len(times) - 1))]
    print(
        f"[bench] {backend.name}: agenda PDF first {first:.2f} s, median {median:.2f} s (CPU {cpu_median:.2f} s), "
        f"p90 {p90:.2f} s, "
        f"{len(pdf) / 1024:.0f} KiB, {pages} pages ({'met' if median < TARGET_S else 'MISSED'})",
        flush=True,
    )
    if not complete:
        print(f"[bench] FAIL {backend.name}: the PDF parsed back lacks agenda items")
    with app.app_context():
        from eventsite.extensions import db

        db.session.remove()
        db.engine.dispose()
    row = [
        backend.name,
        f"agenda PDF, {ITEMS} items",
        f"{first:.2f} s first",
        f"{median:.2f} s median (CPU {cpu_median:.2f} s)",
        f"{p90:.2f} s p90",
        f"{pages} pages, {len(pdf) / 1024:.0f} KiB",
    ]
    return [row], complete


def run(ctx) -> bool:
    return harness.run_per_backend(ctx, measure, ["backend", "what", "cold", "warm", "", "size"])


if __name__ == "__main__":
    sys.exit(harness.run_alone("meetings", TITLE, run, doc=__doc__))
