"""Member import, queuing an invitation round, and delivering it, per database backend.

* import: a 10,000-row CSV as Danish Excel writes it (semicolons, Windows-1252,
  æ/ø/å and accents) through the back office: upload (read, check every row, keep
  the preview), then confirm (upsert in one transaction). Target: under 10 s.
* queue: the organiser's "Send 1,000 invitations" POST, from request to response
  (audience, round, 1,000 invitation rows and 1,000 outbox rows). Target: under 2 s.
* deliver: `flask --app wsgi worker` (one process, MAIL_RATE=0) sending the round
  to an aiosmtpd sink on 127.0.0.1, from the first message to the last. Target:
  at least 100 messages per second.

    .venv/bin/python bench/run.py invitations --backends sqlite
    .venv/bin/python -m bench.bench_invitations          # both backends
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402

TITLE = (
    "member import, queuing and delivering invitations (targets: 10,000 rows < 10 s, queue 1,000 < 2 s, >= 100 msg/s)"
)

IMPORT_ROWS = 10_000
ROUND_SIZE = 1_000
IMPORT_TARGET_S = 10.0
QUEUE_TARGET_S = 2.0
DELIVERY_TARGET = 100.0
SECRET_KEY = "bench-invitations-secret"
PASSWORD = "bench-password-123"

FIRST = ["Søren", "Ærle", "Åse", "Hélène", "Jürgen", "Mette", "Bjørn", "Zoë", "Ida", "Niels"]
LAST = ["Ærø", "Østergaard", "Åkjær", "Müller", "Brøndum", "Hansen", "Sørensen", "Lindø", "Jensen", "Kløve"]
LEVELS = ["direktør", "chef", "leder", "mellemleder", "andet"]
MUNICIPALITIES = ["Næstved", "Aarhus", "København", "Odense", "Aalborg", "Køge", "0370", "0751", "Frederiksberg"]


def member_csv(rows: int, seed: int = 5) -> bytes:
    """A membership-system export: semicolons, Windows-1252, as Danish Excel saves it."""
    rng = random.Random(seed)
    lines = ["Medlemsnummer;Navn;E-mail;Stilling;Niveau;Arbejdsplads;Kommune;Tags"]
    for i in range(rows):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        lines.append(
            ";".join(
                [
                    str(100000 + i),
                    name,
                    f"medlem{i}@kommune{i % 98}.dk",
                    "Afdelingsleder",
                    rng.choice(LEVELS),
                    f"{rng.choice(MUNICIPALITIES)} Kommune",
                    rng.choice(MUNICIPALITIES),
                    "Kreds Sjælland, Netværk",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET_KEY  # the worker subprocess must verify the same tokens
        WTF_CSRF_ENABLED = True
        MAIL_BACKEND = "smtp"
        MAIL_RATE = 0
        BASE_URL = "http://localhost"

    app = create_app(BenchConfig)
    app.config["ORGANISER_PASSWORD_METHOD"] = "pbkdf2:sha256:1000"
    return app


def _setup(app) -> tuple[int, int, str]:
    """An organisation with an organiser account and a published event; (org id, event id, e-mail)."""
    from eventsite.accounts.logins import create_user
    from eventsite.accounts.models import Role
    from eventsite.events.models import Event, EventKind, EventSession, Organisation, ProgrammeItem, Venue
    from eventsite.extensions import db

    with app.test_request_context():
        organisation = Organisation(
            slug=f"bench-{time.time_ns()}", name="Lederne Sjælland", sender_email="lederne@example.org"
        )
        venue = Venue(
            organisation=organisation,
            name="Mødecenter Næstved",
            address="Torvet 1",
            postcode="4700",
            city="Næstved",
            municipality_code="0370",
        )
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        event = Event(
            organisation=organisation,
            title="Temadag for mellemledere",
            kind=EventKind.TEMADAG,
            published=True,
            registration_closes_at=start - timedelta(days=3),
        )
        session = EventSession(
            event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=6), capacity=200
        )
        db.session.add_all([organisation, venue, event, session])
        for clock, title in (("09:30", "Velkomst"), ("10:00", "Oplæg om forandringsledelse"), ("12:00", "Frokost")):
            db.session.add(
                ProgrammeItem(session=session, starts_at=datetime.strptime(clock, "%H:%M").time(), title=title)
            )
        db.session.flush()
        email = f"arrangoer-{time.time_ns()}@example.org"
        create_user(email, PASSWORD, organisation, Role.ORGANISER, name="Anne Arrangør")
        db.session.commit()
        return organisation.id, event.id, email


def _logged_in(app, email: str):
    from tests.helpers import csrf_token

    client = app.test_client()
    page = client.get("/arrangoer/log-ind")
    response = client.post(
        "/arrangoer/log-ind", data={"csrf_token": csrf_token(page.data), "email": email, "password": PASSWORD}
    )
    assert response.status_code == 303, response.status_code
    return client


def measure_import(app, client, org_id: int) -> dict:
    from sqlalchemy import func, select
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from eventsite.extensions import db
    from eventsite.invitations.models import Member
    from tests.helpers import csrf_token

    data = member_csv(IMPORT_ROWS)
    url = f"/arrangoer/organisationer/{org_id}/medlemmer/import"
    token = csrf_token(client.get(url).data)
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), "medlemmer.csv")})
    began = time.perf_counter()
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    checked = time.perf_counter()
    assert response.status_code == 303, response.status_code
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    shown = time.perf_counter()
    response = client.post(preview_url, data={"csrf_token": csrf_token(page.data)})
    done = time.perf_counter()
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[-2000:])
    with app.app_context():
        count = db.session.execute(select(func.count(Member.id)).where(Member.organisation_id == org_id)).scalar_one()
    upload_s, confirm_s = checked - began, done - shown
    return dict(
        rows=IMPORT_ROWS,
        bytes=len(data),
        upload_s=upload_s,
        confirm_s=confirm_s,
        total_s=upload_s + confirm_s,
        saved=count,
    )


def measure_queue(app, client, event_id: int) -> dict:
    import re

    from sqlalchemy import func, select
    from werkzeug.datastructures import MultiDict

    from eventsite.extensions import db
    from eventsite.mail.models import OutboxMessage

    # The first 1,000 members by name: hand-picked by member number, as an organiser might paste them.
    numbers = "\n".join(str(100000 + i) for i in range(ROUND_SIZE))
    page = client.get(f"/arrangoer/arrangementer/{event_id}/invitationer/ny", query_string={"add": numbers})
    html = page.get_data(as_text=True)
    form = re.search(r'<form method="post" action="[^"]*/invitationer/send">(.*?)</form>', html, re.S).group(1)
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    began = time.perf_counter()
    response = client.post(f"/arrangoer/arrangementer/{event_id}/invitationer/send", data=MultiDict(fields))
    elapsed = time.perf_counter() - began
    assert response.status_code == 303, response.status_code
    again = client.post(f"/arrangoer/arrangementer/{event_id}/invitationer/send", data=MultiDict(fields))
    assert again.status_code == 303
    with app.app_context():
        queued = db.session.execute(select(func.count(OutboxMessage.id))).scalar_one()
    return dict(invitations=ROUND_SIZE, request_s=elapsed, queued=queued)


def measure_delivery(url: str, expected: int) -> dict:
    from tests.mail.smtp_sink import SMTPSink, WorkerProcess

    sink = SMTPSink().start()
    worker = WorkerProcess(url, sink.port, SECRET_KEY)
    try:
        worker.wait_until_started(60)
        deadline = time.monotonic() + 600
        first_at = None
        while time.monotonic() < deadline:
            received = len(sink.received)
            if received and first_at is None:
                first_at = time.perf_counter()
            if received >= expected:
                break
            time.sleep(0.01)
        last_at = time.perf_counter()
        received = len(sink.received)
        duplicates = sum(n - 1 for n in sink.message_ids().values() if n > 1)
    finally:
        worker.terminate()
        sink.stop()
    seconds = (last_at - first_at) if first_at else float("nan")
    rate = (received - 1) / seconds if first_at and seconds > 0 else 0.0
    return dict(received=received, seconds=seconds, per_second=rate, duplicates=duplicates)


def run(ctx) -> bool:
    rows = []
    ok = True
    for backend in ctx.backends:
        url = backend.new_database("invitations")
        app = _app(url)
        org_id, event_id, email = _setup(app)
        client = _logged_in(app, email)
        imported = measure_import(app, client, org_id)
        print(
            f"[bench] {backend.name}: import {imported['rows']} rows ({imported['bytes'] / 1e6:.1f} MB): "
            f"upload+check {imported['upload_s']:.2f} s, confirm {imported['confirm_s']:.2f} s",
            flush=True,
        )
        queued = measure_queue(app, client, event_id)
        print(
            f"[bench] {backend.name}: queue {queued['invitations']} invitations: {queued['request_s']:.2f} s",
            flush=True,
        )
        with app.app_context():
            from eventsite.extensions import db

            db.engine.dispose()
        delivered = measure_delivery(url, queued["queued"])
        print(
            f"[bench] {backend.name}: delivered {delivered['received']} in {delivered['seconds']:.2f} s "
            f"= {delivered['per_second']:.0f} msg/s",
            flush=True,
        )
        if (
            imported["saved"] != IMPORT_ROWS
            or queued["queued"] != ROUND_SIZE
            or delivered["received"] != ROUND_SIZE
            or delivered["duplicates"]
        ):
            ok = False
            print(
                f"[bench] FAIL {backend.name}: saved {imported['saved']}, queued {queued['queued']} "
                f"(a second identical POST must add none), received {delivered['received']}, "
                f"duplicates {delivered['duplicates']}"
            )
        rows.append(
            [
                backend.name,
                round(imported["total_s"], 2),
                round(queued["request_s"], 2),
                round(delivered["per_second"], 1),
                delivered["received"],
                delivered["duplicates"],
            ]
        )
    print()
    harness.print_table(["backend", "import 10k s", "queue 1k s", "deliver msg/s", "delivered", "duplicates"], rows)
    for name, import_s, queue_s, rate, _received, _duplicates in rows:
        print(
            f"[bench] {name}: import {import_s:.1f} s ({'met' if import_s < IMPORT_TARGET_S else 'MISSED'} < 10 s); "
            f"queue {queue_s:.2f} s ({'met' if queue_s < QUEUE_TARGET_S else 'MISSED'} < 2 s); "
            f"delivery {rate:.0f} msg/s ({'met' if rate >= DELIVERY_TARGET else 'MISSED'} >= 100)"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark alone and print its figures."""
    return harness.run_alone("invitations", TITLE, run, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
