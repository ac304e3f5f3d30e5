"""The invitation blast on PostgreSQL and Redis: web nodes, mail workers, a round and a click storm.

For each setup (one web node and one mail worker, then two of each):

* a fresh PostgreSQL database with 10,000 directory members (all in Region Sjælland)
  and a temadag of two sessions with 100 seats each, one in Næstved and one in
  Aarhus;
* the web nodes: gunicorn masters on their own ports, sharing the machine's cores
  (one sync worker per core in all: 2 for one node, 1 each for two nodes on this
  2-core machine, as two 2-core servers would each run 2; `--workers` sets it), sharing
  one Redis for the rate limits (limits on, EVENTSITE_PROXY_HOPS=1, each client its
  own X-Forwarded-For address, as behind nginx);
* the mail workers: `flask --app wsgi worker` processes (MAIL_RATE=0), started first
  and idle, delivering to a counting aiosmtpd sink in a process of its own
  (tests/mail/counting_sink.py);
* the round: `send_round` to the whole directory, timed until its commit ("queue"),
  then until the sink has accepted all 10,000 ("delivered", from the start of the
  queue); msg/s per worker from each worker's own "sent" log lines;
* the click storm: 300 clients, each with a different personal invitation link,
  arriving spread over `--storm-seconds` (0: all at once behind a barrier), on the
  nodes in turn. Each opens its link (GET, the pre-filled page); every second one
  then, after 0.2-1 s, presses "Tilmeld" on the page as it came (POST with the
  pre-selected session: Næstved while it has seats, then Aarhus);
* checks in the database: no session above 100 confirmed, each waiting list in
  order (every waiting sign-up took the lock after every confirmed one, queue
  numbers 1..n without gaps or ties, nobody waiting beside a free seat),
  one registration per 303; and at the sink: each invitation and each sign-up's
  confirmation accepted exactly once;
* peak RSS (VmHWM) of every gunicorn worker and every mail worker.

    .venv/bin/python bench/run.py blast
    .venv/bin/python bench/run.py blast --storm-seconds 0     # all 300 at once
    .venv/bin/python bench/run.py blast --members 300 --blast-setups 2x2 --workers 3   # the storm alone, quickly
"""

from __future__ import annotations

import contextlib
import http.client
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402

TITLE = (
    "invitation blast, PostgreSQL + Redis, 1 and 2 web nodes (one gunicorn worker per core in all), 1 and 2 mail workers "
    "(targets: 10,000 delivered < 90 s, storm p99 < 300 ms, 0 oversold, RSS < 150 MB)"
)

MEMBERS = 10_000
CLIENTS = 300
SEATS = 100
WEB_WORKERS = 2


