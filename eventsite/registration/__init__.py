"""Registration: people, their places on sessions, waiting lists, and the emails about them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from eventsite.mail.jobs import add_job
from eventsite.registration import audit_labels, consent_data, email, holds, privacy
from eventsite.registration.cli import register_cli
from eventsite.registration.notifications import notify_reminders_due

#: How often the mail worker queues the reminders that have become due
#: (EVENTSITE_JOB_REMINDERS_MINUTES overrides it).
REMINDER_INTERVAL = timedelta(minutes=10)
#: How often the mail worker releases the held places whose confirmation lapsed.
HOLD_RELEASE_INTERVAL = timedelta(minutes=5)


def queue_reminders(now: datetime) -> str | None:
    """The worker's reminder job (see eventsite.mail.jobs)."""
    count = notify_reminders_due(now)
    return f"queued {count} reminders" if count else None


def release_holds(now: datetime) -> str | None:
    """The worker's job releasing unconfirmed held places (see eventsite.registration.holds)."""
    count = holds.release_expired(now)
    return f"released {count} held places" if count else None


def init_app(app: Flask) -> None:
    """The emails about registrations, the reminder and held-place jobs, the personal-data categories."""
    email.init_app(app)
    # Dietary needs are deleted by the privacy area's retention job (see privacy.DIETARY_STEP).
    privacy.init_app(app)
    consent_data.init_app(app)
    audit_labels.init_app(app)
    add_job(app, "reminders", queue_reminders, every=REMINDER_INTERVAL)
    add_job(app, "signup_holds", release_holds, every=HOLD_RELEASE_INTERVAL)
    register_cli(app)
