"""Creating and editing events, sessions, programme items and venues in the back office."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eventsite.audit import AuditEntry
from eventsite.clock import utcnow
from eventsite.events.models import LOCAL_TZ, Event, EventSession, ProgrammeItem, Venue
from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus
from tests.helpers import form_token, log_in, user_email, visible_text

NEXT_YEAR = utcnow().astimezone(LOCAL_TZ).year + 1


def post(client, url, page_url=None, **data):
    data["csrf_token"] = form_token(client, page_url or url)
    return client.post(url, data=data)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def audit_actions(app, object_type: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEntry.action).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
            ).scalars()
        )


def make_venue(app, org: int, city: str = "Næstved", code: str = "0370") -> int:
    with app.app_context():
        venue = Venue(
            organisation_id=org,
            name=f"Mødecenter {city}",
            address="Torvet 1",
            postcode="4700",
            city=city,
            municipality_code=code,
        )
        db.session.add(venue)
        db.session.commit()
        return venue.id


EVENT_FORM = {
    "title": "Temadag om ledelse",
    "kind": "temadag",
    "visibility": "public",
    "target_group": "mellemledere",
    "description": "Vi taler om **ledelse**.\n\n- punkt et\n- punkt to",
}


def create_event_through_the_form(client, organiser: int, **changes):
    data = dict(EVENT_FORM, organisation_id=organiser)
    data.update(changes)
    return post(client, "/arrangoer/arrangementer/ny", **data)


def session_form(
    venue_id: int,
    day: str = f"{NEXT_YEAR}-08-29",
    start: str = "13:00",
    end: str = "15:00",
    capacity: str = "20",
    **extra,
):
    data = {"venue_id": venue_id, "day": day, "start_time": start, "end_time": end, "capacity": capacity}
    data.update(extra)
    return data


def test_an_organiser_creates_a_theme_day_at_two_venues_and_publishes_it(app, client, organiser):
    response = create_event_through_the_form(client, organiser)
    assert response.status_code == 303
    event_url = response.headers["Location"]
    with app.app_context():
        event = db.session.execute(select(Event)).scalar_one()
        assert event.title == "Temadag om ledelse"
        assert event.published is False
        event_id = event.id
    naestved = make_venue(app, organiser)
    silkeborg = make_venue(app, organiser, "Silkeborg", "0740")
    new_session = f"/arrangoer/arrangementer/{event_id}/sessioner/ny"
    assert post(client, new_session, **session_form(naestved, capacity="17")).status_code == 303
    assert (
        post(client, new_session, **session_form(silkeborg, day=f"{NEXT_YEAR}-09-05", capacity="31")).status_code == 303
    )
    assert post(client, f"/arrangoer/arrangementer/{event_id}/offentliggoer", event_url).status_code == 303
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.published
        assert [(s.venue.city, s.capacity) for s in event.sessions] == [("Næstved", 17), ("Silkeborg", 31)]
        first = event.sessions[0]
        # Typed as Danish summer time (UTC+2), stored as UTC.
        assert first.starts_at == datetime(NEXT_YEAR, 8, 29, 11, 0, tzinfo=timezone.utc)
        assert first.local_start.hour == 13
    public = client.get(f"/arrangementer/{event_id}")
    assert public.status_code == 200
    assert "Silkeborg" in visible_text(public.data)
    assert audit_actions(app, "event") == ["created", "published"]
    assert audit_actions(app, "session") == ["created", "created"]


def test_the_event_page_in_the_back_office_shows_the_sessions_in_danish_time(app, client, organiser, create_event):
    event = create_event(
        organisation_id=organiser,
        sessions=[{"city": "Næstved", "start": datetime(NEXT_YEAR, 8, 29, 11, 0, tzinfo=timezone.utc), "hours": 2}],
    )
    text = visible_text(client.get(f"/arrangoer/arrangementer/{event.id}").data)
    assert f"29. august {NEXT_YEAR} kl. 13.00–15.00" in text
    assert "Region Sjælland" in text or "Region Østdanmark" in text


def test_publishing_needs_a_session(app, client, organiser):
    create_event_through_the_form(client, organiser)
    with app.app_context():
        event_id = db.session.execute(select(Event.id)).scalar_one()
    response = post(
        client, f"/arrangoer/arrangementer/{event_id}/offentliggoer", f"/arrangoer/arrangementer/{event_id}"
    )
    assert "Tilføj mindst ét hold" in visible_text(client.get(response.headers["Location"]).data)
    assert count(app, Event, Event.published.is_(True)) == 0


def test_the_description_preview_renders_sanitised_markdown_without_saving(app, client, organiser):
    response = create_event_through_the_form(
        client, organiser, description="Hej **alle**\n\n<script>alert(1)</script>", preview="Forhåndsvis"
    )
    assert response.status_code == 200
    html = response.data.decode()
    assert "<strong>alle</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert count(app, Event) == 0


def test_editing_an_event_records_what_changed(app, client, organiser, create_event):
    event = create_event(title="Gammel titel", organisation_id=organiser)
    url = f"/arrangoer/arrangementer/{event.id}/rediger"
    response = post(client, url, **dict(EVENT_FORM, title="Ny titel", organisation_id=organiser))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Event, event.id).title == "Ny titel"
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "updated")).scalar_one()
        assert entry.object_type == "event" and entry.object_id == event.id
        assert '"title": "Gammel titel"' in entry.before
        assert '"title": "Ny titel"' in entry.after
        assert entry.actor.startswith("organiser-")


def test_unpublishing_and_cancelling_an_event(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    base = f"/arrangoer/arrangementer/{event.id}"
    assert post(client, f"{base}/skjul", base).status_code == 303
    assert client.get(f"/arrangementer/{event.id}").status_code == 404
    confirm = client.get(f"{base}/aflys")
    assert "Aflys" in visible_text(confirm.data)
    assert post(client, f"{base}/aflys").status_code == 303
    with app.app_context():
        found = db.session.get(Event, event.id)
        assert found.is_cancelled
        assert found.sessions[0].sequence == 1
    assert audit_actions(app, "event") == ["unpublished", "cancelled"]


def test_a_programme_item_is_added_edited_and_deleted(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    assert (
        post(
            client,
            f"/arrangoer/sessioner/{event.session_id}/program/ny",
            starts_at="09:30",
            title="Velkomst",
            speaker="Formanden",
        ).status_code
        == 303
    )
    with app.app_context():
        item_id = db.session.execute(select(ProgrammeItem.id)).scalar_one()
    assert (
        post(
            client, f"/arrangoer/program/{item_id}/rediger", starts_at="09:45", title="Velkomst og kaffe", speaker=""
        ).status_code
        == 303
    )
    with app.app_context():
        item = db.session.get(ProgrammeItem, item_id)
        assert (item.starts_at.strftime("%H:%M"), item.title) == ("09:45", "Velkomst og kaffe")
    assert post(client, f"/arrangoer/program/{item_id}/slet", f"/arrangoer/arrangementer/{event.id}").status_code == 303
    assert count(app, ProgrammeItem) == 0
    assert audit_actions(app, "programme_item") == ["created", "updated", "deleted"]


def test_a_venue_is_created_with_a_municipality_and_shows_its_region(app, client, organiser):
    response = post(
        client,
        "/arrangoer/steder/ny",
        organisation_id=organiser,
        name="Mødecenter Silkeborg",
        address="Papirfabrikken 10",
        postcode="8600",
        city="Silkeborg",
        municipality_code="0740",
    )
    assert response.status_code == 303
    text = visible_text(client.get("/arrangoer/steder").data)
    assert "Silkeborg Kommune" in text or "Silkeborg" in text
    assert "Region Midtjylland" in text
    with app.app_context():
        venue = db.session.execute(select(Venue)).scalar_one()
        assert venue.municipality_code == "0740"
    assert audit_actions(app, "venue") == ["created"]


def test_the_venue_list_says_its_regions_are_todays_and_when_they_change(app, client, organiser, create_user):
    from eventsite import clock
    from eventsite.events.models import LOCAL_TZ

    post(
        client,
        "/arrangoer/steder/ny",
        organisation_id=organiser,
        name="Mødecenter Næstved",
        address="Torvet 1",
        postcode="4700",
        city="Næstved",
        municipality_code="0370",
    )
    pages = {}
    for name, day in (
        ("before", datetime(2026, 12, 31, 12, 0, tzinfo=LOCAL_TZ)),
        ("after", datetime(2027, 1, 1, 12, 0, tzinfo=LOCAL_TZ)),
    ):
        with clock.travelled(day):
            browser = app.test_client()  # a login lasts hours, not months: log in on the day
            assert log_in(browser, user_email(app, create_user(organiser))).status_code == 303
            pages[name] = visible_text(browser.get("/arrangoer/steder").data)
    before, after = pages["before"], pages["after"]

    assert "Regionerne vises, som de er i dag." in before
    assert "Region i dag" in before and "Region Sjælland Fra fredag den 1. januar 2027: Region Østdanmark" in before
    assert "Region Østdanmark" in after and "Region Sjælland" not in after and "Fra fredag" not in after


def test_just_after_midnight_in_copenhagen_the_venue_list_already_shows_the_new_day(
    app, client, organiser, create_user
):
    from eventsite import clock

    post(
        client,
        "/arrangoer/steder/ny",
        organisation_id=organiser,
        name="Mødecenter Næstved",
        address="Torvet 1",
        postcode="4700",
        city="Næstved",
        municipality_code="0370",
    )
    # 23.30 UTC on New Year's Eve is 00.30 on 1 January 2027 in Copenhagen.
    with clock.travelled(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)):
        browser = app.test_client()
        assert log_in(browser, user_email(app, create_user(organiser))).status_code == 303
        text = visible_text(browser.get("/arrangoer/steder").data)
    assert "Region Østdanmark" in text and "Region Sjælland" not in text


def test_a_venue_needs_one_of_the_98_municipalities(app, client, organiser):
    response = post(
        client,
        "/arrangoer/steder/ny",
        organisation_id=organiser,
        name="Et sted",
        address="Vej 1",
        postcode="1234",
        city="By",
        municipality_code="9999",
    )
    assert response.status_code == 422
    assert count(app, Venue) == 0


def test_editing_a_venue_is_recorded(app, client, organiser):
    venue_id = make_venue(app, organiser)
    response = post(
        client,
        f"/arrangoer/steder/{venue_id}/rediger",
        organisation_id=organiser,
        name="Nyt navn",
        address="Torvet 1",
        postcode="4700",
        city="Næstved",
        municipality_code="0370",
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Venue, venue_id).name == "Nyt navn"
    assert audit_actions(app, "venue") == ["updated"]


# --- sessions: capacity, time and venue changes, cancel and delete -------------------


def edit_session(client, session_id: int, venue_id: int | None, **changes):
    return post(client, f"/arrangoer/sessioner/{session_id}/rediger", **session_form(venue_id or 0, **changes))


def session_defaults(app, session_id: int) -> dict:
    with app.app_context():
        s = db.session.get(EventSession, session_id)
        return {
            "venue_id": s.venue_id,
            "day": s.local_start.date().isoformat(),
            "start": s.local_start.strftime("%H:%M"),
            "end": s.local_end.strftime("%H:%M"),
            "capacity": "" if s.capacity is None else str(s.capacity),
        }


def queued_mail(app) -> list[str]:
    """Kinds of the emails waiting in the outbox, in order."""
    from eventsite.mail.models import OutboxMessage

    with app.app_context():
        return [
            kind.value for kind in db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars()
        ]


def statuses(app, session_id: int) -> list[str]:
    with app.app_context():
        return [
            r.status.value
            for r in db.session.execute(
                select(Registration).where(Registration.session_id == session_id).order_by(Registration.id)
            ).scalars()
        ]


def test_raising_capacity_gives_seats_to_the_waiting_list_in_order(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser, sessions=[{"capacity": 1}])
    for name in ("Første", "Anden", "Tredje", "Fjerde"):
        register_person(event.session_id, name=name)
    assert statuses(app, event.session_id) == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    values = session_defaults(app, event.session_id)
    response = edit_session(client, event.session_id, values.pop("venue_id"), **dict(values, capacity="3"))
    assert response.status_code == 303
    assert statuses(app, event.session_id) == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert "2 personer på ventelisten fik en plads" in visible_text(client.get(response.headers["Location"]).data)
    assert audit_actions(app, "registration") == ["promoted", "promoted"]
    assert queued_mail(app).count("promoted") == 2


def test_lowering_capacity_below_the_confirmed_count_is_refused_with_an_explanation(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser, sessions=[{"capacity": 5}])
    for _ in range(3):
        register_person(event.session_id)
    values = session_defaults(app, event.session_id)
    response = edit_session(client, event.session_id, values.pop("venue_id"), **dict(values, capacity="2"))
    assert response.status_code == 422
    assert "3 personer har allerede en bekræftet plads" in visible_text(response.data)
    with app.app_context():
        assert db.session.get(EventSession, event.session_id).capacity == 5
    assert audit_actions(app, "session") == []
    values["capacity"] = "3"
    assert (
        edit_session(
            client, event.session_id, session_defaults(app, event.session_id)["venue_id"], **values
        ).status_code
        == 303
    )


def test_changing_the_time_of_a_session_with_registrations_asks_for_confirmation(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser)
    register_person(event.session_id)
    register_person(event.session_id)
    values = session_defaults(app, event.session_id)
    venue_id = values.pop("venue_id")
    mail_before = queued_mail(app)
    first = edit_session(client, event.session_id, venue_id, **dict(values, start="08:00"))
    assert first.status_code == 409
    assert queued_mail(app) == mail_before, "nobody is told before the change is confirmed"
    text = visible_text(first.data)
    assert "2 personer er tilmeldt" in text
    assert 'name="confirmed" value="1"' in first.data.decode()
    with app.app_context():
        assert db.session.get(EventSession, event.session_id).sequence == 0
    confirmed = edit_session(client, event.session_id, venue_id, **dict(values, start="08:00", confirmed="1"))
    assert confirmed.status_code == 303
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        assert session.local_start.strftime("%H:%M") == "08:00"
        assert session.sequence == 1
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "session")).scalar_one()
        assert '"affected_registrations": 2' in entry.after
        assert '"sequence": 1' in entry.after
    assert queued_mail(app).count("session_changed") == 2


def test_moving_a_session_to_another_venue_needs_confirmation_too(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser)
    register_person(event.session_id)
    other = make_venue(app, organiser, "Silkeborg", "0740")
    values = session_defaults(app, event.session_id)
    values.pop("venue_id")
    assert edit_session(client, event.session_id, other, **values).status_code == 409
    assert edit_session(client, event.session_id, other, **dict(values, confirmed="1")).status_code == 303
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        assert session.venue_id == other and session.sequence == 1


def test_the_update_function_reports_what_changed(app, create_event, register_person):
    from eventsite.events.editing import ConfirmationNeeded, SessionData, update_session

    event = create_event(sessions=[{"capacity": 1}])
    register_person(event.session_id)
    register_person(event.session_id)
    with app.test_request_context(method="POST"):
        session = db.session.get(EventSession, event.session_id)
        later = SessionData(
            session.venue_id, session.starts_at + timedelta(hours=1), session.ends_at + timedelta(hours=1), 2, None
        )
        with pytest.raises(ConfirmationNeeded) as needed:
            update_session(session.id, later)
        assert needed.value.affected == 2
        db.session.rollback()
        update = update_session(session.id, later, confirmed=True)
        assert update.time_or_place_changed
        assert set(update.changes) == {"starts_at", "ends_at", "capacity"}
        assert [r.status for r in update.promoted] == [RegistrationStatus.CONFIRMED]
        db.session.rollback()


def test_a_new_meeting_link_is_a_change_people_are_told_about(app, client, organiser, create_event, register_person):
    event = create_event(organisation_id=organiser, sessions=[{"online": True, "online_url": "https://meet.example/a"}])
    register_person(event.session_id)
    values = session_defaults(app, event.session_id)
    values.pop("venue_id")
    new_link = dict(values, online_url="https://meet.example/b")
    assert edit_session(client, event.session_id, None, **new_link).status_code == 409
    assert edit_session(client, event.session_id, None, **dict(new_link, confirmed="1")).status_code == 303
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        assert (session.online_url, session.sequence) == ("https://meet.example/b", 1)
    assert queued_mail(app).count("session_changed") == 1


def test_cancelling_an_event_tells_everyone_signed_up(app, client, organiser, create_event, register_person):
    event = create_event(organisation_id=organiser, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    register_person(event.session_ids[0])
    register_person(event.session_ids[1])
    assert post(client, f"/arrangoer/arrangementer/{event.id}/aflys").status_code == 303
    assert queued_mail(app).count("session_cancelled") == 2


def test_a_session_without_registrations_changes_without_confirmation(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    values = session_defaults(app, event.session_id)
    assert (
        edit_session(client, event.session_id, values.pop("venue_id"), **dict(values, start="09:00")).status_code == 303
    )


def test_a_session_with_registrations_cannot_be_deleted_only_cancelled(
    app, client, organiser, create_event, register_person
):
    event = create_event(organisation_id=organiser, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    register_person(event.session_ids[0])
    event_page = f"/arrangoer/arrangementer/{event.id}"
    refused = post(client, f"/arrangoer/sessioner/{event.session_ids[0]}/slet", event_page)
    assert "kan ikke slettes" in visible_text(client.get(refused.headers["Location"]).data)
    assert count(app, EventSession) == 2
    assert post(client, f"/arrangoer/sessioner/{event.session_ids[1]}/slet", event_page).status_code == 303
    assert count(app, EventSession) == 1
    confirm = client.get(f"/arrangoer/sessioner/{event.session_ids[0]}/aflys")
    assert "1 person er tilmeldt" in visible_text(confirm.data)
    assert post(client, f"/arrangoer/sessioner/{event.session_ids[0]}/aflys").status_code == 303
    with app.app_context():
        session = db.session.get(EventSession, event.session_ids[0])
        assert session.is_cancelled and session.sequence == 1
        # The registration is kept, so the person can be told.
        assert db.session.execute(select(Registration.status)).scalar_one() is RegistrationStatus.CONFIRMED
    assert queued_mail(app).count("session_cancelled") == 1
    assert audit_actions(app, "session") == ["deleted", "cancelled"]