def web_workers_per_node(nodes: int, asked: int | None) -> int:
    """gunicorn workers of each node: asked for, or the machine's cores shared among its nodes.

    More sync workers than cores on one machine only take turns on the CPU: with two
    nodes of two workers on 2 cores the storm's p99 was 0.7-1.1 s, with one each 0.18 s.
    """
    return asked or max(1, (os.cpu_count() or WEB_WORKERS) // nodes)


DELIVERY_TARGET_S = 90.0
P99_TARGET_MS = 300.0
RSS_TARGET_MB = 150.0
#: (web nodes, mail workers) per setup, in order.
SETUPS = ((1, 1), (2, 2))
LOAD_PROCESSES = 4

_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_CHOSEN = re.compile(rb'name="session_id" value="(\d+)"[^>]*\schecked')


@dataclass
class Setup:
    nodes: int
    workers: int
    #: Directory members invited (the storm uses the first CLIENTS of their links).
    members: int = MEMBERS
    #: gunicorn settings of each web node.
    web_workers: int = WEB_WORKERS
    worker_class: str = "sync"
    threads: int = 1

    @property
    def name(self) -> str:
        nodes = f"{self.nodes} node{'s' if self.nodes > 1 else ''} x {self.web_workers} web"
        return f"{nodes}, {self.workers} mail worker{'s' if self.workers > 1 else ''}"


@dataclass
class Outcome:
    setup: Setup
    queue_s: float = float("nan")
    deliver_s: float = float("nan")
    delivered: int = 0
    invitation_duplicates: int = 0
    per_worker: list[float] = field(default_factory=list)
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    get_statuses: Counter = field(default_factory=Counter)
    post_statuses: Counter = field(default_factory=Counter)
    prefilled: int = 0
    signups_per_s: float = float("nan")
    confirmed: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    oversold: int = 0
    waiting_in_order: bool = False
    rows_match: bool = False
    confirmations: int = 0
    confirmations_once: bool = False
    #: CPU of the storm: the web workers' per request (ms), the load generator's
    #: (s), and how busy the whole machine was over the storm (0-1, every process).
    web_cpu_ms: float = float("nan")
    loadgen_cpu_s: float = float("nan")
    machine_busy: float = float("nan")
    storm_s: float = float("nan")
    web_rss_mb: list[float] = field(default_factory=list)
    mail_rss_mb: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.delivered == self.setup.members
            and not self.invitation_duplicates
            and not self.oversold
            and self.waiting_in_order
            and self.rows_match
            and self.confirmations_once
        )


# --- the database ------------------------------------------------------------


def _app(url: str):
    from config import Config
    from eventsite import create_app
    from tests.live_server import TEST_SECRET_KEY

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = TEST_SECRET_KEY  # the nodes check the personal tokens signed here
        MAIL_RATE = 0  # the round's due times are not spread out
        MAIL_BACKEND = "smtp"
        BASE_URL = "http://127.0.0.1"

    return create_app(BenchConfig)


def populate(app, members: int = MEMBERS) -> tuple[int, dict[str, int]]:
    """The organisation, 10,000 members and the temadag; (event id, {"Næstved": id, "Aarhus": id})."""
    from sqlalchemy import insert

    from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
    from eventsite.extensions import db
    from eventsite.invitations.models import Member

    with app.app_context():
        organisation = Organisation(slug=f"blast-{time.time_ns()}", name="Lederne", sender_email="lederne@example.org")
        start = datetime.now(timezone.utc).replace(microsecond=0, second=0, minute=0) + timedelta(days=30)
        event = Event(
            organisation=organisation,
            title="Temadag om ledelse i forandring",
            kind=EventKind.TEMADAG,
            published=True,
            registration_closes_at=start - timedelta(days=3),
        )
        sessions = {}
        for city, postcode, code in (("Næstved", "4700", "0370"), ("Aarhus", "8000", "0751")):
            venue = Venue(
                organisation=organisation,
                name=f"Mødecenter {city}",
                address="Torvet 1",
                postcode=postcode,
                city=city,
                municipality_code=code,
            )
            sessions[city] = EventSession(
                event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=6), capacity=SEATS
            )
        db.session.add_all([organisation, event, *sessions.values()])
        db.session.flush()
        db.session.execute(
            insert(Member),
            [
                {
                    "organisation_id": organisation.id,
                    "member_number": str(100000 + n),
                    "email": f"medlem{n}@kommune{n % 97}.example",
                    "name": f"Medlem Nummer{n}",
                    "job_title": "Afdelingsleder",
                    "municipality_code": "0370",
                    "region": "Region Sjælland",
                }
                for n in range(members)
            ],
        )
        db.session.commit()
        return event.id, {city: session.id for city, session in sessions.items()}


def queue_round(app, event_id: int, members: int = MEMBERS) -> float:
    """The organiser's "send to the whole directory": seconds until committed."""
    from eventsite.extensions import db
    from eventsite.invitations.audience import AudienceSpec
    from eventsite.invitations.sending import send_round

    with app.test_request_context(method="POST"):
        began = time.perf_counter()
        result = send_round(event_id, AudienceSpec(), f"blast-{time.time_ns()}")
        db.session.commit()
        elapsed = time.perf_counter() - began
        if result.count != members:
            raise RuntimeError(f"the round reached {result.count} members, not {members}")
    return elapsed


