"""What the calendar puts into the emails about a registration.

Registration renders those emails and sits below calendar, so it offers a hook
(`eventsite.registration.email.set_email_calendar`) and this module fills it: the
person's own entry as an iTIP REQUEST or CANCEL, built by the same builder as the
downloads and feeds (same UID and SEQUENCE), and the link to the personal feed.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from eventsite.calendar.entries import personal_entry
from eventsite.calendar.ical import CANCEL, build_calendar
from eventsite.calendar.links import webcal
from eventsite.calendar.personal import feed_token
from eventsite.registration.email import EmailCalendar, set_email_calendar
from eventsite.registration.models import Person, Registration
from eventsite.text import absolute_url


def invitation(registration: Registration, method: str, stamp: datetime, manage_url: str) -> bytes:
    """The person's entry as an iCal object with METHOD `method` (REQUEST or CANCEL)."""
    entry = personal_entry(registration, stamp=stamp, cancel=method == CANCEL, manage_url=manage_url)
    return build_calendar([entry], method=method)


def personal_feed_url(person: Person) -> str:
    """The webcal:// address of the person's own feed ("mine tilmeldinger")."""
    return webcal(absolute_url("calendar.personal_feed", token=feed_token(person)))


def init_app(app: Flask) -> None:
    set_email_calendar(app, EmailCalendar(invitation=invitation, feed_url=personal_feed_url))
