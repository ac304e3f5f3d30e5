"""Verified public sign-up (issue 13): the anonymous form holds a place until the
address's owner follows the emailed link, and answers the same for every address."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventsite import clock
from eventsite.attendance.checkin import door_counts
from eventsite.attendance.participants import ListQuery, participants
from eventsite.extensions import db
from eventsite.mail.jobs import registered_jobs, run_job
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration import holds, operations
from eventsite.registration.models import Person, Registration, RegistrationStatus
from eventsite.registration.operations import PersonDetails
from eventsite.registration.signup import sign_up as domain_sign_up
from tests.helpers import csrf_token, follow_hold_link, hold_link, sign_up, visible_text
from tests.invitations.conftest import create_member  # noqa: F401 (fixture)
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)

_CSRF_VALUE = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+(")')


def kinds(app, email: str) -> list[MailKind]:
    with app.app_context():
        return list(
            db.session.execute(
                select(OutboxMessage.kind).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
            ).scalars()
        )


def registrations(app, email: str) -> list[Registration]:
    with app.app_context():
        found = list(
            db.session.execute(
                select(Registration).join(Person).where(Person.email == email).order_by(Registration.id)
            ).scalars()
        )
        db.session.expunge_all()
        return found


def past_the_hold(app):
    """A minute after a hold made now runs out (the suite's clock runs on from SUITE_NOW)."""
    return clock.utcnow() + timedelta(minutes=app.config["SIGNUP_HOLD_MINUTES"] + 1)


def stored(app, email: str) -> tuple[str, str, str]:
    with app.app_context():
        person = db.session.execute(select(Person).where(Person.email == email)).scalar_one()
        return person.name, person.job_title, person.workplace


def test_known_unknown_and_member_addresses_get_byte_identical_answers(
    app, create_event, register_person, create_member
):
    event = create_event(sessions=[{"capacity": 10}])
    register_person(event.session_id, email="kendt@example.dk", name="Kendt Person")
    create_member(event.organisation_id, name="Medlem Person", email="medlem@example.dk")
    answers = []
    for email in ("kendt@example.dk", "ukendt@example.dk", "medlem@example.dk"):
        client = app.test_client()  # a fresh browser for each: its own CSRF token
        response = sign_up(client, event.id, confirm=False, session_id=event.session_id, email=email)
        page = client.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                response.data,
                page.status_code,
                _CSRF_VALUE.sub(rb"\1\2", page.data),
            )
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (303, f"/arrangementer/{event.id}/tjek-din-email")
    assert "Der er en e-mail på vej" in visible_text(answers[0][4])
    # The known address got no second place, but an email with its manage link.
    assert [r.held_until for r in registrations(app, "kendt@example.dk")] == [None]
    assert kinds(app, "kendt@example.dk")[-1] is MailKind.ALREADY_SIGNED_UP
    assert kinds(app, "ukendt@example.dk") == [MailKind.CONFIRM_HOLD]


def test_held_places_count_against_capacity_but_are_nobodys_yet(app, client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}])
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="a@example.dk")
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="b@example.dk")
    identified = register_person(event.session_id, email="c@example.dk")
    assert identified.status == "waitlisted"  # the seat is held for a@: no oversell
    (held_seat,) = registrations(app, "a@example.dk")
    (held_queue,) = registrations(app, "b@example.dk")
    assert held_seat.status is RegistrationStatus.CONFIRMED and held_seat.held_until is not None
    assert held_queue.status is RegistrationStatus.WAITLISTED and held_queue.held_until is not None
    with app.test_request_context():
        counts = operations.seat_counts_for([event.session_id])[event.session_id]
        assert (counts.confirmed, counts.waitlisted, counts.held) == (1, 2, 2)
        listed = participants(event.id, ListQuery(status="all"))
        assert [r.person.email for r in listed] == ["c@example.dk"]
        assert door_counts(event.session_id).confirmed == 0


def test_following_the_link_confirms_applies_the_details_and_shows_the_status(
    app, client, create_event, register_person
):
    other = create_event(title="Første")
    register_person(other.session_id, email="mette@example.dk", name="Mette Gammel", job_title="Før")
    event = create_event(organisation_id=other.organisation_id, title="Årsmøde")
    response = sign_up(
        client,
        event.id,
        confirm=False,
        session_id=event.session_id,
        email="Mette@Example.dk",
        name="Mette Ny",
        job_title="Leder",
        workplace="Næstved Kommune",
    )
    assert response.headers["Location"].endswith("/tjek-din-email")
    # Until the link is followed the typed details belong to the held registration.
    assert stored(app, "mette@example.dk") == ("Mette Gammel", "Før", "")
    url = hold_link(app, "mette@example.dk")
    button = client.get(url)
    assert button.status_code == 200 and "Mette Ny" in visible_text(button.data)
    assert stored(app, "mette@example.dk") == ("Mette Gammel", "Før", "")  # a GET changes nothing
    confirmed = follow_hold_link(client, url)
    assert confirmed.status_code == 303 and "/kvittering" in confirmed.headers["Location"]
    receipt = visible_text(client.get(confirmed.headers["Location"]).data)
    assert "Årsmøde" in receipt and "Bekræftet" in receipt
    assert stored(app, "mette@example.dk") == ("Mette Ny", "Leder", "Næstved Kommune")
    held = [r for r in registrations(app, "mette@example.dk") if r.event_id == event.id]
    assert [(r.held_until, r.hold_key, r.held_details) for r in held] == [(None, None, None)]
    assert kinds(app, "mette@example.dk")[-2:] == [MailKind.CONFIRM_HOLD, MailKind.CONFIRMATION]


