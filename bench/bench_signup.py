"""Sign-ups per second on one session with few seats, the app against a bare endpoint.

For each backend and client count: a fresh session with CAPACITY seats, the app under
gunicorn, clients that each open the event page once (cookie + CSRF token) and then
post sign-ups, in two kinds (see KINDS):

* held: the anonymous public form with fresh addresses; each place is held until its
  email link is followed (eventsite.registration.holds);
* identified: through members' personal invitation links (`?invitation=<token>`),
  each POST with its own member's token and address, an instant sign-up. The members
  and invitations are made in the database before the load, and each client gets
  its own list of them.

Then the same load on bench/bare_app.py under the same gunicorn settings and
database. Afterwards the database is checked: confirmed places never above capacity,
and one row per successful POST.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, select, text

from bench import harness
from tests.live_server import TEST_SECRET_KEY, LiveServer

TITLE = "sign-up POSTs per second, app vs bare endpoint (targets: 0 oversold, p99 < 250 ms at 16 clients, app >= 0.5 x bare)"

CAPACITY = 5
P99_TARGET_MS = 250.0
RATIO_TARGET = 0.5

#: The rows per backend and client count, run back to back: the app's two kinds of
#: sign-up, then the bare endpoint.
KINDS = ("held", "identified", "bare")
APP_KINDS = ("held", "identified")

#: Invitations made per identified row: enough for this many POSTs a second over the
#: whole row (several times what the app's sign-up manages on 2 cores, about 400/s on
#: an idle machine), capped by --max-requests. A client that uses up its own list
#: stops early, and the row says so.
IDENTIFIED_RATE_CEILING = 1500

#: The measured choice (see bench/README.md and `bench/run.py signup --sweep`): on
#: 2 cores, 2 sync workers (one per core) gave the same or more sign-ups per second
#: than 4 with a shorter tail; more workers only add context switches and lock waiting.
DEFAULT_SERVER = dict(workers=2, worker_class="sync", threads=1)

#: What --sweep compares, each at 16 clients.
SWEEP = [
    dict(workers=2, worker_class="sync", threads=1),
    dict(workers=4, worker_class="sync", threads=1),
    dict(workers=8, worker_class="sync", threads=1),
    dict(workers=2, worker_class="gthread", threads=4),
    dict(workers=4, worker_class="gthread", threads=2),
]


@dataclass
class Row:
    backend: str
    clients: int
    endpoint: str
    result: harness.LoadResult
    oversold: int
    rows_match: bool


def server_settings(args) -> dict:
    settings = dict(DEFAULT_SERVER)
    for key in ("workers", "worker_class", "threads"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    return settings


def describe(settings: dict) -> str:
    if settings["worker_class"] == "gthread":
        return f"gthread {settings['workers']}x{settings['threads']}"
    return f"{settings['worker_class']} x{settings['workers']}"


def new_session(url: str, invited: int = 0) -> tuple[int, int, list[tuple[str, str]]]:
    """A published event with one session of CAPACITY seats, and `invited` members of
    its organisation each with an invitation to it; returns (event id, session id,
    [(personal token, member's address)]). The tokens are signed with the live
    server's secret key."""
    from config import Config
    from eventsite import create_app
    from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
    from eventsite.extensions import db

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = TEST_SECRET_KEY

    app = create_app(BenchConfig)
    with app.app_context():
        organisation = Organisation(slug=f"bench-{datetime.now().timestamp()}", name="Bench-foreningen")
        venue = Venue(
            organisation=organisation,
            name="Mødecenter",
            address="Torvet 1",
            postcode="4700",
            city="Næstved",
            municipality_code="0370",
        )
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        event = Event(
            organisation=organisation, title="Temadag for mellemledere", kind=EventKind.TEMADAG, published=True
        )
        session = EventSession(
            event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=6), capacity=CAPACITY
        )
        db.session.add_all([organisation, venue, event, session])
        db.session.commit()
        event_id, session_id = event.id, session.id
        identities = invite(organisation.id, event_id, invited) if invited else []
        db.session.remove()
        db.engine.dispose()
    return event_id, session_id, identities


def invite(organisation_id: int, event_id: int, count: int) -> list[tuple[str, str]]:
    """`count` members, one invitation round to the event for all of them, and their
    personal tokens (in an app context). Bulk Core inserts: 10,000 take a second or two."""
    from eventsite.extensions import db
    from eventsite.invitations.models import Invitation, InvitationRound, Member, new_invitation_key
    from eventsite.invitations.tokens import invitation_token

    tag = datetime.now().strftime("%H%M%S%f")
    db.session.execute(
        insert(Member),
        [
            {"organisation_id": organisation_id, "email": f"m{tag}-{n}@bench.example", "name": f"Bench Medlem {n}"}
            for n in range(count)
        ],
    )
    round_ = InvitationRound(event_id=event_id, idempotency_key=f"bench-{tag}", description="bench")
    db.session.add(round_)
    db.session.flush()
    members = db.session.execute(
        select(Member.id, Member.email).where(Member.organisation_id == organisation_id).order_by(Member.id)
    ).all()
    keys = {member_id: new_invitation_key() for member_id, _ in members}
    db.session.execute(
        insert(Invitation),
        [
            {"round_id": round_.id, "event_id": event_id, "member_id": member_id, "token_key": key}
            for member_id, key in keys.items()
        ],
    )
    db.session.commit()
    invitations = db.session.execute(
        select(Invitation.id, Invitation.member_id, Invitation.token_key).where(Invitation.round_id == round_.id)
    ).all()
    emails = dict(members)
    return [
        (invitation_token(Invitation(id=id_, token_key=key)), emails[member_id]) for id_, member_id, key in invitations
    ]


def deal(identities: list[tuple[str, str]], clients: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Each client its own share of the identities (none is used twice)."""
    return tuple(tuple(identities[n::clients]) for n in range(clients))


def check(url: str, table: str, session_id: int) -> tuple[int, int, int]:
    """(confirmed, all rows, held rows) for the session, read from the database after the run."""
    held = "count(*) FILTER (WHERE held_until IS NOT NULL)" if table == "registrations" else "0"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            confirmed, total, held_rows = conn.execute(
                text(
                    f"SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*), {held} FROM {table} "
                    "WHERE session_id = :id"
                ),
                {"id": session_id},
            ).one()
    finally:
        engine.dispose()
    return confirmed, total, held_rows


@contextlib.contextmanager
def servers(url: str, settings: dict):
    """The app and the bare endpoint under the same gunicorn settings, both running
    (an idle server costs nothing), so their rows can alternate without restarts."""
    with (
        LiveServer(url, **settings) as app,
        LiveServer(url, app="bench.bare_app:app", ready_path="/form", **settings) as bare,
    ):
        yield {"app": app, "bare": bare}


def measure(running: dict, url: str, backend: str, endpoint: str, clients: int, args) -> Row:
    """One row of a kind (KINDS): a fresh session, `clients` clients for args.duration,
    then the database check."""
    server = running["bare" if endpoint == "bare" else "app"]
    invited = min(args.max_requests, int(args.duration * IDENTIFIED_RATE_CEILING)) if endpoint == "identified" else 0
    event_id, session_id, identities = new_session(url, invited)
    if endpoint == "bare":
        form_path, post_path, table = "/form", "/signup", "bare_signups"
    else:
        form_path, post_path, table = (
            f"/arrangementer/{event_id}",
            f"/arrangementer/{event_id}/tilmeld",
            "registrations",
        )
        if endpoint == "identified":
            post_path += "?invitation={token}"
    spec = harness.LoadSpec(
        port=server.port,
        form_path=form_path,
        post_path=post_path,
        fields=(("session_id", str(session_id)), ("name", "Bench Leder"), ("email", "{email}")),
        clients=clients,
        duration=args.duration,
        max_requests=args.max_requests,
        identities=deal(identities, clients) if identities else (),
    )
    log_before = len(server.log())
    try:
        result = harness.run_load(spec)
    except Exception as error:  # noqa: BLE001 - shown with the server's log; the run goes on
        result = harness.LoadResult(0, 0.0, [], Counter(), 1, sample_failure=str(error)[:300])
    log = server.log()[log_before:]
    confirmed, total, held = check(url, table, session_id)
    # Each kind made the rows it is meant to: held places only, or none held.
    kind_ok = held == (total if endpoint == "held" else 0)
    if not kind_ok:
        print(f"[bench] {backend}/{endpoint}/{clients}: {held} of {total} rows are held places", flush=True)
    if result.sample_failure or "Traceback" in log:
        print(
            f"[bench] {backend}/{endpoint}/{clients}: failures {dict(result.statuses)} errors={result.errors}: "
            f"{result.sample_failure}\n--- server log (end) ---\n{log[-3000:]}",
            flush=True,
        )
    if result.extra.get("ran_out"):
        print(
            f"[bench] {backend}/{endpoint}/{clients}: {result.extra['ran_out']} clients used up their "
            f"{invited // clients} invitations before the time was up (raise IDENTIFIED_RATE_CEILING)",
            flush=True,
        )
    return Row(backend, clients, endpoint, result, max(0, confirmed - CAPACITY), total == result.completed and kind_ok)


def print_rows(rows: list[Row]) -> None:
    table = []
    by_key = {(r.backend, r.clients, r.endpoint): r for r in rows}
    for r in rows:
        bare = by_key.get((r.backend, r.clients, "bare"))
        ratio = (
            r.result.per_second / bare.result.per_second
            if r.endpoint in APP_KINDS and bare and bare.result.per_second
            else None
        )
        table.append(
            [
                r.backend,
                r.clients,
                r.endpoint,
                round(r.result.per_second, 1),
                round(r.result.percentile(50), 1),
                round(r.result.percentile(99), 1),
                f"{ratio:.2f}" if ratio is not None else "",
                r.result.completed,
                sum(n for s, n in r.result.statuses.items() if s != 303) + r.result.errors,
                r.oversold,
                "yes" if r.rows_match else "NO",
            ]
        )
    harness.print_table(
        [
            "backend",
            "clients",
            "kind",
            "POST/s",
            "p50 ms",
            "p99 ms",
            "app/bare",
            "done",
            "failed",
            "oversold",
            "rows=done",
        ],
        table,
    )


def verdict(rows: list[Row]) -> bool:
    """Print each target as met or missed; False only for a correctness failure."""
    ok = True
    by_key = {(r.backend, r.clients, r.endpoint): r for r in rows}
    for r in rows:
        if r.oversold or not r.rows_match:
            ok = False
            print(
                f"[bench] FAIL {r.backend}/{r.endpoint}/{r.clients}: oversold {r.oversold}, rows match {r.rows_match}"
            )
    for r in rows:
        if r.endpoint not in APP_KINDS:
            continue
        notes = []
        if r.clients == 16:
            p99 = r.result.percentile(99)
            notes.append(
                f"p99 {p99:.0f} ms {'<' if p99 < P99_TARGET_MS else '>='} {P99_TARGET_MS:.0f} ({'met' if p99 < P99_TARGET_MS else 'MISSED'})"
            )
        bare = by_key.get((r.backend, r.clients, "bare"))
        if bare and bare.result.per_second:
            ratio = r.result.per_second / bare.result.per_second
            notes.append(f"app/bare {ratio:.2f} ({'met' if ratio >= RATIO_TARGET else 'MISSED'})")
        notes.append(f"oversold {r.oversold} ({'met' if not r.oversold else 'FAILED'})")
        print(f"[bench] {r.backend}, {r.clients} clients, {r.endpoint}: " + "; ".join(notes))
    return ok


def run(ctx) -> bool:
    if ctx.args.sweep:
        return sweep(ctx)
    settings = server_settings(ctx.args)
    print(f"gunicorn {describe(settings)}, {ctx.args.duration:.0f} s per row, session capacity {CAPACITY}", flush=True)
    rows: list[Row] = []
    for backend in ctx.backends:
        url = backend.new_database("signup")
        with servers(url, settings) as running:
            for clients in ctx.args.clients:
                # The app's kinds and bare back to back, so all see the same background load.
                for endpoint in KINDS:
                    rows.append(measure(running, url, backend.name, endpoint, clients, ctx.args))
                    print_progress(rows[-1])
    print()
    print_rows(rows)
    return verdict(rows)


def print_progress(row: Row) -> None:
    print(
        f"  {row.backend:10} {row.clients:3} clients  {row.endpoint:10}  {row.result.per_second:7.1f}/s  "
        f"p99 {row.result.percentile(99):6.1f} ms",
        flush=True,
    )


def sweep(ctx) -> bool:
    """Compare gunicorn worker settings at 16 clients (the app's held sign-up and bare), to choose DEFAULT_SERVER."""
    clients = ctx.args.clients[0]
    table = []
    ok = True
    for backend in ctx.backends:
        url = backend.new_database("sweep")
        for settings in SWEEP:
            with servers(url, settings) as running:
                app = measure(running, url, backend.name, "held", clients, ctx.args)
                bare = measure(running, url, backend.name, "bare", clients, ctx.args)
            ok = ok and not (app.oversold or bare.oversold)
            table.append(
                [
                    backend.name,
                    describe(settings),
                    clients,
                    round(app.result.per_second, 1),
                    round(app.result.percentile(99), 1),
                    round(bare.result.per_second, 1),
                    round(bare.result.percentile(99), 1),
                    f"{app.result.per_second / bare.result.per_second:.2f}" if bare.result.per_second else "",
                ]
            )
            print(
                f"  {backend.name:10} {describe(settings):12} app {app.result.per_second:6.1f}/s  bare {bare.result.per_second:6.1f}/s",
                flush=True,
            )
    print()
    harness.print_table(
        ["backend", "gunicorn", "clients", "app POST/s", "app p99", "bare POST/s", "bare p99", "app/bare"], table
    )
    return ok
