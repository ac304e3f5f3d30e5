"""Capacity holds when many people sign up at once through a real multi-worker server.

Each test creates its data, then starts gunicorn with several sync workers (separate
processes, separate database connections) against the test database, and fires the
sign-ups from threads that wait at a barrier so the POSTs really overlap. The outcome
is checked in the database, not in the responses alone.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.registration import operations
from eventsite.registration.models import Person, Registration, RegistrationStatus
from tests.helpers import csrf_token
from tests.live_server import live_server

pytestmark = pytest.mark.slow

WORKERS = 4
#: Seconds any single request, barrier wait or the whole burst may take.
REQUEST_TIMEOUT = 60
BURST_TIMEOUT = 180


class Visitor:
    """One browser: its own cookie jar, so its own session and CSRF token."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def form_token(self, path: str) -> str:
        page = self.http.get(self.base_url + path, timeout=REQUEST_TIMEOUT)
        assert page.status_code == 200, page.text[:500]
        return csrf_token(page.text)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.base_url + path, data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT)


def in_a_burst(jobs):
    """Run each job's prepare() in its own thread, then all their fire() at once.

    Returns the results of fire() in job order; any exception in a thread is raised.
    """
    barrier = threading.Barrier(len(jobs), timeout=REQUEST_TIMEOUT)

    def run(job):
        try:
            fire = job()
        except BaseException:
            barrier.abort()  # the others stop waiting at once instead of timing out
            raise
        barrier.wait()
        return fire()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        return [future.result(timeout=BURST_TIMEOUT) for future in futures]


def signup_job(base_url: str, event_id: int, session_id: int, email: str, name: str = "Leder"):
    """A job for in_a_burst: open the event page, then (on fire) post the sign-up form."""

    def prepare():
        visitor = Visitor(base_url)
        data = {
            "session_id": str(session_id),
            "name": name,
            "email": email,
            "csrf_token": visitor.form_token(f"/arrangementer/{event_id}"),
        }
        return lambda: visitor.post(f"/arrangementer/{event_id}/tilmeld", data)

    return prepare


def cancel_job(base_url: str, token: str):
    """A job for in_a_burst: open the manage page, then (on fire) press "Afmeld"."""

    def prepare():
        visitor = Visitor(base_url)
        # The confirmation page's form: the POST that cancels.
        data = {"csrf_token": visitor.form_token(f"/tilmelding/{token}"), "confirmed": "yes"}
        return lambda: visitor.post(f"/tilmelding/{token}/afmeld", data)

    return prepare


def registrations_of(app, session_id: int) -> list[Registration]:
    with app.app_context():
        rows = db.session.execute(
            select(Registration).where(Registration.session_id == session_id).order_by(Registration.id)
        ).scalars()
        result = list(rows)
        db.session.expunge_all()
        return result


def waiting_positions(app, session_id: int) -> list[int]:
    with app.app_context():
        waiting = db.session.execute(
            select(Registration).where(
                Registration.session_id == session_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
        ).scalars()
        return sorted(operations.waitlist_position(r) for r in waiting)


def assert_no_server_errors(responses) -> None:
    codes = Counter(r.status_code for r in responses)
    assert not any(code >= 500 for code in codes), codes


def test_thirty_six_simultaneous_signups_fill_five_seats_and_queue_the_rest(app, database_url, create_event):
    capacity, people = 5, 36
    event = create_event(sessions=[{"capacity": capacity}])
    with live_server(database_url, workers=WORKERS) as server:
        jobs = [signup_job(server.url, event.id, event.session_id, f"leder{n}@kommune{n}.dk") for n in range(people)]
        responses = in_a_burst(jobs)

    assert_no_server_errors(responses)
    assert [r.status_code for r in responses] == [303] * people
    # Anonymous sign-ups: every place is held for its email confirmation (issue 13).
    assert all(r.headers["Location"].endswith("/tjek-din-email") for r in responses)

    registrations = registrations_of(app, event.session_id)
    statuses = Counter(r.status for r in registrations)
    # Held places count against capacity like any: five seats, the rest queue.
    assert statuses == {RegistrationStatus.CONFIRMED: capacity, RegistrationStatus.WAITLISTED: people - capacity}
    assert all(r.held_until is not None for r in registrations)
    # Nobody twice: one person row and one registration per address.
    assert len({r.person_id for r in registrations}) == people
    with app.app_context():
        assert db.session.execute(select(func.count(Person.id))).scalar_one() == people
    # First come, first served: the seats went to the first five to take the lock
    # (ids are handed out under it), and the queue numbers are 1..31 without gaps or ties.
    confirmed = [r.id for r in registrations if r.status is RegistrationStatus.CONFIRMED]
    waiting = [r.id for r in registrations if r.status is RegistrationStatus.WAITLISTED]
    assert max(confirmed) < min(waiting)
    assert waiting_positions(app, event.session_id) == list(range(1, people - capacity + 1))


def test_the_same_address_posted_from_twenty_browsers_at_once_gets_one_place(app, database_url, create_event):
    attempts = 20
    event = create_event(sessions=[{"capacity": 5}])
    with live_server(database_url, workers=WORKERS) as server:
        jobs = [
            signup_job(server.url, event.id, event.session_id, "Mette@Naestved.dk", name=f"Mette {n}")
            for n in range(attempts)
        ]
        responses = in_a_burst(jobs)

    assert_no_server_errors(responses)
    # By design (issue 13): every attempt gets the same answer; the database keeps one place.
    assert [r.status_code for r in responses] == [303] * attempts
    assert all(r.headers["Location"].endswith("/tjek-din-email") for r in responses)

    registrations = registrations_of(app, event.session_id)
    assert len(registrations) == 1
    assert registrations[0].status is RegistrationStatus.CONFIRMED
    with app.app_context():
        people = db.session.execute(select(Person.email)).scalars().all()
    assert people == ["mette@naestved.dk"]


def test_cancellations_racing_new_signups_hand_freed_seats_to_the_waiting_list_in_order(
    app, database_url, create_event, register_person
):
    capacity = 5
    event = create_event(sessions=[{"capacity": capacity}])
    seated = [register_person(event.session_id, email=f"seated{n}@example.dk") for n in range(capacity)]
    queued = [register_person(event.session_id, email=f"queued{n}@example.dk") for n in range(capacity)]
    assert {r.status for r in seated} == {"confirmed"} and {r.status for r in queued} == {"waitlisted"}
    newcomers = 25
    # The manage links were signed with the test app's key, so the server needs it too.
    with live_server(database_url, workers=WORKERS, secret_key=app.config["SECRET_KEY"]) as server:
        jobs = [cancel_job(server.url, r.token) for r in seated] + [
            signup_job(server.url, event.id, event.session_id, f"ny{n}-{uuid.uuid4().hex[:6]}@example.dk")
            for n in range(newcomers)
        ]
        responses = in_a_burst(jobs)

    assert_no_server_errors(responses)
    assert [r.status_code for r in responses] == [303] * (capacity + newcomers)

    by_id = {r.id: r for r in registrations_of(app, event.session_id)}
    assert Counter(r.status for r in by_id.values()) == {
        RegistrationStatus.CANCELLED: capacity,
        RegistrationStatus.CONFIRMED: capacity,
        RegistrationStatus.WAITLISTED: newcomers,
    }
    # Every freed seat went to someone who queued before the burst, never to a newcomer.
    assert {by_id[r.id].status for r in seated} == {RegistrationStatus.CANCELLED}
    assert {by_id[r.id].status for r in queued} == {RegistrationStatus.CONFIRMED}
    assert waiting_positions(app, event.session_id) == list(range(1, newcomers + 1))
