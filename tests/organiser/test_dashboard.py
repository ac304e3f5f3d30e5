"""The organiser's dashboard: attendance per venue, totals, breakdowns, a fixed query count."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import update

from eventsite.attendance.checkin import attendance_opens_at, check_in, mark_absent
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.organiser.dashboard import JobLevel, build_dashboard, job_level
from eventsite.registration import operations
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus
from tests.helpers import sign_up, visible_text


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Kommunaldirektør", JobLevel.DIREKTOER),
        ("Direktør for Børn og Unge", JobLevel.DIREKTOER),
        ("Centerchef", JobLevel.CHEF),
        ("Kontorchef", JobLevel.CHEF),
        ("Souschef", JobLevel.MELLEMLEDER),
        ("Teamleder", JobLevel.MELLEMLEDER),
        ("Afdelingsleder", JobLevel.MELLEMLEDER),
        ("Mellemleder", JobLevel.MELLEMLEDER),
        ("Institutionsleder", JobLevel.LEDER),
        ("Daglig leder", JobLevel.LEDER),
        ("Områdeleder", JobLevel.LEDER),
        ("Chefkonsulent", JobLevel.OTHER),
        ("Projektleder", JobLevel.OTHER),
        ("Sygeplejerske", JobLevel.OTHER),
        ("", JobLevel.OTHER),
        (None, JobLevel.OTHER),
    ],
)
def test_a_job_title_maps_to_a_job_level(title, level):
    assert job_level(title) is level


def _register(
    register_person, session_id: int, count: int, *, municipality_code="0370", job_title="Teamleder", prefix="p"
):
    """Sign `count` people up through the domain function, as the public form does; their ids."""
    return [
        register_person(
            session_id,
            f"{prefix}{index}-{session_id}@example.dk",
            f"Deltager {prefix}{index}",
            job_title=job_title,
            municipality_code=municipality_code,
        ).id
        for index in range(count)
    ]


@pytest.fixture
def dashboard_of(app):
    """Build the dashboard inside an app context kept open for the rest of the test."""
    with app.app_context():
        yield lambda organisation_id: build_dashboard([organisation_id])


def test_totals_across_venues_add_up(app, dashboard_of, create_event, register_person):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 20},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 40},
        ]
    )
    naestved, silkeborg = event.session_ids
    _register(register_person, naestved, 17, prefix="n")
    _register(register_person, silkeborg, 31, prefix="s")
    dashboard = dashboard_of(event.organisation_id)
    (figures,) = dashboard.upcoming
    assert [(s.session.place_name, s.confirmed) for s in figures.sessions] == [("Næstved", 17), ("Silkeborg", 31)]
    assert figures.total("confirmed") == 48
    assert figures.total("capacity") == 60


def test_each_session_counts_waiting_list_cancellations_check_ins_and_no_shows(
    app, dashboard_of, create_event, register_person
):
    event = create_event(sessions=[{"city": "Næstved", "capacity": 4}])
    ids = _register(register_person, event.session_id, 6)
    with app.test_request_context(method="POST"):
        now = attendance_opens_at(db.session.get(EventSession, event.session_id))
        operations.cancel(db.session.get(Registration, ids[0]))  # frees a seat: the first waiting person moves up
        check_in(db.session.get(Registration, ids[1]), now=now)
        check_in(db.session.get(Registration, ids[2]), now=now)
        mark_absent(db.session.get(Registration, ids[3]), Attendance.ABSENT_NOTIFIED, now=now)
        mark_absent(db.session.get(Registration, ids[4]), Attendance.NO_SHOW, now=now)
        db.session.commit()
    (row,) = dashboard_of(event.organisation_id).upcoming[0].sessions
    assert (row.capacity, row.confirmed, row.waitlisted, row.cancelled) == (4, 4, 1, 1)
    assert (row.checked_in, row.absent_notified, row.no_shows) == (2, 1, 1)
    assert row.subsidised == 0, "nobody has an approved subsidy"


def test_attendees_are_broken_down_by_region_on_the_day_of_the_session(
    app, dashboard_of, create_event, register_person
):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 50},
            # After the 2027 reform Næstved lies in Region Østdanmark.
            {"city": "Næstved", "capacity": 50, "start": datetime(2027, 3, 2, 8, 0, tzinfo=timezone.utc)},
        ]
    )
    before, after = event.session_ids
    _register(register_person, before, 3, municipality_code="0370", prefix="a")
    _register(register_person, after, 2, municipality_code="0370", prefix="b")
    _register(register_person, after, 4, municipality_code="0751", prefix="c")  # Aarhus
    _register(register_person, after, 1, municipality_code=None, prefix="d")
    (figures,) = dashboard_of(event.organisation_id).upcoming
    assert dict(figures.regions) == {
        "Region Sjælland": 3,
        "Region Østdanmark": 2,
        "Region Midtjylland": 4,
        "Ukendt region": 1,
    }
    assert figures.regions[0] == ("Region Midtjylland", 4), "largest group first"


def test_attendees_are_broken_down_by_job_level_and_absent_people_do_not_count(
    app, dashboard_of, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 50}])
    _register(register_person, event.session_id, 3, job_title="Teamleder", prefix="t")
    _register(register_person, event.session_id, 2, job_title="Kommunaldirektør", prefix="d")
    absent = _register(register_person, event.session_id, 1, job_title="Centerchef", prefix="c")
    with app.test_request_context(method="POST"):
        registration = db.session.get(Registration, absent[0])
        mark_absent(registration, Attendance.ABSENT_NOTIFIED, now=attendance_opens_at(registration.session))
        db.session.commit()
    (figures,) = dashboard_of(event.organisation_id).upcoming
    assert figures.job_levels == [(JobLevel.MELLEMLEDER, 3), (JobLevel.DIREKTOER, 2)]


def _move_to_past(app, event_id: int, days_ago: int) -> None:
    with app.app_context():
        start = utcnow() - timedelta(days=days_ago)
        db.session.execute(
            update(EventSession)
            .where(EventSession.event_id == event_id)
            .values(starts_at=start, ends_at=start + timedelta(hours=5))
        )
        db.session.commit()


def test_upcoming_events_come_first_soonest_first_then_past_events_with_final_attendance(
    app, dashboard_of, create_event, create_organisation, register_person
):
    org = create_organisation()
    soon = utcnow() + timedelta(days=3)
    later = create_event("Årsmøde", organisation_id=org, sessions=[{"start": soon + timedelta(days=20)}])
    sooner = create_event("Temadag", organisation_id=org, sessions=[{"start": soon}])
    held = create_event("Lederforum i foråret", organisation_id=org, sessions=[{"capacity": 10}])
    long_ago = create_event("Reception sidste år", organisation_id=org)
    ids = _register(register_person, held.session_id, 3)
    with app.test_request_context(method="POST"):
        registration = db.session.get(Registration, ids[0])
        check_in(registration, now=attendance_opens_at(registration.session))
        db.session.commit()
    _move_to_past(app, held.id, days_ago=10)
    _move_to_past(app, long_ago.id, days_ago=400)

    dashboard = dashboard_of(org)
    assert [f.event.id for f in dashboard.upcoming] == [sooner.id, later.id]
    assert [f.event.id for f in dashboard.past] == [held.id], "events over a year ago drop off"
    (past,) = dashboard.past
    assert past.is_past and past.total("checked_in") == 1 and past.total("confirmed") == 3


def test_the_dashboard_page_shows_venues_totals_and_a_subsidy_column(
    app, client, create_event, login_as, register_person
):
    event = create_event(
        "Temadag om arbejdsmiljø",
        sessions=[
            {"city": "Næstved", "capacity": 20},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 40},
        ],
    )
    _register(register_person, event.session_ids[0], 17, prefix="n")
    _register(register_person, event.session_ids[1], 31, prefix="s", municipality_code="0740")
    login_as(event.organisation_id, "organiser")
    page = client.get("/arrangoer/oversigt")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Temadag om arbejdsmiljø" in text
    assert "Tilskud" in text
    html = page.data.decode()
    total_row = re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0)
    assert re.search(r"<td>\s*48\s*</td>", total_row), total_row
    assert "Deltagere efter region" in text and "Region Sjælland: 17" in text and "Region Midtjylland: 31" in text


def test_the_back_office_front_door_leads_organisers_to_the_dashboard(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org, "organiser")
    response = client.get("/arrangoer/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/arrangoer/oversigt")


def test_the_dashboard_shows_only_the_users_own_organisations(app, client, create_event, create_organisation, login_as):
    mine = create_organisation(slug="mine")
    create_event("Vores temadag", organisation_id=mine)
    create_event("Andres hemmelige temadag")
    login_as(mine, "organiser")
    text = visible_text(client.get("/arrangoer/oversigt").data)
    assert "Vores temadag" in text and "Andres hemmelige temadag" not in text


@contextmanager
def _counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def _bulk_events(app, create_event, organisation_id: int, count: int) -> None:
    """Events of three sessions with a few people each (inserted directly: only counts matter)."""
    for index in range(count):
        created = create_event(f"Arrangement {index}", organisation_id=organisation_id, sessions=[{}, {}, {}])
        with app.app_context():
            for session_id in created.session_ids:
                for person_index in range(2):
                    person = Person(
                        organisation_id=organisation_id,
                        email=f"e{created.id}-{session_id}-{person_index}@example.dk",
                        name=f"Person {person_index}",
                        job_title="Afdelingsleder",
                        municipality_code="0370",
                    )
                    db.session.add(
                        Registration(
                            event_id=created.id,
                            session_id=session_id,
                            person=person,
                            status=RegistrationStatus.CONFIRMED,
                            active_slot=0,
                            confirmed_at=utcnow(),
                        )
                    )
            db.session.commit()


def test_the_dashboard_uses_the_same_small_number_of_queries_for_5_and_50_events(
    app, client, create_event, create_organisation, login_as
):
    org = create_organisation()
    login_as(org, "organiser")
    _bulk_events(app, create_event, org, 5)
    with app.app_context(), _counting_queries() as with_5:
        page = client.get("/arrangoer/oversigt")
    assert page.status_code == 200 and page.data.decode().count('class="event-figures"') == 5
    _bulk_events(app, create_event, org, 45)
    with app.app_context(), _counting_queries() as with_50:
        page = client.get("/arrangoer/oversigt")
    assert page.data.decode().count('class="event-figures"') == 50
    assert len(with_50) == len(with_5), "\n".join(with_50)
    # The logged-in user and their roles, the organisations, events with sessions and
    # venues, the counts (with subsidies), attendees by municipality and by job title,
    # the organisation's brand for the header (one query), and SQLite's BEGIN.
    assert len(with_5) <= 9, "\n".join(with_5)


def test_places_held_for_email_confirmation_count_apart_and_take_their_seats(
    app, client, dashboard_of, create_event, register_person
):
    event = create_event(sessions=[{"city": "Næstved", "capacity": 3}])
    _register(register_person, event.session_id, 1)
    # Two anonymous sign-ups on the public form: held until their emailed links are followed.
    sign_up(client, event.id, confirm=False, email="a@example.dk", session_id=str(event.session_id))
    sign_up(client, event.id, confirm=False, email="b@example.dk", session_id=str(event.session_id))
    (row,) = dashboard_of(event.organisation_id).upcoming[0].sessions
    assert (row.confirmed, row.held, row.waitlisted) == (1, 2, 0)
    assert row.seats_left == 0
