"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives,
and a helper to run `flask --app wsgi worker` as a real subprocess.

The server can refuse chosen recipients (a permanent 5xx or a temporary 4xx) and
run a hook on each message, e.g. to SIGKILL a worker at an exact moment.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable

from aiosmtpd.controller import Controller

from eventsite.clock import utcnow
from tests.live_server import ROOT, free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        """The MIME message as the server received it, parsed."""
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def message_id(self) -> str:
        return self.message()["Message-ID"]


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    #: address -> SMTP reply for RCPT TO, e.g. "550 5.1.1 No such user".
    refuse: dict[str, str] = field(default_factory=dict)
    #: Called with the 1-based number of each message, before the server answers it.
    on_data: Callable[[int], None] | None = None
    #: Called with the 1-based number of each RCPT, before the server answers it.
    on_rcpt: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    rcpt_count: int = 0
    data_count: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
            number = self.rcpt_count
        if self.on_rcpt is not None:
            self.on_rcpt(number)
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_count += 1
            number = self.data_count
            # Like a real MTA, the message is ours once the final dot has arrived,
            # whether or not the client lives to read our answer.
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        if self.on_data is not None:
            self.on_data(number)
        return "250 Message accepted for delivery"


class SMTPSink:
    """An aiosmtpd server on 127.0.0.1; `start()` may be called late (an outage)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    def start(self) -> SMTPSink:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def refuse(self, address: str, reply: str = "550 5.1.1 Mailbox does not exist") -> None:
        self.handler.refuse[address.lower()] = reply

    def message_ids(self) -> Counter:
        """How many times each Message-ID arrived."""
        return Counter(item.message_id for item in self.received)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.received)}")


class WorkerProcess:
    """`flask --app wsgi worker` against a test database and SMTP port, as a subprocess."""

    def __init__(self, database_url: str, smtp_port: int, secret_key: str, *, once: bool = False, **env: str) -> None:
        handle, self.log_path = tempfile.mkstemp(prefix="eventsite-worker-", suffix=".log")
        os.close(handle)
        self._final_log: str | None = None
        environment = dict(os.environ)
        environment.update(
            EVENTSITE_DATABASE_URL=database_url,
            EVENTSITE_SECRET_KEY=secret_key,
            EVENTSITE_BASE_URL="http://localhost",
            EVENTSITE_MAIL_BACKEND="smtp",
            EVENTSITE_CLOCK_START=utcnow().isoformat(),  # the suite's clock (tests/conftest.py)
            EVENTSITE_MAIL_SERVER="127.0.0.1",
            EVENTSITE_MAIL_PORT=str(smtp_port),
            EVENTSITE_MAIL_RATE="0",
            EVENTSITE_MAIL_POLL_SECONDS="0.2",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join(filter(None, [ROOT, environment.get("PYTHONPATH")])),
        )
        environment.update(env)
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"] + (["--once"] if once else [])
        with open(self.log_path, "wb") as log_file:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        if self._final_log is not None:
            return self._final_log
        with open(self.log_path, "rb") as log_file:
            return log_file.read().decode(errors="replace")

    def _finished(self) -> None:
        """Keep the output in memory and remove the log file."""
        if self._final_log is None and os.path.exists(self.log_path):
            self._final_log = self.log()
            os.unlink(self.log_path)

    def wait_until_started(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "mail worker started" in self.log():
                return
            if self.process.poll() is not None:
                raise AssertionError("worker exited:\n" + self.log())
            time.sleep(0.05)
        raise AssertionError("worker did not start:\n" + self.log())

    def wait(self, timeout: float = 60.0) -> int:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("worker did not finish:\n" + self.log()) from None
        self._finished()
        return code

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM (a graceful stop), then wait."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._finished()