def test_a_replayed_link_and_an_expired_link_no_longer_work(app, client, create_event):
    event = create_event()
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="igen@example.dk")
    url = hold_link(app, "igen@example.dk")
    page = client.get(url)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert follow_hold_link(client, url).status_code == 303
    # Single use: the same link again, GET or POST.
    assert client.get(url).status_code == 410
    assert client.post(url, data={"csrf_token": csrf_token(page.data)}).status_code == 410
    # A forged one.
    assert client.get(url[:-3] + "abc").status_code == 404
    assert page.status_code == 200

    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="sent@example.dk")
    late = hold_link(app, "sent@example.dk")
    with clock.travelled(past_the_hold(app)):
        assert client.get(late).status_code == 410
    assert [r.held_until is not None for r in registrations(app, "sent@example.dk")] == [True]


def test_already_signed_up_gets_the_manage_link_by_email_and_nothing_changes(
    app, client, smtp, deliver, create_event, register_person
):
    event = create_event()
    mine = register_person(event.session_id, email="lone@example.dk", name="Lone Ravn", job_title="Leder")
    response = sign_up(
        client, event.id, confirm=False, session_id=event.session_id, email="lone@example.dk", name="Ond", job_title="X"
    )
    assert response.headers["Location"].endswith("/tjek-din-email")
    assert stored(app, "lone@example.dk") == ("Lone Ravn", "Leder", "")
    assert [r.id for r in registrations(app, "lone@example.dk")] == [mine.id]
    deliver()
    (received,) = smtp.received
    text = next(p for p in received.message().walk() if p.get_content_type() == "text/plain").get_content()
    assert "Kære Lone Ravn" in text and "allerede tilmeldt" in text
    (link,) = re.findall(r"http://localhost(/tilmelding/[^\s]+)", text)
    assert link == f"/tilmelding/{mine.token}"


def test_the_confirmation_email_carries_the_link(app, client, smtp, deliver, create_event):
    event = create_event(title="Temadag")
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="ny@example.dk", name="Nina Ny")
    deliver()
    (received,) = smtp.received
    message = received.message()
    assert message["Subject"].startswith("Bekræft din tilmelding")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    (link,) = re.findall(r"http://localhost(/tilmelding/bekraeft-plads/[^\s]+)", text)
    assert follow_hold_link(client, link).status_code == 303


def test_expired_holds_are_released_and_the_waiting_list_promoted(app, client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}])
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="glemt@example.dk")
    waiting = register_person(event.session_id, email="venter@example.dk")
    assert waiting.status == "waitlisted"
    later = past_the_hold(app)
    with app.test_request_context():
        assert holds.release_expired(clock.utcnow()) == 0  # not yet
        assert holds.release_expired(later) == 1
        db.session.commit()
    (released,) = registrations(app, "glemt@example.dk")
    assert released.status is RegistrationStatus.CANCELLED and released.held_details is None
    with app.test_request_context():
        assert participants(event.id, ListQuery(status="cancelled")) == []
    assert [r.status for r in registrations(app, "venter@example.dk")] == [RegistrationStatus.CONFIRMED]
    assert kinds(app, "venter@example.dk")[-1] is MailKind.PROMOTED
    assert kinds(app, "glemt@example.dk") == [MailKind.CONFIRM_HOLD]  # no cancellation email


def test_the_worker_runs_the_release_job(app, client, create_event):
    event = create_event(sessions=[{"capacity": 1}])
    sign_up(client, event.id, confirm=False, session_id=event.session_id, email="glemt@example.dk")
    with app.test_request_context():
        (job,) = [job for job in registered_jobs() if job.name == "signup_holds"]
        with clock.travelled(past_the_hold(app)):
            run_job(job)
    assert [r.status for r in registrations(app, "glemt@example.dk")] == [RegistrationStatus.CANCELLED]


def test_over_the_per_address_limit_the_answer_is_the_same_and_nothing_is_held(
    rate_limited_app, create_event, create_organisation
):
    app = rate_limited_app
    events = [create_event(title=f"Dag {n}") for n in range(3)]
    client = app.test_client()
    answers = [sign_up(client, e.id, confirm=False, session_id=e.session_id, email="flood@example.dk") for e in events]
    assert {(r.status_code, r.headers["Location"].endswith("/tjek-din-email")) for r in answers} == {(303, True)}
    # "2 per hour" in the suite's limits: the third sign-up holds nothing and sends nothing.
    assert len(registrations(app, "flood@example.dk")) == 2
    assert kinds(app, "flood@example.dk") == [MailKind.CONFIRM_HOLD] * 2


def _statements(app, run) -> int:
    """How many SQL statements `run()` sends (an event listener on the engine)."""
    count = 0

    def before(*args):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return count


def test_a_held_sign_up_costs_no_more_statements_than_an_instant_one(app, create_event):
    event = create_event(sessions=[{"capacity": 10}])

    def sign(email: str, **kwargs):
        def run():
            with app.test_request_context(method="POST"):
                domain_sign_up(event.session_id, PersonDetails(name="N", email=email), **kwargs)
                db.session.commit()

        return run

    sign("warm@example.dk", identified=True)()  # caches and connections warm
    instant = _statements(app, sign("instant@example.dk", identified=True))
    held = _statements(app, sign("held@example.dk", held_until=clock.utcnow() + timedelta(hours=2)))
    assert held <= instant + 1, (instant, held)
    with app.app_context():
        assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 3
