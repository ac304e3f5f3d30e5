"""The seams mail offers the areas above it: the renderer registry and the scheduled jobs,
and the calendar hook registration offers the calendar."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsite import db as database
from eventsite.extensions import db
from eventsite.mail.jobs import JOBS, Schedule, add_job, registered_jobs
from eventsite.mail.message import Email
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.render import RENDERERS, Skip, add_renderer
from eventsite.registration.email import EMAIL_CALENDAR
from eventsite.text import absolute_url
from tests.mail.test_delivery import calendar_of, parts, text_of


@pytest.fixture
def renderers(app, monkeypatch):
    """An empty renderer registry for this test (the app's own comes back afterwards)."""
    monkeypatch.setitem(app.extensions, RENDERERS, {})
    return app.extensions[RENDERERS]


def statuses(app) -> list[tuple[OutboxStatus, str]]:
    with app.app_context():
        return [
            (row.status, row.last_error)
            for row in db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        ]


def test_an_area_renders_its_own_kind_prepared_once_per_batch_and_without_the_write_lock(
    app, smtp, create_event, register_person, deliver, renderers
):
    prepared: list[list[int]] = []
    seen: list[tuple[str | None, str]] = []

    def prepare(rows, now):
        prepared.append([row.id for row in rows])
        return {row.id: f"nr. {index}" for index, row in enumerate(rows, 1)}

    def render(row, now, shared):
        # Rendering reads only (SQLite: no write lock) and can build the site's links.
        seen.append((database.lock_mode(), absolute_url("events.event_page", event_id=1)))
        return Email(
            subject=f"Hej {shared[row.id]}",
            recipients=[row.recipient],
            sender=("Lederne", "lederne@example.org"),
            body="Tekst",
            html="<p>Tekst</p>",
            message_id=row.message_id,
        )

    add_renderer(app, [MailKind.CONFIRMATION, MailKind.WAITLISTED], render, prepare=prepare)
    event = create_event(sessions=[{"capacity": 1}])
    register_person(event.session_id, "a@example.dk", notify=True)  # a confirmation
    register_person(event.session_id, "b@example.dk", notify=True)  # a waiting-list notice

    assert deliver().sent == 2

    assert len(prepared) == 1 and len(prepared[0]) == 2  # both kinds, one batch, one prepare
    assert seen == [("read", f"{app.config['BASE_URL']}/arrangementer/1")] * 2
    assert sorted(item.message()["Subject"] for item in smtp.received) == ["Hej nr. 1", "Hej nr. 2"]


def test_a_kind_without_a_renderer_is_skipped_not_sent(app, smtp, create_event, register_person, deliver, renderers):
    event = create_event()
    register_person(event.session_id, notify=True)

    assert deliver().skipped == 1
    assert smtp.received == []
    assert statuses(app) == [(OutboxStatus.SKIPPED, "unknown kind MailKind.CONFIRMATION")]


def test_a_renderer_that_fails_keeps_its_rows_for_a_retry_and_the_others_still_go(
    app, smtp, create_event, register_person, deliver, renderers
):
    def broken(rows, now):
        raise LookupError("the template data is missing")

    add_renderer(app, [MailKind.CONFIRMATION], lambda row, now, shared: Skip("never"), prepare=broken)
    add_renderer(app, [MailKind.WAITLISTED], lambda row, now, shared: Skip("nothing to tell"))
    event = create_event(sessions=[{"capacity": 1}])
    register_person(event.session_id, notify=True)
    register_person(event.session_id, notify=True)

    report = deliver()

    assert (report.retried, report.skipped) == (1, 1)
    assert statuses(app) == [
        (OutboxStatus.QUEUED, "LookupError: the template data is missing"),
        (OutboxStatus.SKIPPED, "nothing to tell"),
    ]


def test_a_kind_has_one_renderer(app, renderers):
    add_renderer(app, [MailKind.REMINDER], lambda row, now, shared: Skip("-"))
    with pytest.raises(ValueError):
        add_renderer(app, [MailKind.LINKS, MailKind.REMINDER], lambda row, now, shared: Skip("-"))


def test_every_kind_has_its_areas_renderer(app):
    assert set(app.extensions[RENDERERS]) == set(MailKind)


def test_a_confirmation_without_the_calendar_area_goes_without_invitation_or_feed_link(
    app, smtp, create_event, register_person, deliver, monkeypatch
):
    monkeypatch.delitem(app.extensions, EMAIL_CALENDAR)
    event = create_event()
    register_person(event.session_id, "uden@example.dk", notify=True)

    assert deliver().sent == 1
    (received,) = smtp.received
    message = received.message()
    assert calendar_of(message) is None and "attachment" not in parts(message)
    assert "webcal://" not in text_of(message)
    assert message["Subject"].startswith("Bekræftelse på tilmelding: ")


# --- scheduled jobs ------------------------------------------------------------------------


def test_jobs_run_when_the_worker_starts_then_after_their_interval_each_as_a_unit_of_work(app, monkeypatch, caplog):
    monkeypatch.setitem(app.extensions, JOBS, [])
    runs: list[str] = []

    def tidy(now):
        runs.append(database.lock_mode())
        return "tidied"

    def broken(now):
        raise RuntimeError("the job is broken")

    add_job(app, "tidy", tidy, every=timedelta(hours=1))
    add_job(app, "broken", broken, every=timedelta(seconds=0))
    with pytest.raises(ValueError):
        add_job(app, "tidy", tidy, every=timedelta(minutes=1))

    with app.app_context(), caplog.at_level(logging.INFO, logger="eventsite.mail"):
        schedule = Schedule(registered_jobs())
        schedule.run_due()
        schedule.run_due()  # an hour has not passed: tidy waits; the failing job is tried again

    assert runs == ["now"]  # in a unit of work that takes the write lock up front
    assert "tidied" in caplog.text
    assert caplog.text.count("scheduled job broken failed") == 2


def test_registration_schedules_its_reminders(app):
    with app.app_context():
        names = [job.name for job in registered_jobs()]
        assert names[:2] == ["reminders", "signup_holds"]
        # Other areas' jobs come after registration's (meetings: the minutes' deadline; privacy: retention).
        assert {"minutes_approval", "retention"} <= set(names[2:])