def personal_links(app, event_id: int, count: int) -> list[tuple[str, str, str]]:
    """(token, name, address) of the first `count` invitations."""
    from sqlalchemy import select

    from eventsite.extensions import db
    from eventsite.invitations.models import Invitation, Member
    from eventsite.invitations.tokens import invitation_token

    with app.app_context():
        rows = db.session.execute(
            select(Invitation.id, Invitation.token_key, Member.name, Member.email)
            .join(Member, Member.id == Invitation.member_id)
            .where(Invitation.event_id == event_id)
            .order_by(Invitation.id)
            .limit(count)
        ).all()
        return [(invitation_token(Invitation(id=id_, token_key=key)), name, email) for id_, key, name, email in rows]


def message_ids(app, event_id: int, kinds: tuple[str, ...]) -> dict[str, str]:
    """Message-ID -> status of the outbox rows of these kinds about the event."""
    from sqlalchemy import select

    from eventsite.events.models import EventSession
    from eventsite.extensions import db
    from eventsite.mail.models import OutboxMessage

    with app.app_context():
        query = select(OutboxMessage.message_id, OutboxMessage.status).where(OutboxMessage.kind.in_(kinds))
        if "invitation" not in kinds:
            sessions = select(EventSession.id).where(EventSession.event_id == event_id)
            query = query.where(OutboxMessage.session_id.in_(sessions))
        result = {message_id: status.value for message_id, status in db.session.execute(query)}
        db.session.rollback()
        return result


def check_places(app, sessions: dict[str, int], outcome: Outcome, accepted: int) -> None:
    from sqlalchemy import select

    from eventsite.extensions import db
    from eventsite.registration import operations
    from eventsite.registration.models import Registration, RegistrationStatus

    total = 0
    in_order = True
    with app.app_context():
        for city, session_id in sessions.items():
            rows = list(
                db.session.execute(
                    select(Registration).where(Registration.session_id == session_id).order_by(Registration.id)
                ).scalars()
            )
            total += len(rows)
            confirmed = [r for r in rows if r.status is RegistrationStatus.CONFIRMED]
            waiting = [r for r in rows if r.status is RegistrationStatus.WAITLISTED]
            outcome.confirmed[city] = len(confirmed)
            outcome.waiting[city] = len(waiting)
            outcome.oversold += max(0, len(confirmed) - SEATS)
            if waiting:
                # Queue numbers 1..n without gaps or ties (by the time each sign-up arrived).
                positions = sorted(operations.waitlist_position(r) for r in waiting)
                in_order = in_order and positions == list(range(1, len(waiting) + 1))
                in_order = in_order and (not confirmed or max(r.id for r in confirmed) < min(r.id for r in waiting))
                in_order = in_order and len(confirmed) == SEATS  # nobody waits beside a free seat
        db.session.rollback()
    outcome.waiting_in_order = in_order
    outcome.rows_match = total == accepted


# --- processes -----------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (utime + stime from /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def children(pid: int) -> list[int]:
    found = []
    for task in _listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
            found += [int(child) for child in handle.read().split()]
    return found


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


@contextlib.contextmanager
def redis_server():
    """EVENTSITE_BENCH_REDIS_URL, or a throwaway redis-server on a free port."""
    url = os.environ.get("EVENTSITE_BENCH_REDIS_URL")
    if url:
        yield url
        return
    from tests.live_server import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found (or set EVENTSITE_BENCH_REDIS_URL)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="eventsite-bench-redis-")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


# --- the click storm -------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    port: int
    address: str  # the client's X-Forwarded-For
    event_id: int
    token: str
    name: str
    email: str
    signs_up: bool
    offset: float  # seconds after the start
    think: float  # seconds between the page and the click


