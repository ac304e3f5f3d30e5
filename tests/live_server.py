"""Run an app under real gunicorn on 127.0.0.1, for concurrency tests and benchmarks.

    with live_server("sqlite:////tmp/x.sqlite", workers=4) as server:
        requests.get(server.url + "/")

The server is a child process group of its own; leaving the `with` block (also by an
exception) stops it, and `stop()` escalates to SIGKILL if gunicorn does not go.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from eventsite.clock import utcnow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Fixed so that every worker signs sessions and CSRF tokens with the same key.
TEST_SECRET_KEY = "live-server-secret-key-not-for-production"


class ServerFailed(RuntimeError):
    """gunicorn exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    """A port that was free a moment ago (the kernel picks it when we bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """gunicorn serving `app` (a "module:variable" WSGI path) against `database_url`."""

    database_url: str
    app: str = "wsgi:app"
    workers: int = 4
    worker_class: str = "sync"
    #: Threads per worker; only the gthread worker class uses it.
    threads: int = 1
    #: Path requested to decide that the server is up (any HTTP answer counts).
    ready_path: str = "/"
    startup_timeout: float = 30.0
    #: Signs cookies, CSRF and manage-link tokens; pass the test app's key to share tokens.
    secret_key: str = TEST_SECRET_KEY
    env: dict[str, str] = field(default_factory=dict)
    #: A gunicorn configuration (`-c`), e.g. "python:eventsite.gunicorn_conf".
    config: str | None = None
    port: int = 0
    process: subprocess.Popen | None = None
    _log: object | None = None  # a temporary file collecting gunicorn's output

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            # Load the app once in the master; workers fork with it ready (faster start,
            # and an import error shows up before any worker exists).
            "--preload",
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--chdir",
            ROOT,
            *(["--config", self.config] if self.config else []),
            self.app,
        ]

    def start(self) -> LiveServer:
        """Start gunicorn and return once it answers HTTP; retry once if the port was taken."""
        for attempt in range(3):
            self.port = free_port()
            env = dict(os.environ)
            env.update(
                EVENTSITE_DATABASE_URL=self.database_url,
                EVENTSITE_SECRET_KEY=self.secret_key,
                EVENTSITE_BASE_URL=self.url,
                PYTHONPATH=os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")])),
                # The server reads the same clock as the process that starts it (the
                # suite runs at a fixed date, see tests/conftest.py).
                EVENTSITE_CLOCK_START=utcnow().isoformat(),
                # Concurrency tests and benchmarks post far faster than people; a
                # limit test sets EVENTSITE_RATELIMIT_ENABLED=1 in `env`.
                EVENTSITE_RATELIMIT_ENABLED="0",
            )
            env.update(self.env)
            if self._log is not None:
                self._log.close()
            self._log = tempfile.TemporaryFile()
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=env,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() reaches every worker
            )
            try:
                self._wait_until_ready()
                return self
            except ServerFailed:
                log = self.log()
                self.stop()
                if "Address already in use" in log and attempt < 2:
                    continue
                # __exit__ does not run when __enter__ raises: close the log here.
                self._log.close()
                self._log = None
                raise ServerFailed(f"gunicorn did not start ({' '.join(self.command())}):\n{log}") from None
        raise AssertionError("unreachable")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed("exited")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", self.ready_path)
                conn.getresponse().read()
                return
            except OSError:  # not listening yet, or a worker still starting dropped the connection
                time.sleep(0.1)
            finally:
                conn.close()  # also after a failed request, or its socket is left to the GC
        raise ServerFailed("timed out")

    def log(self) -> str:
        """What gunicorn and the app wrote to stdout/stderr so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        """Stop gunicorn and its workers: SIGTERM, then SIGKILL after a grace period."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        # Workers that outlived the master (they should not) go with the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None


@contextlib.contextmanager
def live_server(database_url: str, **options) -> Iterator[LiveServer]:
    """Serve the app under gunicorn for the duration of the block."""
    with LiveServer(database_url, **options) as server:
        yield server
