"""SMTP transport: the connection the worker sends over, and what a refusal means.

A 5xx refusal of the recipient or the message is permanent; a refused sender, a
4xx or a timeout is temporary; a dropped or unusable server ends the connection
(`classify`). EVENTSITE_MAIL_BACKEND=log prints each email instead (development).
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from email.utils import parseaddr
from typing import Literal

from flask import current_app
from flask_mail import BadHeaderError, Connection, Mail, sanitize_address

from eventsite.mail.message import CALENDAR_FILENAME, Email

log = logging.getLogger("eventsite.mail")

#: Seconds to wait for the SMTP server before treating it as down.
SMTP_TIMEOUT = 30

Failure = Literal["permanent", "temporary", "connection"]


class _SMTPConnection(Connection):
    """Flask-Mail's connection with a timeout, so a hung server cannot outlive the lease."""

    def configure_host(self):
        mail = self.mail
        if mail.use_ssl:
            host = smtplib.SMTP_SSL(mail.server, mail.port, timeout=SMTP_TIMEOUT)
        else:
            host = smtplib.SMTP(mail.server, mail.port, timeout=SMTP_TIMEOUT)
        if mail.use_tls:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host

    def send(self, message: Email, envelope_from: str | tuple[str, str] | None = None) -> None:
        """Flask-Mail's send, less what the worker pays for per message and never uses.

        The envelope takes plain addresses as they are (Flask-Mail parses and re-encodes
        every one, names included, which the envelope does not carry), and no
        `email_dispatched` signal is sent. An internationalised domain still goes
        through Flask-Mail's IDN encoding.
        """
        if not message.send_to:
            raise ValueError("no recipients")
        if message.has_bad_headers():
            raise BadHeaderError
        if message.date is None:
            message.date = time.time()
        self.host.sendmail(
            _envelope_address(envelope_from or message.sender),
            [_envelope_address(recipient) for recipient in message.send_to],
            message.as_bytes(),
            message.mail_options,
            message.rcpt_options,
        )

    def __exit__(self, exc_type, exc_value, tb):
        try:
            super().__exit__(exc_type, exc_value, tb)
        except (smtplib.SMTPException, OSError):
            pass  # the messages are marked already; a failed QUIT changes nothing


def _envelope_address(value: str | tuple[str, str]) -> str:
    """The bare address for MAIL FROM / RCPT TO."""
    address = value[1] if isinstance(value, tuple) else parseaddr(value)[1] or value
    return address if address.isascii() else sanitize_address(address)


class _LogConnection:
    """EVENTSITE_MAIL_BACKEND=log: print each email instead of sending it (development)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def send(self, message: Email, envelope_from: str | None = None) -> None:
        calendar = message.alts.get("calendar")
        lines = [
            "=" * 72,
            "Email (EVENTSITE_MAIL_BACKEND=log: printed, not sent)",
            f"From: {message.sender}",
            "To: " + ", ".join(f"{name} <{address}>" for name, address in message.recipients),
            f"Subject: {message.subject}",
            f"Message-ID: {message.msgId}",
            "",
            message.body or "",
        ]
        if calendar:
            lines += ["", f"[calendar invitation: METHOD:{message.calendar_method}, attached as {CALENDAR_FILENAME}]"]
        lines.append("=" * 72)
        log.info("\n".join(lines))


def connection() -> _SMTPConnection | _LogConnection:
    """A connection for one batch (a context manager with `send(message, envelope_from)`)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        return _LogConnection()
    state = Mail().init_mail(config)
    state.suppress = False  # Flask-Mail suppresses when TESTING; the backend setting decides here
    return _SMTPConnection(state)


def envelope_sender() -> str:
    """MAIL FROM: the site's own address, where bounces are handled."""
    return current_app.config["MAIL_DEFAULT_SENDER"]


def classify(error: Exception) -> Failure:
    """'permanent' (5xx about this message), 'temporary', or 'connection' (server unusable)."""
    if isinstance(error, BadHeaderError):
        return "permanent"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return "permanent" if codes and all(500 <= code < 600 for code in codes) else "temporary"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "temporary"  # our own sender address is refused: not the recipient's fault
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "connection"
    if isinstance(error, smtplib.SMTPResponseException):
        if 500 <= error.smtp_code < 600:
            return "permanent"
        if error.smtp_code in (421,):
            return "connection"
        return "temporary"
    return "connection"


_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")


def for_log(text: str) -> str:
    """`text` without email addresses: what goes to the log (the row keeps the whole error)."""
    return _ADDRESS.sub("[address]", text)


def describe(error: Exception) -> str:
    """The error as kept on the row and shown to organisers ("550 5.1.1 ...")."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{parseaddr(address)[1] or address}: {code} "
            f"{message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"