def _visit(visit: Visit, start_at: float) -> dict:
    delay = start_at + visit.offset - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    conn = http.client.HTTPConnection("127.0.0.1", visit.port, timeout=120)
    headers = {"X-Forwarded-For": visit.address}
    result: dict = {"signs_up": visit.signs_up}
    try:
        began = time.monotonic()
        conn.request("GET", f"/arrangementer/{visit.event_id}?invitation={visit.token}", headers=headers)
        response = conn.getresponse()
        body = response.read()
        result["get_ms"] = (time.monotonic() - began) * 1000
        result["get_status"] = response.status
        result["prefilled"] = visit.email.encode() in body
        cookie = ""
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = header.split(";", 1)[0]
        if not visit.signs_up or response.status != 200:
            return result
        csrf = _CSRF.search(body)
        chosen = _CHOSEN.search(body)
        fields = {
            "csrf_token": csrf.group(1).decode() if csrf else "",
            "session_id": chosen.group(1).decode() if chosen else "",
            "name": visit.name,
            "email": visit.email,
        }
        time.sleep(visit.think)
        post_headers = dict(headers, Cookie=cookie, **{"Content-Type": "application/x-www-form-urlencoded"})
        began = time.monotonic()
        result["post_at"] = began
        conn.request(
            "POST",
            f"/arrangementer/{visit.event_id}/tilmeld?invitation={visit.token}",
            body=urlencode(fields).encode(),
            headers=post_headers,
        )
        response = conn.getresponse()
        response.read()
        result["post_done"] = time.monotonic()
        result["post_ms"] = (result["post_done"] - began) * 1000
        result["post_status"] = response.status
        result["session_id"] = fields["session_id"]
    except Exception as error:  # noqa: BLE001 - counted as a failure
        result["error"] = repr(error)[:200]
    finally:
        conn.close()
    return result


