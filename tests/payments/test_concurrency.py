"""Add-on, day and budget limits hold when many people sign up or organisers approve at once.

Each worker is a thread with its own request context, so its own database session
and connection, doing what the view does (register, record choices, commit; or
decide, commit). A barrier makes them start together. Sign-ups are spread over
several sessions of one event, so the session row lock does not serialise them:
only the add-on or day row lock can keep the count right.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.payments.models import RegistrationAddOn, RegistrationDay, SubsidyRequest, SubsidyStatus
from eventsite.payments.operations import Choices, PaymentError, SubsidyWish, record_choices
from eventsite.payments.subsidies import SubsidyError, decide
from eventsite.registration.models import Registration
from eventsite.registration.operations import PersonDetails, register
from tests.conftest import FUTURE

PEOPLE = 12
TIMEOUT = 60


def all_at_once(jobs):
    """Run the jobs in threads that start together; returns each job's result or exception."""
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT)

    def run(job):
        barrier.wait()
        try:
            return job()
        except Exception as error:  # the outcome is what the test inspects
            return error

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [f.result(timeout=TIMEOUT) for f in [pool.submit(run, job) for job in jobs]]


def signup_job(app, session_id: int, choices: Choices):
    def job():
        with app.test_request_context(method="POST"):
            try:
                registration = register(
                    session_id, PersonDetails(name="Leder", email=f"{uuid.uuid4().hex[:10]}@example.dk")
                )
                record_choices(registration, choices)
                db.session.commit()
                return registration.id
            except Exception:
                db.session.rollback()
                raise

    return job


def count(app, query) -> int:
    with app.app_context():
        return db.session.execute(query).scalar_one()


def sessions(n: int) -> list[dict]:
    return [{"capacity": 100, "start": FUTURE, "hours": 32, "city": f"By {i}"} for i in range(n)]


def test_a_workshop_with_three_places_gets_three_people_when_twelve_sign_up_at_once(app, create_conference):
    # No days, so no day row is locked either: only the add-on's lock protects its places.
    conference = create_conference(
        days=0, fee=(150000, 200000), sessions=sessions(4), addons=[("workshop", "Workshop", 45000, 3)]
    )
    workshop = conference.addons["Workshop"]
    choices = Choices(True, frozenset(), frozenset({workshop}))
    results = all_at_once([signup_job(app, conference.session_ids[i % 4], choices) for i in range(PEOPLE)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, PaymentError) for r in refused), refused
    assert len(refused) == PEOPLE - 3
    assert (
        count(app, select(func.count()).select_from(RegistrationAddOn).where(RegistrationAddOn.addon_id == workshop))
        == 3
    )
    # A refused sign-up saved nothing: no registration without its workshop.
    assert count(app, select(func.count()).select_from(Registration)) == 3


def test_a_day_with_five_places_gets_five_people_when_twelve_sign_up_at_once(app, create_conference):
    conference = create_conference(sessions=sessions(3), day_capacity=5, addons=[])
    day = conference.day_ids[1]
    choices = Choices(False, frozenset({day}))
    results = all_at_once([signup_job(app, conference.session_ids[i % 3], choices) for i in range(PEOPLE)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, PaymentError) for r in refused), refused
    assert count(app, select(func.count()).select_from(RegistrationDay).where(RegistrationDay.day_id == day)) == 5
    assert count(app, select(func.count()).select_from(Registration)) == 5


def applications(app, create_conference, register_person, budget, n: int):
    conference = create_conference(budget=budget)
    wish = SubsidyWish(fee=True, reason="Ingen kursusmidler")
    for i in range(n):
        register_person(
            conference.session_id,
            choices=Choices(True, frozenset(conference.day_ids), subsidy=wish),
            notify=True,
            name=f"Leder {i}",
        )
    with app.app_context():
        return conference, list(db.session.execute(select(SubsidyRequest.id).order_by(SubsidyRequest.id)).scalars())


def approve_job(app, request_id: int, granted: int | None):
    def job():
        with app.test_request_context(method="POST"):
            try:
                decide(db.session.get(SubsidyRequest, request_id), True, granted_ore=granted)
                db.session.commit()
                return request_id
            except Exception:
                db.session.rollback()
                raise

    return job


def approved(app) -> tuple[int, int]:
    with app.app_context():
        return db.session.execute(
            select(func.count(), func.coalesce(func.sum(SubsidyRequest.granted_ore), 0)).where(
                SubsidyRequest.status == SubsidyStatus.APPROVED
            )
        ).one()


def test_concurrent_approvals_never_exceed_a_budget_of_places(app, create_conference, register_person):
    _conference, ids = applications(app, create_conference, register_person, (2, None), 8)
    results = all_at_once([approve_job(app, request_id, None) for request_id in ids])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, SubsidyError) for r in refused), refused
    assert approved(app) == (2, 0)


def test_concurrent_approvals_never_exceed_a_budget_in_kroner(app, create_conference, register_person):
    # 5.000 kr. budget, grants of 1.500 kr.: three fit (4.500 kr.), the fourth would overspend.
    _conference, ids = applications(app, create_conference, register_person, (None, 500000), 8)
    results = all_at_once([approve_job(app, request_id, 150000) for request_id in ids])
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, SubsidyError) for r in refused), refused
    assert approved(app) == (3, 450000)
