"""Delivery through a real SMTP server on 127.0.0.1, checked on the MIME it received."""

from __future__ import annotations

import logging
from datetime import timedelta, timezone

import icalendar
from sqlalchemy import select

from eventsite.events.models import EventKind, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.registration.models import Registration
from tests.helpers import visible_text

UTC = timezone.utc
SECRET_LINK = "https://meet.example/hemmeligt-rum-4711"


# --- helpers ------------------------------------------------------------------------


def parts(message) -> dict[str, object]:
    """The message's parts by content type (the .ics attachment as 'attachment')."""
    found = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            found["attachment"] = part
        else:
            found[part.get_content_type()] = part
    return found


def calendar_of(message) -> icalendar.Calendar | None:
    part = parts(message).get("text/calendar")
    return icalendar.Calendar.from_ical(part.get_content()) if part is not None else None


def invitation(message) -> icalendar.Event:
    (event,) = calendar_of(message).walk("VEVENT")
    return event


def text_of(message) -> str:
    return parts(message)["text/plain"].get_content()


def html_of(message) -> str:
    return parts(message)["text/html"].get_content()


def to_address(received) -> str:
    return received.rcpt_tos[0]


def by_recipient(received) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in received:
        found.setdefault(to_address(item), []).append(item.message())
    return found


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        for row in found:
            db.session.expunge(row)
        return found


def change_session(app, session_id: int, **changes) -> None:
    """What the organiser's session edit does: change, raise SEQUENCE, notify, commit."""
    from eventsite.registration.notifications import notify_session_changed

    with app.test_request_context(method="POST"):
        session = db.session.get(EventSession, session_id)
        for name, value in changes.items():
            setattr(session, name, value)
        session.sequence += 1
        notify_session_changed(session)
        db.session.commit()


# --- the confirmation -------------------------------------------------------------------


