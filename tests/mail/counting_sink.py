"""A counting SMTP sink in a process of its own, for the blast benchmark and the scale-out tests.

    python -m tests.mail.counting_sink LOG_PATH [--delay SECONDS]

Listens on 127.0.0.1 and a free port (printed as "port N" on stdout once ready) and
appends one line per accepted message to LOG_PATH: the arrival time (time.time()),
the Message-ID and the recipient, tab-separated. `--delay` makes it a slow server:
it waits that long before answering each message's DATA (the message counts as
accepted when the answer goes out). In its own process, the sink's parsing does not
take CPU time from the process that measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.M | re.I)


@dataclass
class Counting:
    out: object
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        head = envelope.content[:4096] if isinstance(envelope.content, bytes) else envelope.content.encode()[:4096]
        match = _MESSAGE_ID.search(head)
        message_id = match.group(1).decode() if match else "-"
        line = f"{time.time():.6f}\t{message_id}\t{','.join(envelope.rcpt_tos)}\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()
        return "250 Message accepted for delivery"


def read_log(path: str) -> list[tuple[float, str, str]]:
    """(arrival time, Message-ID, recipients) for every message accepted so far."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return []
    result = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) == 3:
            result.append((float(parts[0]), parts[1], parts[2]))
    return result


def count_lines(path: str) -> int:
    """How many messages were accepted so far (cheap: counts newlines)."""
    try:
        with open(path, "rb") as handle:
            return handle.read().count(b"\n")
    except FileNotFoundError:
        return 0


class CountingSink:
    """The sink as a child process: `start()`, `port`, `count()`, `messages()`, `stop()`."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        handle, self.path = tempfile.mkstemp(prefix="eventsite-sink-", suffix=".log")
        os.close(handle)
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self) -> CountingSink:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        command = [sys.executable, "-m", "tests.mail.counting_sink", self.path]
        if self.delay:
            command += ["--delay", str(self.delay)]
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("port "):
            self.stop()
            raise RuntimeError(f"the SMTP sink did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def count(self) -> int:
        return count_lines(self.path)

    def messages(self) -> list[tuple[float, str, str]]:
        return read_log(self.path)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.05)
        return self.count() >= count

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if process is not None and process.stdout:
            process.stdout.close()

    def remove(self) -> None:
        self.stop()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(args.log, "a", encoding="utf-8") as out:
        controller = Controller(Counting(out, args.delay), hostname="127.0.0.1", port=port)
        controller.start()
        print(f"port {port}", flush=True)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        while not stopped.wait(0.5):
            if os.getppid() == 1:  # the parent died without stopping us
                break
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
