"""Dietary needs are deleted after the event; nothing else is."""

from datetime import timedelta

from sqlalchemy import func, select

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import DietaryNote, Registration


def test_dietary_notes_of_finished_events_are_purged_and_the_registrations_stay(app, create_event, register_person):
    finished = create_event(title="Forbi")
    coming = create_event(title="Kommende")
    old = register_person(finished.session_id)
    new = register_person(coming.session_id)
    with app.app_context():
        for registration_id in (old.id, new.id):
            db.session.add(DietaryNote(registration_id=registration_id, text="Glutenfri"))
        session = db.session.get(EventSession, finished.session_id)
        session.starts_at = utcnow() - timedelta(days=11)
        session.ends_at = utcnow() - timedelta(days=10)
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["purge-dietary-notes", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 dietary notes" in result.output

    with app.app_context():
        remaining = db.session.execute(select(DietaryNote.registration_id)).scalars().all()
        assert remaining == [new.id]
        assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 2
