"""What every benchmark needs: databases, a load generator and a table printer.

Databases: `Backends` hands out fresh, migrated databases per backend (an SQLite file
in a temporary directory; a PostgreSQL database on EVENTSITE_BENCH_DATABASE_URL or on
a throwaway cluster it starts itself) and removes them all at the end.

Load: `run_load` drives a running server from several processes, each with a few
threads, over raw keep-alive HTTP (http.client), so the generator stays far cheaper
than the server it measures on a 2-core machine.
"""

from __future__ import annotations

import contextlib
import http.client
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- databases ---------------------------------------------------------------


def migrate(url: str) -> None:
    """Build the schema with the project's own migrations (in a child process)."""
    env = dict(os.environ, EVENTSITE_DATABASE_URL=url)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    result = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"migrating {url} failed:\n{result.stdout}\n{result.stderr}")


class SQLiteBackend:
    name = "sqlite"

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def new_database(self, label: str) -> str:
        url = f"sqlite:///{os.path.join(self.directory, f'{label}-{uuid.uuid4().hex[:6]}.sqlite')}"
        migrate(url)
        return url

    def close(self) -> None:
        pass


class PostgresBackend:
    """Databases created on a server we may write to; each is dropped at the end."""

    name = "postgresql"

    def __init__(self, server_url: str, description: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        if server_url.startswith("postgresql://"):
            server_url = "postgresql+psycopg://" + server_url[len("postgresql://") :]
        self.server_url = make_url(server_url)
        self.description = description
        self.admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def new_database(self, label: str) -> str:
        from sqlalchemy import text

        name = f"eventsite_bench_{label}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        url = self.server_url.set(database=name).render_as_string(hide_password=False)
        migrate(url)
        return url

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


class ThrowawayCluster:
    """A private PostgreSQL cluster on 127.0.0.1 and a free port, deleted on stop().

    initdb refuses to run as root, so as root the server runs as the postgres user.
    """

    def __init__(self) -> None:
        self.bindir = self._find_bindir()
        self.directory = tempfile.mkdtemp(prefix="eventsite-bench-pg-")
        self.data = os.path.join(self.directory, "data")
        self.port = 0
        self.started = False

    @staticmethod
    def _find_bindir() -> str:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            bindir = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
            if os.path.exists(os.path.join(bindir, "initdb")):
                return bindir
        candidates = sorted(
            (
                d
                for d in (os.path.join("/usr/lib/postgresql", v, "bin") for v in _listdir("/usr/lib/postgresql"))
                if os.path.exists(os.path.join(d, "initdb"))
            ),
            reverse=True,
        )
        if not candidates:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        return candidates[0]

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(prefix + list(command), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> str:
        from tests.live_server import free_port

        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            os.path.join(self.bindir, "initdb"),
            "-D",
            self.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.port = free_port()
        self.start_server()
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start_server(self) -> None:
        """Start the server (again, after `stop_server`: a database restart) on its port."""
        self._run(
            os.path.join(self.bindir, "pg_ctl"),
            "-D",
            self.data,
            "-l",
            os.path.join(self.directory, "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory}",
            "start",
        )
        self.started = True

    def stop_server(self) -> None:
        """Stop the server ("fast": open transactions are rolled back, clients cut off)."""
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")
        self.started = False

    def stop(self) -> None:
        try:
            if self.started:
                self.stop_server()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


class Backends:
    """Fresh databases per backend for the benchmarks; everything is removed on exit.

    PostgreSQL is set up on first use: EVENTSITE_BENCH_DATABASE_URL (a server URL;
    the benchmarks create and drop their own databases on it) or a throwaway cluster.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self._tmp = tempfile.mkdtemp(prefix="eventsite-bench-")
        self._backends: dict[str, object] = {}
        self._cluster: ThrowawayCluster | None = None
        self.unavailable: dict[str, str] = {}

    def get(self, name: str):
        """The backend called `name`, or None (with the reason in `unavailable`)."""
        if name in self._backends or name in self.unavailable:
            return self._backends.get(name)
        try:
            if name == "sqlite":
                backend = SQLiteBackend(self._tmp)
            elif name == "postgresql":
                url = os.environ.get("EVENTSITE_BENCH_DATABASE_URL")
                if url:
                    backend = PostgresBackend(url, "EVENTSITE_BENCH_DATABASE_URL")
                else:
                    self._cluster = ThrowawayCluster()
                    url = self._cluster.start()
                    backend = PostgresBackend(url, f"throwaway cluster on port {self._cluster.port}")
            else:
                raise ValueError(f"unknown backend {name!r}")
        except Exception as error:  # noqa: BLE001 - reported, the other backend still runs
            self.unavailable[name] = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            print(f"[bench] {name}: not available: {self.unavailable[name]}", flush=True)
            return None
        self._backends[name] = backend
        return backend

    def __iter__(self):
        for name in self.names:
            backend = self.get(name)
            if backend is not None:
                yield backend

    def __enter__(self) -> Backends:
        return self

    def __exit__(self, *exc) -> None:
        for backend in self._backends.values():
            with contextlib.suppress(Exception):
                backend.close()
        if self._cluster is not None:
            self._cluster.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)


# --- load --------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSpec:
    """A closed-loop load: each client GETs `form_path` once, then POSTs until done."""

    port: int
    form_path: str
    post_path: str
    #: Form fields; "{email}" in a value is replaced by a fresh address per POST.
    fields: tuple[tuple[str, str], ...]
    clients: int
    duration: float
    max_requests: int
    ok_status: int = 303
    processes: int = 4
    #: Optional: each client's own (token, email) pairs, one per POST: a client's n-th
    #: POST puts its n-th pair's token for "{token}" in `post_path` and its email for
    #: "{email}" in the fields, and the client stops when its pairs run out. For
    #: requests that each need a credential made beforehand (an invitation link).
    identities: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass
class LoadResult:
    completed: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter
    errors: int
    sample_failure: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


class _Client:
    """One simulated visitor on its own keep-alive connection, with its cookie."""

    def __init__(self, spec: LoadSpec, tag: str, identities: tuple[tuple[str, str], ...] | None = None) -> None:
        self.spec = spec
        self.tag = tag
        self.identities = identities
        self.conn = http.client.HTTPConnection("127.0.0.1", spec.port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        self.sent = 0

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # The server closed a kept-alive connection between requests: reconnect once.
                self.conn.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()  # http.client reopens on the next request
        return response.status, data

    def open_form(self) -> None:
        status, body = self._request("GET", self.spec.form_path)
        if status != 200:
            raise RuntimeError(f"GET {self.spec.form_path}: {status} {body[:200]!r}")
        match = _CSRF.search(body)
        self.csrf = match.group(1).decode() if match else ""

    def post(self) -> tuple[int, bytes]:
        path = self.spec.post_path
        if self.identities is not None:
            token, email = self.identities[self.sent]
            path = path.replace("{token}", token)
        else:
            email = f"b{self.tag}-{self.sent + 1}@bench.example"
        self.sent += 1
        fields = [(k, v.replace("{email}", email)) for k, v in self.spec.fields]
        if self.csrf:
            fields.append(("csrf_token", self.csrf))
        return self._request("POST", path, urlencode(fields).encode())


def _client_process(spec: LoadSpec, clients: int, first: int, index: int, ready, go, start_at, results) -> None:
    """One load process: open every client's form, report ready, then post until done.

    Its clients are numbers first .. first + clients - 1 of the whole load (which
    picks each one's `spec.identities`)."""
    run_tag = uuid.uuid4().hex[:6]
    members = [
        _Client(spec, f"{run_tag}-{index}-{n}", spec.identities[first + n] if spec.identities else None)
        for n in range(clients)
    ]
    try:
        for client in members:
            client.open_form()
    except Exception as error:  # noqa: BLE001 - reported to the parent
        ready.put(f"failed: {error}")
        return
    ready.put("ready")
    go.wait(120)
    deadline = start_at.value + spec.duration
    budget = max(1, spec.max_requests // spec.clients)
    latencies: list[list[float]] = [[] for _ in members]
    statuses: list[Counter] = [Counter() for _ in members]
    errors = [0] * len(members)
    last_done = [start_at.value] * len(members)
    failure = [""]
    ran_out = [False] * len(members)

    def drive(n: int, client: _Client) -> None:
        limit = budget if client.identities is None else min(budget, len(client.identities))
        while client.sent < limit and time.monotonic() < deadline:
            began = time.monotonic()
            try:
                status, body = client.post()
            except Exception as error:  # noqa: BLE001 - counted, not fatal
                errors[n] += 1
                failure[0] = failure[0] or repr(error)
                continue
            done = time.monotonic()
            last_done[n] = done
            statuses[n][status] += 1
            if status == spec.ok_status:
                latencies[n].append((done - began) * 1000)
            elif not failure[0]:
                failure[0] = f"{status}: {body[:300]!r}"
        # Stopped by its identities, not by the clock or the request cap: the row ended early.
        ran_out[n] = client.identities is not None and client.sent >= len(client.identities) and limit < budget

    threads = [threading.Thread(target=drive, args=(n, c), daemon=True) for n, c in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(spec.duration + 120)
    results.put(
        (
            [x for per in latencies for x in per],
            sum(statuses, Counter()),
            sum(errors),
            max(last_done),
            failure[0],
            sum(ran_out),
        )
    )


def _get_while_alive(queue, processes, timeout: float):
    """queue.get(), but give up early when a load process died without answering."""
    import queue as queue_module

    deadline = time.monotonic() + timeout
    while True:
        try:
            return queue.get(timeout=0.5)
        except queue_module.Empty:
            if time.monotonic() > deadline:
                raise RuntimeError("load processes did not answer in time") from None
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError("a load process died") from None


def run_load(spec: LoadSpec) -> LoadResult:
    """Drive the server with `spec.clients` clients spread over a few processes."""
    context = multiprocessing.get_context("spawn")
    processes = max(1, min(spec.processes, spec.clients))
    share = [spec.clients // processes + (1 if i < spec.clients % processes else 0) for i in range(processes)]
    if spec.identities and len(spec.identities) != spec.clients:
        raise ValueError(f"{len(spec.identities)} identity lists for {spec.clients} clients")
    firsts = [sum(share[:i]) for i in range(processes)]
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    start_at = context.Value("d", 0.0)
    workers = [
        context.Process(target=_client_process, args=(spec, n, firsts[i], i, ready, go, start_at, results), daemon=True)
        for i, n in enumerate(share)
    ]
    for process in workers:
        process.start()
    try:
        for _ in workers:
            message = _get_while_alive(ready, workers, 120)
            if message != "ready":
                raise RuntimeError(f"load client {message}")
        start_at.value = time.monotonic()
        go.set()
        collected = [_get_while_alive(results, workers, spec.duration + 180) for _ in workers]
    finally:
        for process in workers:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
    latencies = [x for part in collected for x in part[0]]
    statuses = sum((part[1] for part in collected), Counter())
    ended = max(part[3] for part in collected)
    return LoadResult(
        completed=statuses.get(spec.ok_status, 0),
        seconds=max(ended - start_at.value, 1e-9),
        latencies_ms=latencies,
        statuses=statuses,
        errors=sum(part[2] for part in collected),
        sample_failure=next((part[4] for part in collected if part[4]), ""),
        extra={"ran_out": sum(part[5] for part in collected)},
    )


# --- reporting ---------------------------------------------------------------


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)))
    sys.stdout.flush()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.1f}"
    return str(value)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d.]+|-", text))


def machine_note() -> str:
    """Cores and load average, printed with every run: the numbers depend on both."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (other processes on the machine skew the figures)"


def run_per_backend(ctx, measure, headers: list[str]) -> bool:
    """`run` for a benchmark that measures each backend on its own: `measure(backend)`
    returns (table rows, ok); the rows of every backend are printed as one table."""
    table, ok = [], True
    for backend in ctx.backends:
        rows, backend_ok = measure(backend)
        table.extend(rows)
        ok = ok and backend_ok
    print()
    print_table(headers, table)
    return ok


def run_alone(name: str, title: str, run, argv: list[str] | None = None, doc: str | None = None) -> int:
    """Run one benchmark module on its own (`python bench/bench_x.py`); bench/run.py calls `run`."""
    import argparse

    parser = argparse.ArgumentParser(description=(doc or title).split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated (default: %(default)s)")
    parser.add_argument("--storm-seconds", type=float, default=5.0, help="blast: spread of the click storm's arrivals")
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    names = args.backends
    print(f"[bench] {machine_note()}\n== {name}: {title}", flush=True)
    with Backends(names) as backends:
        ok = run(argparse.Namespace(backends=backends, args=args))
    return 0 if ok else 1
