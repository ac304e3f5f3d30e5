"""eventsite.db and eventsite.web: SQLite's write lock per unit of work (lock="now" or "late")."""

import threading

import pytest

from eventsite.db import start_writing
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration import operations
from eventsite.registration.models import RegistrationStatus
from eventsite.registration.operations import PersonDetails
from eventsite.web import unit_of_work

# SQLite's transaction modes only: PostgreSQL locks rows instead (FOR UPDATE).
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_app(app):
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
    return app


def _in_other_thread(work):
    """Run `work` on its own thread, hence its own app context, session and connection."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]


def test_a_sign_up_that_read_first_sees_a_seat_taken_after_its_read_began(sqlite_app, create_event, register_person):
    """The read transaction's snapshot predates the other sign-up; the decision must not."""
    event = create_event(sessions=[{"capacity": 1}])
    with sqlite_app.app_context(), unit_of_work(lock="late"):
        session = db.session.get(EventSession, event.session_id)  # BEGIN (deferred): a snapshot
        assert session.capacity == 1
        # Someone else takes the only seat and commits while this request is reading.
        _in_other_thread(lambda: register_person(event.session_id, email="first@example.dk"))
        # A deferred transaction would now fail to write (SQLITE_BUSY_SNAPSHOT) or
        # count from its old snapshot; start_writing begins a writing one instead.
        registration = operations.register(event.session_id, PersonDetails(name="Anden", email="second@example.dk"))
        assert registration.status is RegistrationStatus.WAITLISTED


def test_start_writing_refuses_a_late_unit_of_work_that_changed_rows_before_it(sqlite_app, create_event):
    event = create_event()
    with sqlite_app.app_context():
        with pytest.raises(RuntimeError), unit_of_work(lock="late"):
            db.session.get(EventSession, event.session_id).capacity = 99
            start_writing(db.session)
        assert db.session.get(EventSession, event.session_id).capacity != 99


def test_the_declared_lock_mode_decides_when_the_write_lock_is_taken(sqlite_app):
    with sqlite_app.app_context():
        with unit_of_work(lock="now"):
            assert db.session.connection().info["eventsite.sqlite_writing"] is True
        with unit_of_work(lock="late"):
            assert db.session.connection().info["eventsite.sqlite_writing"] is False
            start_writing(db.session)
            assert db.session.connection().info["eventsite.sqlite_writing"] is True
