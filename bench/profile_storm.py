"""CPU and queries per request of the click storm's two requests, measured in process.

The blast bench (bench_blast.py) times the storm over HTTP on a shared machine; this
measures what one web worker spends on each request without the network, the other
processes or the machine's load: a loop of requests through Flask's test client on a
fresh PostgreSQL (or SQLite) database set up as the blast's (a temadag of two
sessions, members with personal invitation links).

    .venv/bin/python bench/profile_storm.py                     # CPU ms and SQL per request
    .venv/bin/python bench/profile_storm.py --profile get       # + cProfile of the GETs
    .venv/bin/python bench/profile_storm.py --backend sqlite

CPU is this process's (time.process_time): the database server's work is not in it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402
from bench.bench_blast import personal_links, populate, queue_round  # noqa: E402

_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_CHOSEN = re.compile(rb'name="session_id" value="(\d+)"[^>]*\schecked')


def _app(url: str):
    from config import Config
    from eventsite import create_app

    class ProfileConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "profile-" + "x" * 40
        MAIL_RATE = 0
        BASE_URL = "http://127.0.0.1"
        # As in the blast (limits on, in Redis) when EVENTSITE_BENCH_REDIS_URL is set.
        RATELIMIT_ENABLED = bool(os.environ.get("EVENTSITE_BENCH_REDIS_URL"))
        RATELIMIT_STORAGE_URI = os.environ.get("EVENTSITE_BENCH_REDIS_URL") or "memory://"
        RATELIMIT_SIGNUP = "10000 per minute"

    return create_app(ProfileConfig)


class QueryCounter:
    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count = 0
        self.statements: list[str] | None = None
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.count += 1
        if self.statements is not None:
            self.statements.append(" ".join(statement.split())[:300])


def _post(client, event_id: int, token: str, name: str, email: str, body: bytes):
    """Press "Tilmeld" on the page as it came (the pre-selected session)."""
    csrf = _CSRF.search(body)
    chosen = _CHOSEN.search(body)
    return client.post(
        f"/arrangementer/{event_id}/tilmeld?invitation={token}",
        data={
            "csrf_token": csrf.group(1).decode() if csrf else "",
            "session_id": chosen.group(1).decode() if chosen else "",
            "name": name,
            "email": email,
        },
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--requests", type=int, default=200, help="GETs (and as many POSTs) (default: %(default)s)")
    parser.add_argument("--profile", choices=["get", "post"], default=None, help="cProfile one of the loops")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="print the statements of one GET and one POST")
    args = parser.parse_args(argv)

    with harness.Backends([args.backend]) as backends:
        backend = backends.get(args.backend)
        if backend is None:
            return 1
        url = backend.new_database("profile")
        app = _app(url)
        event_id, _sessions = populate(app)
        with app.app_context():
            from eventsite.extensions import db

            queue_round(app, event_id)
            counter = QueryCounter(db.engine)
        links = personal_links(app, event_id, args.requests + 20)
        client = app.test_client()
        # Warm up: templates compiled, caches filled, connections opened.
        for token, _name, _email in links[-20:]:
            client.get(f"/arrangementer/{event_id}?invitation={token}")
        if args.sql:
            token, name, email = links[-1]
            counter.statements = []
            body = client.get(f"/arrangementer/{event_id}?invitation={token}").data
            print("GET:", *counter.statements, sep="\n  ")
            counter.statements = []
            _post(client, event_id, token, name, email, body)
            print("POST:", *counter.statements, sep="\n  ")
            counter.statements = None
        pages = []
        profiler = cProfile.Profile(time.process_time) if args.profile else None

        counter.count = 0
        if profiler and args.profile == "get":
            profiler.enable()
        began = time.process_time()
        wall = time.perf_counter()
        for token, name, email in links[: args.requests]:
            response = client.get(f"/arrangementer/{event_id}?invitation={token}")
            assert response.status_code == 200, response.status_code
            pages.append((token, name, email, response.data))
        get_cpu = (time.process_time() - began) / args.requests * 1000
        get_wall = (time.perf_counter() - wall) / args.requests * 1000
        get_queries = counter.count / args.requests
        if profiler:
            profiler.disable()

        counter.count = 0
        if profiler and args.profile == "post":
            profiler.enable()
        began = time.process_time()
        wall = time.perf_counter()
        statuses: dict[int, int] = {}
        for token, name, email, body in pages:
            response = _post(client, event_id, token, name, email, body)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        post_cpu = (time.process_time() - began) / args.requests * 1000
        post_wall = (time.perf_counter() - wall) / args.requests * 1000
        post_queries = counter.count / args.requests
        if profiler:
            profiler.disable()

        print(f"[profile] {args.backend}, {args.requests} requests each; {harness.machine_note()}")
        print(f"  GET  invitation page: {get_cpu:6.2f} ms CPU, {get_wall:6.2f} ms wall, {get_queries:.1f} queries")
        print(
            f"  POST sign-up:         {post_cpu:6.2f} ms CPU, {post_wall:6.2f} ms wall, {post_queries:.1f} queries"
            f"  statuses {statuses}"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
        with app.app_context():
            from eventsite.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
