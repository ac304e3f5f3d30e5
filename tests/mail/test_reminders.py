"""Reminders N days before a session: queued once per place, with the programme and link."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from eventsite.clock import utcnow
from eventsite.events.models import EventKind, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration.models import Registration

UTC = timezone.utc
SECRET_LINK = "https://meet.example/hemmeligt-rum-4711"


def soon(days: float) -> datetime:
    return utcnow().replace(microsecond=0) + timedelta(days=days)


def signed_up_long_ago(app, registration_id: int) -> None:
    """Make a registration look like it was confirmed weeks ago."""
    with app.app_context():
        db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id)
            .values(confirmed_at=utcnow() - timedelta(days=30), created_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()


def reminders(app) -> list[tuple[int, int]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(OutboxMessage.registration_id, OutboxMessage.session_id)
                .where(OutboxMessage.kind == MailKind.REMINDER)
                .order_by(OutboxMessage.registration_id)
            ).all()
        )


def run_command(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_go_to_confirmed_places_starting_within_two_days_and_only_once(app, create_event, register_person):
    tomorrow = create_event(sessions=[{"start": soon(1), "capacity": 1}])
    next_week = create_event(title="Lederforum", sessions=[{"start": soon(7)}])
    cancelled = create_event(title="Reception", sessions=[{"start": soon(1)}])
    due = register_person(tomorrow.session_id, "kommer@example.dk", notify=True).id
    waiting = register_person(tomorrow.session_id, "venter@example.dk", notify=True).id
    later = register_person(next_week.session_id, "senere@example.dk", notify=True).id
    gone = register_person(cancelled.session_id, "aflyst@example.dk", notify=True).id
    for registration_id in (due, waiting, later, gone):
        signed_up_long_ago(app, registration_id)
    with app.app_context():
        db.session.get(EventSession, cancelled.session_id).cancelled_at = utcnow()
        db.session.commit()

    first = run_command(app)
    second = run_command(app)

    assert "1 reminders queued" in first
    assert "0 reminders queued" in second
    assert reminders(app) == [(due, tomorrow.session_id)]


def test_someone_who_signs_up_inside_the_reminder_window_gets_no_separate_reminder(app, create_event, register_person):
    event = create_event(sessions=[{"start": soon(1)}])
    register_person(event.session_id, notify=True)
    run_command(app)
    assert reminders(app) == []


def test_the_reminder_period_is_configurable(app, create_event, register_person, monkeypatch):
    event = create_event(sessions=[{"start": soon(4)}])
    registration_id = register_person(event.session_id, notify=True).id
    signed_up_long_ago(app, registration_id)
    run_command(app)
    assert reminders(app) == []
    monkeypatch.setitem(app.config, "REMINDER_DAYS", 5)
    run_command(app)
    assert reminders(app) == [(registration_id, event.session_id)]


def test_two_workers_queuing_reminders_at_the_same_time_queue_each_once(app, create_event, register_person):
    from eventsite.db import utcnow
    from eventsite.registration.notifications import notify_reminders_due

    event = create_event(sessions=[{"start": soon(1), "capacity": None}])
    registration_ids = [register_person(event.session_id, notify=True).id for _ in range(15)]
    for registration_id in registration_ids:
        signed_up_long_ago(app, registration_id)
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def queue() -> None:
        try:
            with app.app_context():
                barrier.wait(10)
                counts.append(notify_reminders_due(utcnow()))
                db.session.commit()
        except Exception as error:  # reported below; a thread must not swallow it
            errors.append(error)

    threads = [threading.Thread(target=queue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(counts) == 15
    assert sorted(r for r, _s in reminders(app)) == sorted(registration_ids)


def test_a_webinar_reminder_carries_the_online_link_and_the_programme(
    app, smtp, create_event, register_person, deliver
):
    webinar = create_event(
        title="Webinar om trivsel",
        kind=EventKind.WEBINAR,
        sessions=[
            {
                "online": True,
                "online_url": SECRET_LINK,
                "start": soon(1.5),
                "programme": [("10:00", "Velkomst"), ("10:15", "Oplæg om trivsel")],
            }
        ],
    )
    registration_id = register_person(webinar.session_id, "mette@example.dk", notify=True).id
    signed_up_long_ago(app, registration_id)
    deliver()  # the confirmation
    run_command(app)
    deliver()

    reminder = smtp.received[-1].message()
    text = reminder.get_body(preferencelist=("plain",)).get_content()
    assert reminder["Subject"] == "Påmindelse: Webinar om trivsel, Online"
    assert "En påmindelse: Du er tilmeldt Webinar om trivsel" in text
    assert f"Onlinelink: {SECRET_LINK}" in text
    assert "10.15  Oplæg om trivsel" in text
    assert "Se, ændr eller afmeld din tilmelding" in text


def test_a_reminder_for_a_place_cancelled_before_it_went_out_is_skipped(
    app, smtp, create_event, register_person, deliver
):
    from eventsite.registration import operations
    from eventsite.registration.notifications import notify_cancelled

    event = create_event(sessions=[{"start": soon(1)}])
    registration_id = register_person(event.session_id, "mette@example.dk", notify=True).id
    signed_up_long_ago(app, registration_id)
    run_command(app)
    with app.test_request_context(method="POST"):
        registration = db.session.get(Registration, registration_id)
        operations.cancel(registration)
        notify_cancelled(registration)
        db.session.commit()

    report = deliver()

    assert [item.message()["Subject"].split(":")[0] for item in smtp.received] == ["Afmelding"]
    assert report.skipped == 2  # the confirmation and the reminder
