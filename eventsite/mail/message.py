"""The one Flask-Mail message class every email is sent as, with one header policy.

Header policy: every header is written once, as this class encodes it. Plain ASCII
values (addresses, Message-ID, a List-Unsubscribe URL) go on the wire as they are,
never folded, so a URL stays one piece a mail client can follow; anything else is
RFC 2047-encoded as UTF-8 base64 words. Lines end in CRLF. Bodies are UTF-8 base64.
"""

from __future__ import annotations

import email.charset
import email.policy
import uuid
from email.encoders import encode_base64
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

from flask import current_app
from flask_mail import Message, sanitize_address

from eventsite.accounts.brand import sender_name
from eventsite.events.models import Organisation

#: The name of the calendar attachment beside the text/calendar part.
CALENDAR_FILENAME = "invitation.ics"


class _AsEncodedPolicy(email.policy.Compat32):
    """Write headers exactly as `Email` encoded them, with CRLF line ends.

    `Email` RFC 2047-encodes every header that needs it, so re-encoding them (what
    both of Python's policies do) is only cost, and folding an ASCII value would
    split a URL.
    """

    def fold_binary(self, name, value):
        if isinstance(value, str) and value.isascii():
            line = f"{name}: {value}".replace("\r\n", "\n").replace("\n", self.linesep)
            return (line + self.linesep).encode("ascii")
        return super().fold_binary(name, value)


_SMTP_AS_ENCODED = _AsEncodedPolicy(linesep="\r\n", max_line_length=None)
#: UTF-8 with base64 ("B") encoding for both bodies and headers, chosen once: Python's
#: default for UTF-8 headers ("shortest") encodes every header both ways, in pure
#: Python, to compare lengths, and that cost more than anything else in a send.
_UTF8_BASE64 = email.charset.Charset("utf-8")
_UTF8_BASE64.body_encoding = email.charset.BASE64
_UTF8_BASE64.header_encoding = email.charset.BASE64


class Email(Message):
    """A Flask-Mail message: text and HTML, optionally a calendar invitation.

    Outlook, Gmail and Apple Mail show an email as a meeting invitation when a
    `text/calendar; method=REQUEST` alternative is present (`add_calendar`); the same
    calendar is also attached as an .ics file for everything else.
    """

    calendar_method: str | None = None

    def __init__(self, *args: Any, message_id: str | None = None, **kwargs: Any) -> None:
        # Flask-Mail passes the message charset to every email.header.Header it makes.
        kwargs.setdefault("charset", _UTF8_BASE64)
        super().__init__(*args, **kwargs)
        if message_id is not None:
            self.msgId = message_id

    def add_calendar(self, calendar: bytes, method: str) -> None:
        """The iCal invitation (iTIP `method`: REQUEST or CANCEL) as a part and as a file."""
        self.calendar_method = method
        self.alts["calendar"] = calendar.decode("utf-8")
        self.attach(CALENDAR_FILENAME, "application/ics", calendar)

    def _mimetext(self, text, subtype="plain"):
        # Base64, chosen once: Flask-Mail's "shortest" setting encodes every part both
        # ways to compare them, and base64 is the encoding Python does in C.
        part = MIMEText(text, _subtype=subtype, _charset=_UTF8_BASE64)
        if subtype == "calendar" and self.calendar_method:
            part.set_param("method", self.calendar_method)
        return part

    def _message(self) -> MIMEMultipart:
        """The MIME tree: mixed [alternative [plain, html, calendar], attachments].

        Built here rather than by Flask-Mail, which RFC 2047-encodes every name
        (ASCII ones too) and the subject twice over and leaves the boundaries to be
        found by the generator, compiling a regular expression per part to check
        them. A random boundary cannot occur in the content.
        """
        alternative = MIMEMultipart("alternative", boundary=_boundary())
        alternative.attach(self._mimetext(self.body, "plain"))
        for subtype, content in self.alts.items():
            alternative.attach(self._mimetext(content, subtype))
        message = MIMEMultipart(boundary=_boundary())
        message.attach(alternative)
        for attachment in self.attachments:
            part = MIMEBase(*attachment.content_type.split("/"))
            part.set_payload(attachment.data)
            encode_base64(part)
            part.add_header("Content-Disposition", attachment.disposition, filename=attachment.filename)
            message.attach(part)
        # Every header value is cleaned here, whatever the form or template gave: a CR
        # or LF in a subject or a name must not start a header of its own.
        subject = header_value(self.subject or "")
        if subject:
            message["Subject"] = _encoded(subject, "Subject")
        message["From"] = _address(self.sender)
        message["To"] = ", ".join(_address(recipient) for recipient in self.recipients)
        message["Date"] = formatdate(self.date, localtime=True)
        message["Message-ID"] = self.msgId
        if self.reply_to:
            message["Reply-To"] = _address(self.reply_to)
        for name, value in (self.extra_headers or {}).items():
            message[header_value(name)] = header_value(value)
        return message

    def as_bytes(self) -> bytes:
        # Every header is encoded already: written as it is (see _AsEncodedPolicy),
        # skipping the modern policy's re-parsing and refolding of each header, which
        # cost more than everything else in a send.
        message = self._message()
        message.policy = _SMTP_AS_ENCODED
        return message.as_bytes()


def sender_for(organisation: Organisation) -> tuple[str, str]:
    """(name, address) an organisation's emails come from: its brand's sender name, and its
    own address or the site's."""
    return sender_name(organisation), organisation.sender_email or current_app.config["MAIL_DEFAULT_SENDER"]


def one_line(subject: str) -> str:
    """A subject on one line: a header must never be split by what an organiser typed."""
    return " ".join(subject.split())


#: Control characters (C0 and DEL) -> space, for str.translate (in C: a character-by-
#: character loop in Python cost about a tenth of a worker's time per email).
_CONTROLS_TO_SPACES = {code: " " for code in (*range(32), 127)}


def header_value(value: str) -> str:
    """`value` fit for a header: control characters (CR, LF, NUL, ...) become spaces, on one line."""
    return one_line(str(value).translate(_CONTROLS_TO_SPACES))


def _boundary() -> str:
    return f"=_{uuid.uuid4().hex[:20]}"


def _encoded(value: str, header_name: str | None = None) -> str:
    """A header value, RFC 2047-encoded (base64, folded) only if it is not plain ASCII."""
    if value.isascii():
        return value
    return Header(value, _UTF8_BASE64, header_name=header_name).encode(linesep="\r\n")


def _address(value: str | tuple[str, str]) -> str:
    name, address = parseaddr(value) if isinstance(value, str) else value
    name, address = header_value(name), header_value(address).replace(" ", "")
    if not address.isascii():
        return sanitize_address((name, address))  # an internationalised domain: Flask-Mail's IDN handling
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))  # quotes the name when it needs it
    return f"{_encoded(name)} <{address}>"
