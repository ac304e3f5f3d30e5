"""Register, cancel, move and promote, called directly on both databases."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.registration import operations
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import PersonDetails, RegistrationError


def leader(n: int) -> PersonDetails:
    return PersonDetails(name=f"Leder {n}", email=f"leder{n}@example.dk")


def statuses(session_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Registration).where(Registration.session_id == session_id).order_by(Registration.id)
    ).scalars()
    return [(r.person.email, r.status.value) for r in rows]


def test_cancelling_a_confirmed_place_promotes_the_first_on_the_waiting_list(app, create_event):
    event = create_event(sessions=[{"capacity": 2}])
    with app.test_request_context(method="POST"):
        first = operations.register(event.session_id, leader(1))
        operations.register(event.session_id, leader(2))
        third = operations.register(event.session_id, leader(3))
        fourth = operations.register(event.session_id, leader(4))
        db.session.commit()
        assert operations.waitlist_position(third) == 1
        assert operations.waitlist_position(fourth) == 2

        promoted = operations.cancel(first)
        db.session.commit()

        assert [r.person.email for r in promoted] == ["leder3@example.dk"]
        assert statuses(event.session_id) == [
            ("leder1@example.dk", "cancelled"),
            ("leder2@example.dk", "confirmed"),
            ("leder3@example.dk", "confirmed"),
            ("leder4@example.dk", "waitlisted"),
        ]
        assert operations.waitlist_position(fourth) == 1


def test_cancelling_a_waitlisted_place_promotes_nobody(app, create_event):
    event = create_event(sessions=[{"capacity": 1}])
    with app.test_request_context(method="POST"):
        operations.register(event.session_id, leader(1))
        waiting = operations.register(event.session_id, leader(2))
        assert operations.cancel(waiting) == []
        db.session.commit()
        assert statuses(event.session_id)[0][1] == "confirmed"


def test_cancelling_twice_changes_nothing_the_second_time(app, create_event):
    event = create_event(sessions=[{"capacity": 1}])
    with app.test_request_context(method="POST"):
        first = operations.register(event.session_id, leader(1))
        operations.register(event.session_id, leader(2))
        operations.cancel(first)
        assert operations.cancel(first) == []
        db.session.commit()
        assert [s for _, s in statuses(event.session_id)] == ["cancelled", "confirmed"]


def test_a_person_can_sign_up_again_after_cancelling(app, create_event):
    event = create_event()
    with app.test_request_context(method="POST"):
        first = operations.register(event.session_id, leader(1))
        operations.cancel(first)
        again = operations.register(event.session_id, leader(1))
        db.session.commit()
        assert again.status is RegistrationStatus.CONFIRMED
        assert again.person_id == first.person_id


def test_one_active_place_per_event_unless_the_event_allows_several(app, create_event):
    single = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    several = create_event(
        sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}], allows_multiple_sessions=True
    )
    with app.test_request_context(method="POST"):
        operations.register(single.session_ids[0], leader(1))
        with pytest.raises(RegistrationError):
            operations.register(single.session_ids[1], leader(1))
        operations.register(several.session_ids[0], leader(1))
        operations.register(several.session_ids[1], leader(1))
        with pytest.raises(RegistrationError):
            operations.register(several.session_ids[1], leader(1))
        db.session.commit()


def test_moving_to_another_venue_frees_the_seat_for_the_waiting_list(app, create_event):
    event = create_event(sessions=[{"capacity": 1}, {"city": "Silkeborg", "municipality_code": "0740", "capacity": 5}])
    naestved, silkeborg = event.session_ids
    with app.test_request_context(method="POST"):
        mover = operations.register(naestved, leader(1))
        waiting = operations.register(naestved, leader(2))
        promoted = operations.move(mover, silkeborg)
        db.session.commit()
        assert mover.session_id == silkeborg and mover.status is RegistrationStatus.CONFIRMED
        assert promoted == [waiting] and waiting.status is RegistrationStatus.CONFIRMED


def test_moving_to_a_full_session_joins_its_waiting_list(app, create_event):
    event = create_event(sessions=[{"capacity": 5}, {"city": "Silkeborg", "municipality_code": "0740", "capacity": 1}])
    with app.test_request_context(method="POST"):
        operations.register(event.session_ids[1], leader(1))
        mover = operations.register(event.session_ids[0], leader(2))
        # A confirmed seat is not given up without the person's explicit yes.
        with pytest.raises(operations.SeatWouldBeLost) as refused:
            operations.move(mover, event.session_ids[1])
        assert refused.value.position == 1
        assert mover.status is RegistrationStatus.CONFIRMED and mover.session_id == event.session_ids[0]
        operations.move(mover, event.session_ids[1], give_up_seat=True)
        db.session.commit()
        assert mover.status is RegistrationStatus.WAITLISTED
        assert operations.waitlist_position(mover) == 1


def test_moving_to_a_session_of_another_event_is_refused(app, create_event):
    one, other = create_event(), create_event()
    with app.test_request_context(method="POST"):
        registration = operations.register(one.session_id, leader(1))
        with pytest.raises(RegistrationError):
            operations.move(registration, other.session_id)


def test_signups_are_refused_after_the_deadline_and_for_past_or_cancelled_sessions(app, create_event):
    now = utcnow()
    closed = create_event(registration_closes_at=now - timedelta(hours=1))
    past = create_event(sessions=[{"start": now - timedelta(days=1)}])
    not_open = create_event(registration_opens_at=now + timedelta(days=1))
    cancelled = create_event(cancelled_at=now)
    with app.test_request_context(method="POST"):
        for event, message in [
            (closed, "Tilmeldingsfristen er overskredet."),
            (past, "Dette hold har allerede fundet sted."),
            (not_open, "Tilmeldingen er ikke åbnet endnu."),
            (cancelled, "Arrangementet er aflyst eller ikke åbent for tilmelding."),
        ]:
            with pytest.raises(RegistrationError) as refused:
                operations.register(event.session_id, leader(1))
            assert str(refused.value.message) == message
        db.session.rollback()
        assert db.session.execute(select(Registration)).first() is None


def test_dietary_needs_are_kept_apart_from_the_registration(app, create_event):
    event = create_event()
    with app.test_request_context(method="POST"):
        registration = operations.register(event.session_id, leader(1), dietary_needs="Glutenfri")
        db.session.commit()
        assert registration.dietary_note.text == "Glutenfri"
        db.session.delete(registration.dietary_note)
        db.session.commit()
        assert db.session.get(Registration, registration.id).dietary_note is None


def test_an_unlimited_session_confirms_everyone_but_still_refuses_a_second_place(app, create_event):
    event = create_event(sessions=[{"capacity": None}])
    with app.test_request_context(method="POST"):
        for n in range(1, 6):
            operations.register(event.session_id, leader(n))
        with pytest.raises(RegistrationError):
            operations.register(event.session_id, leader(3))
        db.session.commit()
        assert [status for _, status in statuses(event.session_id)] == ["confirmed"] * 5


def test_a_person_already_known_signs_up_again_as_the_same_person(app, create_event):
    first = create_event(sessions=[{}])
    second = create_event(sessions=[{}], organisation_id=first.organisation_id)
    third = create_event(sessions=[{}], organisation_id=first.organisation_id)
    with app.test_request_context(method="POST"):
        operations.register(
            first.session_id, PersonDetails(name="Leder Et", email="Leder@Example.dk", job_title="Afdelingsleder")
        )
        db.session.commit()
        # Anonymous: the stored details stay (nobody may rewrite another person's record).
        kept = operations.register(third.session_id, PersonDetails(name="Nogen Andre", email="leder@example.dk"))
        db.session.commit()
        assert kept.person.name == "Leder Et" and kept.person.job_title == "Afdelingsleder"
        # Identified (an organiser, or the member's own invitation link): updated.
        again = operations.register(
            second.session_id, PersonDetails(name="Leder Et Andersen", email="leder@example.dk"), update_person=True
        )
        db.session.commit()
        registrations = (
            db.session.execute(select(Registration).where(Registration.event_id.in_([first.id, second.id, third.id])))
            .scalars()
            .all()
        )
        # One person (keyed by the lower-cased address), with the newest details.
        assert {r.person_id for r in registrations} == {again.person_id}
        assert again.person.name == "Leder Et Andersen" and again.person.job_title == ""
        assert again.person.feed_key