def _storm_process(visits: list[Visit], ready, go, start_at, results) -> None:
    outcomes: list[dict] = [{} for _ in visits]

    def run(index: int, visit: Visit) -> None:
        outcomes[index] = _visit(visit, start_at.value)

    ready.put("ready")
    go.wait(120)
    threads = [threading.Thread(target=run, args=(n, v), daemon=True) for n, v in enumerate(visits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    results.put(outcomes)


def storm(visits: list[Visit]) -> list[dict]:
    """Run the visits from a few processes of threads; every visit's outcome."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    start_at = context.Value("d", 0.0)
    shares = [visits[n::LOAD_PROCESSES] for n in range(LOAD_PROCESSES)]
    processes = [
        context.Process(target=_storm_process, args=(share, ready, go, start_at, results), daemon=True)
        for share in shares
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=120)
        start_at.value = time.monotonic() + 0.5
        go.set()
        collected = [results.get(timeout=600) for _ in processes]
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
    return [outcome for part in collected for outcome in part]


def plan_visits(
    links: list[tuple[str, str, str]], ports: list[int], event_id: int, storm_seconds: float
) -> list[Visit]:
    rng = random.Random(17)
    return [
        Visit(
            port=ports[n % len(ports)],
            address=f"10.{17 + n // 65536}.{(n // 256) % 256}.{n % 256 or 1}",
            event_id=event_id,
            token=token,
            name=name,
            email=email,
            signs_up=n % 2 == 0,
            offset=rng.uniform(0, storm_seconds) if storm_seconds > 0 else 0.0,
            think=rng.uniform(0.2, 1.0) if storm_seconds > 0 else 0.0,
        )
        for n, (token, name, email) in enumerate(links)
    ]


# --- one setup -------------------------------------------------------------------


def blast(backend, redis_url: str, setup: Setup, storm_seconds: float) -> Outcome:
    from tests.live_server import TEST_SECRET_KEY, LiveServer
    from tests.mail.counting_sink import CountingSink
    from tests.mail.smtp_sink import WorkerProcess

    outcome = Outcome(setup)
    url = backend.new_database("blast")
    app = _app(url)
    event_id, sessions = populate(app, setup.members)
    sink = CountingSink().start()
    workers: list[WorkerProcess] = []
    servers: list[LiveServer] = []
    try:
        worker_env = {"EVENTSITE_MAIL_RATE": "0", "EVENTSITE_MAIL_POLL_SECONDS": "0.5"}
        workers = [WorkerProcess(url, sink.port, TEST_SECRET_KEY, **worker_env) for _ in range(setup.workers)]
        for worker in workers:
            worker.wait_until_started(60)

        # The round: queue, then wait for the sink to accept every invitation.
        began = time.time()
        outcome.queue_s = queue_round(app, event_id, setup.members)
        print(f"  {setup.name}: {setup.members} invitations queued in {outcome.queue_s:.2f} s", flush=True)
        sink.wait_for(setup.members, timeout=600)
        arrivals = sink.messages()
        outcome.delivered = len(arrivals)
        outcome.deliver_s = (max(t for t, _, _ in arrivals) - began) if arrivals else float("nan")
        counted = Counter(message_id for _, message_id, _ in arrivals)
        invitations = message_ids(app, event_id, ("invitation",))
        outcome.invitation_duplicates = sum(n - 1 for n in counted.values() if n > 1)
        if set(counted) != set(invitations):
            outcome.notes.append(f"{len(set(invitations) - set(counted))} invitations never arrived")
        outcome.per_worker = [sent_by(worker) / outcome.deliver_s for worker in workers]
        print(
            f"  {setup.name}: {outcome.delivered} accepted {outcome.deliver_s:.1f} s after the queue began "
            f"({outcome.delivered / outcome.deliver_s:.0f} msg/s; per worker "
            + ", ".join(f"{rate:.0f}" for rate in outcome.per_worker)
            + ")",
            flush=True,
        )

        # The click storm, on the web nodes.
        node_env = {
            "EVENTSITE_RATELIMIT_ENABLED": "1",
            "EVENTSITE_RATELIMIT_STORAGE_URI": redis_url,
            "EVENTSITE_RATELIMIT_KEY_PREFIX": f"blast-{time.time_ns()}",
            "EVENTSITE_PROXY_HOPS": "1",
            "EVENTSITE_MAIL_RATE": "0",
            # As deployed (deploy/eventsite.env.example): one JSON line per request.
            "EVENTSITE_LOG_FORMAT": "json",
        }
        for _ in range(setup.nodes):
            servers.append(
                LiveServer(
                    url,
                    workers=setup.web_workers,
                    worker_class=setup.worker_class,
                    threads=setup.threads,
                    env=node_env,
                    ready_path="/healthz",
                    # The shipped configuration: redacted logs, templates compiled before the first request.
                    config="python:eventsite.gunicorn_conf",
                ).start()
            )
        links = personal_links(app, event_id, CLIENTS)
        visits = plan_visits(links, [server.port for server in servers], event_id, storm_seconds)
        web_pids = [pid for server in servers for pid in children(server.process.pid)]
        web_before = sum(cpu_seconds(pid) for pid in web_pids)
        busy_before, total_before = machine_ticks()
        load_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        results = storm(visits)
        outcome.storm_s = time.monotonic() - began
        load_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after, total_after = machine_ticks()
        web_cpu = sum(cpu_seconds(pid) for pid in web_pids) - web_before
        summarise_storm(results, outcome)
        answered = len(outcome.get_ms) + len(outcome.post_ms)
        outcome.web_cpu_ms = web_cpu * 1000 / answered if answered else float("nan")
        outcome.loadgen_cpu_s = (load_after.ru_utime + load_after.ru_stime) - (
            load_before.ru_utime + load_before.ru_stime
        )
        outcome.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
        accepted = outcome.post_statuses.get(303, 0)
        check_places(app, sessions, outcome, accepted)

        # Every sign-up's confirmation (or waiting-list notice), through the same workers.
        kinds = ("confirmation", "waitlisted")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = message_ids(app, event_id, kinds)
            if len(rows) >= accepted and all(status == "sent" for status in rows.values()):
                break
            time.sleep(0.2)
        rows = message_ids(app, event_id, kinds)
        sink.wait_for(setup.members + len(rows), timeout=30)
        counted = Counter(message_id for _, message_id, _ in sink.messages())
        outcome.confirmations = sum(1 for message_id in rows if counted[message_id] >= 1)
        outcome.confirmations_once = len(rows) == accepted and all(counted[message_id] == 1 for message_id in rows)

        outcome.web_rss_mb = [peak_rss_mb(pid) for server in servers for pid in children(server.process.pid)]
        outcome.mail_rss_mb = [peak_rss_mb(worker.pid) for worker in workers]
        for server in servers:
            if "Traceback" in server.log():
                outcome.notes.append("server log has a traceback:\n" + server.log()[-2000:])
    finally:
        for server in servers:
            server.stop()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.terminate()
            if "Traceback" in worker.log():
                outcome.notes.append("worker log has a traceback:\n" + worker.log()[-2000:])
        sink.remove()
        with app.app_context():
            from eventsite.extensions import db

            db.engine.dispose()
    return outcome


def sent_by(worker) -> int:
    """Messages a worker reports sent so far (its "sent N, ..." log lines)."""
    return sum(int(n) for n in re.findall(r"\] sent (\d+), retried", worker.log()))


def summarise_storm(results: list[dict], outcome: Outcome) -> None:
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        outcome.notes.append(f"{len(errors)} client errors, e.g. {errors[0]}")
    outcome.get_ms = [r["get_ms"] for r in results if "get_ms" in r]
    outcome.post_ms = [r["post_ms"] for r in results if "post_ms" in r]
    outcome.get_statuses = Counter(r.get("get_status") for r in results)
    outcome.post_statuses = Counter(r["post_status"] for r in results if "post_status" in r)
    outcome.prefilled = sum(1 for r in results if r.get("prefilled"))
    posts = [r for r in results if "post_done" in r]
    if posts:
        span = max(r["post_done"] for r in posts) - min(r["post_at"] for r in posts)
        outcome.signups_per_s = outcome.post_statuses.get(303, 0) / span if span > 0 else float("nan")


# --- reporting -------------------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def report(outcomes: list[Outcome], storm_seconds: float) -> bool:
    print()
    rows = []
    for o in outcomes:
        rows.append(
            [
                o.setup.name,
                round(o.queue_s, 2),
                round(o.deliver_s, 1),
                round(o.delivered / o.deliver_s, 0) if o.deliver_s == o.deliver_s else "-",
                " / ".join(f"{r:.0f}" for r in o.per_worker),
                o.delivered,
                o.invitation_duplicates,
            ]
        )
    harness.print_table(
        ["setup", "queue s", "delivered s", "msg/s", "msg/s per worker", "accepted", "duplicates"], rows
    )
    print()
    rows = []
    for o in outcomes:
        rows.append(
            [
                o.setup.name,
                f"{len(o.get_ms)}",
                round(percentile(o.get_ms, 50), 1),
                round(percentile(o.get_ms, 99), 1),
                f"{len(o.post_ms)}",
                round(percentile(o.post_ms, 50), 1),
                round(percentile(o.post_ms, 99), 1),
                round(o.signups_per_s, 1),
                " / ".join(f"{o.confirmed.get(c, 0)}+{o.waiting.get(c, 0)}w" for c in ("Næstved", "Aarhus")),
                o.oversold,
                "yes" if o.waiting_in_order else "NO",
                f"{o.confirmations}{'' if o.confirmations_once else ' NOT once'}",
            ]
        )
    harness.print_table(
        [
            "setup",
            "GETs",
            "GET p50",
            "GET p99",
            "POSTs",
            "POST p50",
            "POST p99",
            "sign-ups/s",
            "Næstved / Aarhus",
            "oversold",
            "queue order",
            "confirmations",
        ],
        rows,
    )
    print()
    rows = [
        [
            o.setup.name,
            " / ".join(f"{m:.0f}" for m in o.web_rss_mb),
            " / ".join(f"{m:.0f}" for m in o.mail_rss_mb),
            dict(o.get_statuses),
            dict(o.post_statuses),
            o.prefilled,
        ]
        for o in outcomes
    ]
    harness.print_table(
        ["setup", "web worker RSS MB", "mail worker RSS MB", "GET statuses", "POST statuses", "pre-filled"], rows
    )
    print()
    harness.print_table(
        ["setup", "storm s", "web CPU ms/request", "web CPU s", "load generator CPU s", "machine busy (all processes)"],
        [
            [
                o.setup.name,
                round(o.storm_s, 1),
                round(o.web_cpu_ms, 1),
                round(o.web_cpu_ms * (len(o.get_ms) + len(o.post_ms)) / 1000, 1),
                round(o.loadgen_cpu_s, 1),
                f"{o.machine_busy:.0%}",
            ]
            for o in outcomes
        ],
    )
    ok = True
    spread = f"arrivals spread over {storm_seconds:g} s" if storm_seconds > 0 else "all at once"
    for o in outcomes:
        for note in o.notes:
            print(f"[bench] {o.setup.name}: {note}")
        get99, post99 = percentile(o.get_ms, 99), percentile(o.post_ms, 99)
        rss = max(o.web_rss_mb + o.mail_rss_mb, default=float("nan"))
        print(
            f"[bench] {o.setup.name}: delivered in {o.deliver_s:.1f} s "
            f"({'met' if o.deliver_s < DELIVERY_TARGET_S else 'MISSED'} < {DELIVERY_TARGET_S:.0f} s); "
            f"storm ({spread}) p99 GET {get99:.0f} ms, POST {post99:.0f} ms "
            f"({'met' if max(get99, post99) < P99_TARGET_MS else 'MISSED'} < {P99_TARGET_MS:.0f} ms); "
            f"oversold {o.oversold}; peak RSS {rss:.0f} MB ({'met' if rss < RSS_TARGET_MB else 'MISSED'} < "
            f"{RSS_TARGET_MB:.0f} MB); correctness {'ok' if o.ok else 'FAILED'}"
        )
        ok = ok and o.ok
    return ok


def run(ctx) -> bool:
    if "postgresql" not in ctx.args.backends:
        print("[bench] blast runs on PostgreSQL only (--backends has no postgresql): skipped")
        return True
    backend = ctx.backends.get("postgresql")
    if backend is None:
        print("[bench] blast: PostgreSQL not available, skipped")
        return True
    storm_seconds = getattr(ctx.args, "storm_seconds", 5.0)
    wanted = getattr(ctx.args, "blast_setups", None)
    setups = [tuple(int(n) for n in item.split("x")) for item in wanted.split(",")] if wanted else SETUPS
    print(
        f"[bench] web nodes: {ctx.args.workers or 'one per core in all'} {ctx.args.worker_class or 'sync'} workers"
        + (f" x {ctx.args.threads} threads" if ctx.args.threads else "")
        + f"; {ctx.args.members or MEMBERS} members",
        flush=True,
    )
    outcomes = []
    with redis_server() as redis_url:
        for nodes, workers in setups:
            setup = Setup(
                nodes,
                workers,
                members=ctx.args.members or MEMBERS,
                web_workers=web_workers_per_node(nodes, ctx.args.workers),
                worker_class=ctx.args.worker_class or "sync",
                threads=ctx.args.threads or 1,
            )
            print(f"-- {setup.name}", flush=True)
            outcomes.append(blast(backend, redis_url, setup, storm_seconds))
    return report(outcomes, storm_seconds)


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark on its own (bench/run.py calls `run`)."""
    return harness.run_alone("blast", TITLE, run, argv, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
