"""Registration: people, their places on sessions, waiting lists, and the emails about them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from eventsite.mail.jobs import add_job
from eventsite.registration import audit_labels, email, holds
from eventsite.registration.cli import register_cli
from eventsite.registration.notifications import notify_reminders_due
from eventsite.registration.privacy import purge_dietary_notes

#: How often the mail worker queues the reminders that have become due
#: (EVENTSITE_JOB_REMINDERS_MINUTES overrides it).
REMINDER_INTERVAL = timedelta(minutes=10)
#: How often the worker deletes the dietary needs of finished events
#: (EVENTSITE_JOB_DIETARY_PURGE_MINUTES overrides it).
DIETARY_PURGE_INTERVAL = timedelta(days=1)
#: How often the mail worker releases the held places whose confirmation lapsed.
HOLD_RELEASE_INTERVAL = timedelta(minutes=5)


def queue_reminders(now: datetime) -> str | None:
    """The worker's reminder job (see eventsite.mail.jobs)."""
    count = notify_reminders_due(now)
    return f"queued {count} reminders" if count else None


def purge_dietary(now: datetime) -> str:
    """The worker's daily job: dietary needs are for the caterer, deleted a week after the event."""
    count = purge_dietary_notes(now=now)
    return f"deleted {count} dietary notes"


def release_holds(now: datetime) -> str | None:
    """The worker's job releasing unconfirmed held places (see eventsite.registration.holds)."""
    count = holds.release_expired(now)
    return f"released {count} held places" if count else None


def init_app(app: Flask) -> None:
    """The emails about registrations, the reminder and dietary-purge jobs and `send-reminders`."""
    email.init_app(app)
    audit_labels.init_app(app)
    add_job(app, "reminders", queue_reminders, every=REMINDER_INTERVAL)
    add_job(app, "dietary_purge", purge_dietary, every=DIETARY_PURGE_INTERVAL)
    add_job(app, "signup_holds", release_holds, every=HOLD_RELEASE_INTERVAL)
    register_cli(app)
