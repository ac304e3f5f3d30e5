"""Rate limits and logs under real gunicorn: why production needs Redis; tokens kept out of the access log.

Redis: EVENTSITE_TEST_REDIS_URL (`.ci/run` starts a throwaway redis-server and sets it);
without it a local `redis-server` is started for the run, and failing that the Redis test
skips (fails under EVENTSITE_TEST_REQUIRE_ALL=1).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

from tests.conftest import skip_or_fail
from tests.live_server import free_port, live_server

pytestmark = pytest.mark.slow

LIMIT = 3
#: The one-click unsubscribe POST: limited per client, no CSRF token needed (RFC 8058).
LIMITED_PATH = "/invitation/ikke-et-token/afmeld"


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("EVENTSITE_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        skip_or_fail("the Redis test needs EVENTSITE_TEST_REDIS_URL or redis-server")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="eventsite-test-redis-")
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on {port}")


def _posts_to_both_workers(port: int, path: str, pairs: int) -> list[http.client.HTTPResponse]:
    """2 x `pairs` POSTs, each on a new connection closed after it (no keep-alive),
    alternating between the two sync workers.

    A sync worker serves one connection at a time, and one that has just answered
    accepts the next connection itself: sequential requests would all reach one
    worker. So each pair opens two connections first: the first keeps one worker
    waiting for its request, and the second must be accepted by the other.
    """
    answers = []
    for _ in range(pairs):
        connections = []
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.connect()
            connections.append(connection)
            time.sleep(0.3)  # a worker accepts it before the next connection comes
        for connection in connections:
            connection.request("POST", path, headers={"Connection": "close", "Content-Length": "0"})
            response = connection.getresponse()
            response.read()
            connection.close()
            answers.append(response)
    return answers


def _limited_server(database_url: str, storage: str):
    return live_server(
        database_url,
        workers=2,
        env={
            "EVENTSITE_RATELIMIT_ENABLED": "1",
            "EVENTSITE_RATELIMIT_STORAGE_URI": storage,
            # Every run counts on its own, also when parallel runs share one Redis.
            "EVENTSITE_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "EVENTSITE_RATELIMIT_INVITATION_ANSWER": f"{LIMIT} per minute",
        },
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_redis_a_limit_holds_across_two_gunicorn_workers(database_url, redis_url):
    with _limited_server(database_url, redis_url) as server:
        answers = _posts_to_both_workers(server.port, LIMITED_PATH, pairs=2)  # LIMIT + 1 requests

    assert [answer.status for answer in answers] == [404] * LIMIT + [429]
    assert int(answers[-1].getheader("Retry-After")) > 0
    # One count for the two workers: what is left only ever goes down.
    remaining = [int(answer.getheader("X-RateLimit-Remaining")) for answer in answers[:LIMIT]]
    assert remaining == list(range(LIMIT - 1, -1, -1))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_memory_storage_each_worker_counts_on_its_own(database_url):
    """Why production needs Redis: with memory:// two workers let twice the limit through."""
    with _limited_server(database_url, "memory://") as server:
        answers = [answer.status for answer in _posts_to_both_workers(server.port, LIMITED_PATH, pairs=LIMIT + 1)]

    # Each worker limits its own share of the requests only.
    assert answers == [404] * (2 * LIMIT) + [429, 429]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_shipped_gunicorn_configuration_keeps_tokens_out_of_the_access_log(
    app, database_url, create_event, register_person
):
    event = create_event()
    token = register_person(event.session_id, email="mette@example.dk").token
    with live_server(database_url, workers=1, config="python:eventsite.gunicorn_conf", secret_key=app.secret_key) as (
        server
    ):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", f"/tilmelding/{token}", headers={"Referer": f"http://x/tilmelding/{token}"})
        page = connection.getresponse()
        page.read()
        connection.request("GET", f"/arrangementer/{event.id}?invitation={token}&email=mette@example.dk")
        connection.getresponse().read()
        connection.close()
        time.sleep(0.3)  # the access log is written after the response
        log = server.log()

    assert page.status == 200  # the token is a real one
    lines = [line for line in log.splitlines() if '"GET /' in line]
    assert any('"GET /tilmelding/[token] HTTP/1.1" 200' in line for line in lines), log
    assert any(f'"GET /arrangementer/{event.id}?[...] HTTP/1.1" 200' in line for line in lines), log
    assert token not in log and "mette@example.dk" not in log
