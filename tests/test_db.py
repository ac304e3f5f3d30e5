"""eventsite.db: SQLite's write lock for views that read first (`reads_first`)."""
import threading

import pytest
from flask import g

from eventsite.db import start_writing
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration import operations
from eventsite.registration.models import RegistrationStatus
from eventsite.registration.operations import PersonDetails


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
    with sqlite_app.test_request_context(method="POST"):
        g.sqlite_reads_first = True
        session = db.session.get(EventSession, event.session_id)  # BEGIN (deferred): a snapshot
        assert session.capacity == 1
        # Someone else takes the only seat and commits while this request is reading.
        _in_other_thread(lambda: register_person(event.session_id, email="first@example.dk"))
        # A deferred transaction would now fail to write (SQLITE_BUSY_SNAPSHOT) or
        # count from its old snapshot; start_writing begins a writing one instead.
        registration = operations.register(event.session_id, PersonDetails(name="Anden", email="second@example.dk"))
        db.session.commit()
        assert registration.status is RegistrationStatus.WAITLISTED


def test_start_writing_refuses_a_view_that_changed_rows_before_it(sqlite_app, create_event):
    event = create_event()
    with sqlite_app.test_request_context(method="POST"):
        g.sqlite_reads_first = True
        db.session.get(EventSession, event.session_id).capacity = 99
        with pytest.raises(RuntimeError):
            start_writing(db.session)
        db.session.rollback()


def test_other_writing_requests_take_the_write_lock_when_they_begin(sqlite_app):
    with sqlite_app.test_request_context(method="POST"):
        connection = db.session.connection()
        assert connection.info["eventsite.sqlite_writing"] is True
        db.session.rollback()
    with sqlite_app.test_request_context(method="GET"):
        connection = db.session.connection()
        assert connection.info["eventsite.sqlite_writing"] is False
        db.session.rollback()