def test_a_confirmation_arrives_as_a_danish_invitation_with_calendar_part_and_attachment(
    app, client, smtp, create_event, register_person, deliver
):
    event = create_event(sessions=[{"city": "Næstved", "programme": [("08:30", "Morgenmad"), ("08:45", "Velkomst")]}])
    registration_id = register_person(event.session_id, "mette@example.dk", name="Mette Hansen", notify=True).id

    report = deliver()

    assert report.sent == 1
    (received,) = smtp.received
    message = received.message()
    (row,) = rows(app)
    assert row.status is OutboxStatus.SENT and row.sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert received.rcpt_tos == ["mette@example.dk"]
    assert message["To"].addresses[0].display_name == "Mette Hansen"
    assert message["From"].addresses[0].display_name == "Lederne Sjælland"
    assert message["From"].addresses[0].addr_spec.endswith("@example.org")
    assert message["Reply-To"] == message["From"].addresses[0].addr_spec
    assert message["Subject"] == "Bekræftelse på tilmelding: Temadag for mellemledere, Næstved"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/mixed"

    found = parts(message)
    assert set(found) == {"text/plain", "text/html", "text/calendar", "attachment"}
    assert found["text/calendar"].get_param("method") == "REQUEST"
    assert found["attachment"].get_filename() == "invitation.ics"
    assert found["attachment"].get_content_type() == "application/ics"
    assert icalendar.Calendar.from_ical(found["attachment"].get_content()) == calendar_of(message)

    calendar = calendar_of(message)
    entry = invitation(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(entry["UID"]) == f"registration-{registration_id}@localhost"
    assert entry["ATTENDEE"].params["RSVP"] == "FALSE"
    assert str(entry["ATTENDEE"]) == "mailto:mette@example.dk"
    assert str(entry["ORGANIZER"]) == "mailto:" + message["From"].addresses[0].addr_spec
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        assert entry.decoded("dtstart").astimezone(UTC) == session.starts_at
        assert entry.decoded("dtend").astimezone(UTC) == session.ends_at

    text = text_of(message)
    assert text.startswith("Kære Mette Hansen")
    assert "Du er tilmeldt Temadag for mellemledere, og din plads er bekræftet." in text
    assert "08.30  Morgenmad" in text
    manage_link = next(line for line in text.splitlines() if line.startswith("http://localhost/tilmelding/"))
    assert "Se, ændr eller afmeld din tilmelding" in visible_text(html_of(message))
    assert manage_link in html_of(message)
    # The link in the email is the person's working manage link.
    page = client.get(manage_link.removeprefix("http://localhost"))
    assert page.status_code == 200 and "mette@example.dk" in visible_text(page.data)


def test_a_long_danish_subject_arrives_whole_in_short_lines(app, smtp, create_event, register_person, deliver):
    title = "Temadag om ledelse, trivsel og arbejdsmiljø i den kommunale sektor – for mellemledere i Sjælland"
    event = create_event(title=title)
    register_person(event.session_id, "mette@example.dk", name="Søren Ærø Åberg", notify=True)
    deliver()
    (received,) = smtp.received
    message = received.message()
    assert message["Subject"] == f"Bekræftelse på tilmelding: {title}, Næstved"
    assert message["To"].addresses[0].display_name == "Søren Ærø Åberg"
    head = received.data.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert head.isascii()


def test_names_with_commas_and_quotes_arrive_as_one_recipient(app, smtp, create_event, register_person, deliver):
    event = create_event()
    register_person(event.session_id, "mette@example.dk", name='Hansen, Mette "Mus"', notify=True)
    deliver()
    message = smtp.received[0].message()
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ('Hansen, Mette "Mus"', "mette@example.dk")


def test_names_are_escaped_in_the_html_part(app, smtp, create_event, register_person, deliver):
    event = create_event()
    register_person(event.session_id, "mette@example.dk", name="Mette <b>Hansen</b>", notify=True)
    deliver()
    message = smtp.received[0].message()
    assert "Mette &lt;b&gt;Hansen&lt;/b&gt;" in html_of(message)
    assert "<b>Hansen</b>" not in html_of(message)


def test_the_online_link_goes_only_to_people_with_a_confirmed_place(app, smtp, create_event, register_person, deliver):
    webinar = create_event(
        title="Webinar om trivsel",
        kind=EventKind.WEBINAR,
        sessions=[{"online": True, "online_url": SECRET_LINK, "capacity": 1}],
    )
    register_person(webinar.session_id, "forst@example.dk", notify=True)
    register_person(webinar.session_id, "sidst@example.dk", notify=True)
    deliver()

    mail = by_recipient(smtp.received)
    (confirmed,), (waiting,) = mail["forst@example.dk"], mail["sidst@example.dk"]
    assert SECRET_LINK in text_of(confirmed)
    assert SECRET_LINK in html_of(confirmed)
    assert SECRET_LINK in str(invitation(confirmed)["LOCATION"])
    assert SECRET_LINK not in waiting.as_string()
    assert "text/calendar" not in parts(waiting)  # no calendar entry while waiting
    assert "ventelisten som nummer 1" in text_of(waiting)


# --- changes after the invitation ------------------------------------------------------------


def test_a_cancellation_cancels_the_same_uid_with_a_higher_sequence(app, smtp, create_event, register_person, deliver):
    from eventsite.registration import operations
    from eventsite.registration.notifications import notify_cancelled

    event = create_event()
    registration_id = register_person(event.session_id, "mette@example.dk", notify=True).id
    deliver()
    with app.test_request_context(method="POST"):
        registration = db.session.get(Registration, registration_id)
        operations.cancel(registration)
        notify_cancelled(registration)
        db.session.commit()
    deliver()

    sent, cancelled = (item.message() for item in smtp.received)
    assert cancelled["Subject"] == "Afmelding: Temadag for mellemledere, Næstved"
    assert parts(cancelled)["text/calendar"].get_param("method") == "CANCEL"
    assert str(calendar_of(cancelled)["METHOD"]) == "CANCEL"
    assert str(invitation(cancelled)["UID"]) == str(invitation(sent)["UID"])
    assert invitation(cancelled).decoded("sequence") > invitation(sent).decoded("sequence")
    assert str(invitation(cancelled)["STATUS"]) == "CANCELLED"


def test_a_changed_session_sends_an_updated_request_to_everyone_registered(
    app, smtp, create_event, register_person, deliver
):
    event = create_event(sessions=[{"capacity": 1}])
    confirmed_id = register_person(event.session_id, "forst@example.dk", notify=True).id
    register_person(event.session_id, "venter@example.dk", notify=True)
    deliver()
    with app.app_context():
        old_start = db.session.get(EventSession, event.session_id).starts_at
    new_start = old_start + timedelta(days=1, hours=2)

    change_session(app, event.session_id, starts_at=new_start, ends_at=new_start + timedelta(hours=6))
    deliver()

    mail = by_recipient(smtp.received)
    first, update = mail["forst@example.dk"]
    assert update["Subject"].startswith("Ændret: ")
    assert parts(update)["text/calendar"].get_param("method") == "REQUEST"
    assert str(invitation(update)["UID"]) == f"registration-{confirmed_id}@localhost"
    assert invitation(update).decoded("sequence") > invitation(first).decoded("sequence")
    assert invitation(update).decoded("dtstart").astimezone(UTC) == new_start
    waiting_notice, waiting_update = mail["venter@example.dk"]
    assert "text/calendar" not in parts(waiting_update)
    assert "stadig på ventelisten som nummer 1" in text_of(waiting_update)


def test_a_cancelled_session_sends_cancel_to_everyone_including_the_waiting_list(
    app, smtp, create_event, register_person, deliver
):
    from eventsite.registration.notifications import notify_session_cancelled

    event = create_event(sessions=[{"capacity": 1}, {"city": "Silkeborg", "municipality_code": "0740"}])
    confirmed_id = register_person(event.session_ids[0], "forst@example.dk", notify=True).id
    waiting_id = register_person(event.session_ids[0], "venter@example.dk", notify=True).id
    register_person(event.session_ids[1], "andet.sted@example.dk", notify=True)
    deliver()
    with app.test_request_context(method="POST"):
        session = db.session.get(EventSession, event.session_ids[0])
        session.cancelled_at = session.starts_at - timedelta(days=3)
        session.sequence += 1
        notify_session_cancelled(session)
        db.session.commit()
    deliver()

    mail = by_recipient(smtp.received)
    assert len(mail["andet.sted@example.dk"]) == 1  # the other venue is untouched
    for address, registration_id in (("forst@example.dk", confirmed_id), ("venter@example.dk", waiting_id)):
        cancel = mail[address][-1]
        assert cancel["Subject"].startswith("Aflyst: ")
        assert str(calendar_of(cancel)["METHOD"]) == "CANCEL"
        assert str(invitation(cancel)["UID"]) == f"registration-{registration_id}@localhost"
        assert "Desværre er Temadag for mellemledere i Næstved aflyst." in text_of(cancel)
    first_invitation = mail["forst@example.dk"][0]
    assert invitation(mail["forst@example.dk"][-1]).decoded("sequence") > invitation(first_invitation).decoded(
        "sequence"
    )


def test_a_cancelled_event_sends_cancel_for_every_session(app, smtp, create_event, register_person, deliver):
    from eventsite.db import utcnow
    from eventsite.events.models import Event
    from eventsite.registration.notifications import notify_event_cancelled

    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    register_person(event.session_ids[0], "a@example.dk", notify=True)
    register_person(event.session_ids[1], "b@example.dk", notify=True)
    with app.test_request_context(method="POST"):
        found = db.session.get(Event, event.id)
        found.cancelled_at = utcnow()
        for session in found.sessions:
            session.sequence += 1
        notify_event_cancelled(found)
        db.session.commit()
    deliver()

    mail = by_recipient(smtp.received)
    for address in ("a@example.dk", "b@example.dk"):
        # The confirmation queued before the cancellation is overtaken: only the CANCEL goes.
        (cancel,) = mail[address]
        assert str(calendar_of(cancel)["METHOD"]) == "CANCEL"
        assert "Desværre er Temadag for mellemledere aflyst." in text_of(cancel)


# --- bad input: news overtaken while the email waited ---------------------------------------


def test_an_event_edited_while_mail_is_queued_sends_the_newest_data_and_sequence(
    app, smtp, create_event, register_person, deliver
):
    event = create_event()
    register_person(event.session_id, "mette@example.dk", notify=True)
    with app.app_context():
        old_start = db.session.get(EventSession, event.session_id).starts_at
    new_start = old_start + timedelta(hours=3)

    change_session(app, event.session_id, starts_at=new_start, ends_at=new_start + timedelta(hours=4))
    deliver()

    confirmation, update = (item.message() for item in smtp.received)
    assert confirmation["Subject"].startswith("Bekræftelse")
    for message in (confirmation, update):
        assert invitation(message).decoded("dtstart").astimezone(UTC) == new_start
    # Sent late, the confirmation is the same version as the update, not an older one.
    assert invitation(confirmation).decoded("sequence") == invitation(update).decoded("sequence")


def test_a_waiting_list_notice_overtaken_by_a_promotion_is_skipped(app, smtp, create_event, register_person, deliver):
    from eventsite.registration import operations
    from eventsite.registration.notifications import notify_cancelled, notify_promoted

    event = create_event(sessions=[{"capacity": 1}])
    first = register_person(event.session_id, "forst@example.dk", notify=True).id
    register_person(event.session_id, "venter@example.dk", notify=True)
    with app.test_request_context(method="POST"):
        registration = db.session.get(Registration, first)
        promoted = operations.cancel(registration)
        notify_cancelled(registration)
        notify_promoted(promoted)
        db.session.commit()

    report = deliver()

    assert report.skipped == 2  # forst's confirmation and venter's waiting-list notice
    mail = by_recipient(smtp.received)
    assert [m["Subject"].split(":")[0] for m in mail["venter@example.dk"]] == ["Du har fået en plads"]
    assert [m["Subject"].split(":")[0] for m in mail["forst@example.dk"]] == ["Afmelding"]
    skipped = [row for row in rows(app) if row.status is OutboxStatus.SKIPPED]
    assert {row.kind for row in skipped} == {MailKind.CONFIRMATION, MailKind.WAITLISTED}
    assert all(row.last_error.startswith("overtaken") for row in skipped)


# --- bad input: addresses that bounce ------------------------------------------------------


def test_a_permanently_refused_address_is_marked_failed_and_shown_to_organisers(
    app, client, smtp, create_event, register_person, deliver, login_as, caplog
):
    from eventsite.mail.outbox import undeliverable, undeliverable_addresses

    event = create_event()
    smtp.refuse("findes.ikke@example.dk", "550 5.1.1 Mailbox does not exist")
    register_person(event.session_id, "findes.ikke@example.dk", name="Ole Fejl", notify=True)
    register_person(event.session_id, "mette@example.dk", notify=True)

    with caplog.at_level(logging.INFO, logger="eventsite.mail"):
        report = deliver()

    assert (report.sent, report.failed) == (1, 1)
    # The log says which row failed and why, never to whom (the row keeps the address).
    assert "failed permanently" in caplog.text and "550" in caplog.text
    assert "findes.ikke@example.dk" not in caplog.text
    assert [to_address(item) for item in smtp.received] == ["mette@example.dk"]
    failed = next(row for row in rows(app) if row.recipient == "findes.ikke@example.dk")
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == 1  # a 5xx is not retried
    assert "550" in failed.last_error
    with app.app_context():
        (listed,) = undeliverable([event.organisation_id])
        assert listed.recipient == "findes.ikke@example.dk"
        assert listed.event_title == "Temadag for mellemledere"
        assert undeliverable_addresses(event.organisation_id) == {"findes.ikke@example.dk"}
        assert undeliverable([event.organisation_id + 1]) == []

    assert deliver().handled == 0  # and it is never tried again

    login_as(event.organisation_id)
    page = client.get("/arrangoer/post")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "findes.ikke@example.dk" in text
    assert "550 5.1.1 Mailbox does not exist" in text
    assert "Kunne ikke leveres: 1" in text


def test_a_temporary_refusal_is_retried_after_back_off_and_delivered_once(
    app, smtp, create_event, register_person, deliver, monkeypatch
):
    event = create_event()
    smtp.refuse("travl@example.dk", "451 4.7.1 Try again later")
    register_person(event.session_id, "travl@example.dk", notify=True)

    assert deliver().retried == 1
    (row,) = rows(app)
    assert row.status is OutboxStatus.QUEUED and row.attempts == 1
    assert row.due_at > row.created_at + timedelta(seconds=app.config["MAIL_RETRY_SECONDS"] - 1)
    assert deliver().handled == 0  # not due yet

    smtp.handler.refuse.clear()
    with app.app_context():
        db.session.get(OutboxMessage, row.id).due_at = row.created_at  # the back-off has passed
        db.session.commit()
    assert deliver().sent == 1
    assert [to_address(item) for item in smtp.received] == ["travl@example.dk"]
    assert rows(app)[0].attempts == 2


def test_an_email_that_keeps_failing_temporarily_is_given_up_after_the_last_attempt(
    app, smtp, create_event, register_person, deliver, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", 0)
    event = create_event()
    smtp.refuse("travl@example.dk", "451 4.7.1 Try again later")
    register_person(event.session_id, "travl@example.dk", notify=True)
    for _attempt in range(3):
        deliver()
    (row,) = rows(app)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 3
    assert row.last_error.startswith("gave up: travl@example.dk: 451")


def test_back_off_doubles_from_the_first_delay_up_to_an_hour():
    from eventsite.mail.claims import backoff

    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, 30) == timedelta(hours=1)


# --- development ---------------------------------------------------------------------------------


def test_the_log_backend_prints_the_email_instead_of_sending_it(
    app, smtp, create_event, register_person, deliver, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "log")
    event = create_event()
    register_person(event.session_id, "mette@example.dk", notify=True)
    with caplog.at_level(logging.INFO, logger="eventsite.mail"):
        report = deliver()
    assert report.sent == 1
    assert smtp.received == []
    assert "Subject: Bekræftelse på tilmelding: Temadag for mellemledere, Næstved" in caplog.text
    assert "Kære Mette Hansen" in caplog.text
    assert "METHOD:REQUEST" in caplog.text
