"""Kept VEVENTs (eventsite.calendar.cache): a feed from the cache is the feed built anew,
and every change to what a VEVENT shows reaches the next request."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsite.calendar import cache
from eventsite.calendar.cache import EventCache, event_cache
from eventsite.calendar.entries import PublicSession, public_entries
from eventsite.calendar.feeds import FeedFilter, public_sessions
from eventsite.calendar.ical import (
    CANCELLED,
    REQUEST,
    CalendarEntry,
    Party,
    build_calendar,
    calendar,
    join_calendar,
    serialize_event,
    serialize_events,
)
from eventsite.clock import utcnow
from eventsite.events.editing import VenueData, update_venue
from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
from eventsite.extensions import db

FEED = "/kalender/lederne.ics"
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def organisation(create_organisation):
    return create_organisation(slug="lederne", name="Lederne Sjælland")


def only_event(response) -> icalendar.Event:
    assert response.status_code == 200, response.data[:300]
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    return event


def change(app, model, row_id: int, **values) -> None:
    """Change a row the way an edit would, outside any request."""
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def venue_id(app, session_id: int) -> int:
    with app.app_context():
        return db.session.get(EventSession, session_id).venue_id


# --- the cache is invisible ---------------------------------------------------------


def test_a_feed_from_kept_vevents_is_byte_for_byte_the_feed_built_anew(app, client, organisation, create_event):
    create_event(organisation_id=organisation, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    create_event(organisation_id=organisation, title="Webinar", kind=EventKind.WEBINAR, sessions=[{"online": True}])
    cache.clear(app)

    cold = client.get(FEED).data
    assert len(event_cache(app)) == 3
    warm = client.get(FEED).data

    with app.test_request_context():
        rows = public_sessions(organisation, FeedFilter(), utcnow())
        built = build_calendar(public_entries(rows), name="Lederne Sjælland", refresh=timedelta(hours=1))
    assert cold == warm == built


def test_a_cold_feed_is_the_warm_feed_and_what_icalendar_itself_writes(app, client, organisation, create_event):
    long = "Et fagligt indhold for mellemledere, med oplæg, gruppearbejde og netværk; æøå \\ ^ – " * 4
    create_event(organisation_id=organisation, description=long, sessions=[{}, {"city": "Silkeborg"}])
    create_event(organisation_id=organisation, title="Webinar " + long[:150], kind=EventKind.WEBINAR, sessions=[{}])
    cache.clear(app)

    cold = client.get(FEED).data
    warm = client.get(FEED).data

    with app.test_request_context():
        rows = public_sessions(organisation, FeedFilter(), utcnow())
        whole = calendar(public_entries(rows), name="Lederne Sjælland", refresh=timedelta(hours=1))
    assert cold == warm == whole.to_ical()  # icalendar's own writing, without `ical._ical`


def test_a_warm_feed_writes_no_vevent_again(app, client, organisation, create_event, monkeypatch):
    create_event(organisation_id=organisation, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    client.get(FEED)
    written = []
    monkeypatch.setattr(cache, "serialize_events", lambda entries: written.extend(entries) or serialize_events(entries))

    client.get(FEED)
    assert written == []

    client.get("/kalender.ics")  # the site feed shows the same VEVENTs
    assert written == []


# --- every change reaches the next request -------------------------------------------------


def test_moving_or_cancelling_a_session_makes_its_vevent_anew(app, client, organisation, create_event):
    event = create_event(organisation_id=organisation)
    before = only_event(client.get(FEED))
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        session.starts_at += timedelta(hours=2)
        session.ends_at += timedelta(hours=2)
        session.sequence += 1
        db.session.commit()
        moved = session.starts_at

    after = only_event(client.get(FEED))
    assert after.decoded("dtstart").astimezone(timezone.utc) == moved != before.decoded("dtstart")
    assert after.decoded("sequence") == 1

    change(app, EventSession, event.session_id, cancelled_at=utcnow(), sequence=2)
    cancelled = only_event(client.get(FEED))
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Aflyst: ")


def test_editing_the_event_reaches_every_session(app, client, organisation, create_event):
    event = create_event(
        organisation_id=organisation, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    client.get(FEED)
    change(
        app,
        Event,
        event.id,
        title="Ny titel",
        description="Nyt **indhold**",
        target_group="ledere",
        kind=EventKind.LEDERFORUM,
    )

    events = icalendar.Calendar.from_ical(client.get(FEED).data).walk("VEVENT")
    assert len(events) == 2
    for vevent in events:
        assert str(vevent["SUMMARY"]).startswith("Ny titel – ")
        assert "Nyt indhold" in str(vevent["DESCRIPTION"]) and "For ledere" in str(vevent["DESCRIPTION"])
        assert vevent["CATEGORIES"].cats == ["Lederforum"]


def test_a_renamed_venue_reaches_the_feed_though_no_session_changed(app, client, organisation, create_event):
    """A venue has no change stamp of its own (nor does the feed's ETag see it): the kept
    VEVENT must still not outlive the name and address it shows."""
    event = create_event(organisation_id=organisation)
    assert "Mødecenter Næstved" in str(only_event(client.get(FEED))["LOCATION"])

    change(
        app,
        Venue,
        venue_id(app, event.session_id),
        name="Hotel Kongen",
        address="Kongevej 2",
        city="Ringsted",
        postcode="4100",
    )

    vevent = only_event(client.get(FEED))
    assert str(vevent["LOCATION"]) == "Hotel Kongen, Kongevej 2, 4100 Ringsted"
    assert str(vevent["SUMMARY"]).endswith(" – Ringsted")


def test_a_renamed_organisation_or_a_new_sender_reaches_the_feed(app, client, organisation, create_event):
    create_event(organisation_id=organisation)
    client.get(FEED)

    change(app, Organisation, organisation, name="Lederne Øst", sender_email="ost@example.org")
    response = client.get(FEED)
    vevent = only_event(response)
    assert vevent["ORGANIZER"].params["CN"] == "Lederne Øst"
    assert str(vevent["ORGANIZER"]) == "mailto:ost@example.org"
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == "Lederne Øst"

    change(app, Organisation, organisation, sender_email=None)
    assert str(only_event(client.get(FEED))["ORGANIZER"]) == f"mailto:{app.config['MAIL_DEFAULT_SENDER']}"


def test_settings_in_a_vevent_are_part_of_what_it_is_kept_with(app, client, organisation, create_event, monkeypatch):
    event = create_event(organisation_id=organisation)
    change(app, Organisation, organisation, sender_email=None)
    client.get(FEED)

    monkeypatch.setitem(app.config, "BASE_URL", "https://kalender.example")
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "noreply@kalender.example")
    vevent = only_event(client.get(FEED))

    assert str(vevent["UID"]) == f"session-{event.session_id}@kalender.example"
    assert str(vevent["URL"]) == f"https://kalender.example/arrangementer/{event.id}"
    assert str(vevent["ORGANIZER"]) == "mailto:noreply@kalender.example"


# --- bounded -----------------------------------------------------------------------


def row(session_id: int, title: str = "Temadag") -> PublicSession:
    start = datetime(2026, 6, 1, 7, tzinfo=timezone.utc)
    return PublicSession(
        session_id,
        start,
        start + timedelta(hours=6),
        0,
        None,
        start,
        1,
        title,
        EventKind.TEMADAG,
        "",
        "",
        start,
        None,
        "Lederne",
        None,
        "Mødecenter",
        "Torvet 1",
        "4700",
        "Næstved",
        "0370",
    )


CONTEXT = ("https://eventsite.example", "eventsite@localhost", "da", "")


def test_the_cache_holds_at_most_its_size_and_drops_the_least_recently_used():
    kept = EventCache(max_entries=3)
    kept.store(CONTEXT, [(row(1), b"1"), (row(2), b"2"), (row(3), b"3")])
    assert kept.lookup(CONTEXT, [row(1)]) == [b"1"]  # 1 is now the most recently used

    kept.store(CONTEXT, [(row(4), b"4")])

    assert len(kept) == 3
    assert kept.lookup(CONTEXT, [row(1), row(2), row(3), row(4)]) == [b"1", None, b"3", b"4"]


def test_a_session_keeps_one_vevent_per_context_and_a_changed_row_misses():
    kept = EventCache()
    kept.store(CONTEXT, [(row(1), b"old")])
    kept.store(CONTEXT, [(row(1, "Ny titel"), b"new")])

    assert len(kept) == 1
    assert kept.lookup(CONTEXT, [row(1)]) == [None]
    assert kept.lookup(CONTEXT, [row(1, "Ny titel")]) == [b"new"]
    assert kept.lookup(("https://andet.example", *CONTEXT[1:]), [row(1, "Ny titel")]) == [None]


# --- join_calendar is build_calendar ------------------------------------------------

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)


@settings(max_examples=60, deadline=None)
@given(
    summary=text,
    description=text,
    location=text,
    name=text,
    email=text,
    calendar_name=text,
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    cancelled=st.booleans(),
)
def test_kept_vevents_joined_give_the_bytes_of_the_calendar_built_at_once(
    summary,
    description,
    location,
    name,
    email,
    calendar_name,
    minutes,
    cancelled,
):
    start = datetime(2026, 3, 1, 8, tzinfo=CPH).astimezone(timezone.utc) + timedelta(minutes=minutes)
    entries = [
        CalendarEntry(
            uid=f"registration-{number}@eventsite.example",
            sequence=number,
            summary=summary,
            starts_at=start,
            ends_at=start + timedelta(hours=number),
            stamp=start,
            status=CANCELLED if cancelled else "CONFIRMED",
            location=location,
            description=description,
            url="https://eventsite.example/arrangementer/1",
            organizer=Party(name, email),
            attendee=Party(name, email),
            last_modified=start,
            categories=summary,
        )
        for number in (1, 2)
    ]
    for options in ({}, {"method": REQUEST}, {"name": calendar_name or None, "refresh": timedelta(hours=1)}):
        built = build_calendar(entries, **options)
        assert join_calendar([serialize_event(entry) for entry in entries], **options) == built
        assert len(icalendar.Calendar.from_ical(built).walk("VEVENT")) == 2


def test_an_edited_venue_changes_the_feeds_etag_so_subscribers_get_the_new_place(
    app, client, organisation, create_event
):
    """Editing a venue moves its sessions' change stamp: no 304 with the old location."""
    event = create_event(organisation_id=organisation)
    first = client.get(FEED)
    etag = first.headers["ETag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304

    with app.test_request_context():
        venue = db.session.get(Venue, venue_id(app, event.session_id))
        update_venue(venue, VenueData("Hotel Kongen", "Kongevej 2", "4100", "Ringsted", "0329"))
        db.session.commit()

    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert str(only_event(response)["LOCATION"]) == "Hotel Kongen, Kongevej 2, 4100 Ringsted"


@pytest.mark.parametrize("feed", [FEED, "/kalender.ics"])
def test_a_renamed_organisation_changes_the_feeds_etag_so_subscribers_get_the_new_organizer(
    app, client, organisation, create_event, feed
):
    """The ORGANIZER of every entry is the organisation's name and sender address: a
    rename or a new address is news, for its own feed and for the site-wide one."""
    create_event(organisation_id=organisation)
    etag = client.get(feed).headers["ETag"]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304

    with app.app_context():
        db.session.get(Organisation, organisation).name = "Lederne Øst"
        db.session.commit()
    renamed = client.get(feed, headers={"If-None-Match": etag})
    assert renamed.status_code == 200
    assert only_event(renamed)["ORGANIZER"].params["CN"] == "Lederne Øst"

    with app.app_context():
        db.session.get(Organisation, organisation).sender_email = "oest@lederne.dk"
        db.session.commit()
    readdressed = client.get(feed, headers={"If-None-Match": renamed.headers["ETag"]})
    assert readdressed.status_code == 200
    assert str(only_event(readdressed)["ORGANIZER"]) == "mailto:oest@lederne.dk"
