"""Downloads, public feeds and the personal feed, parsed back with icalendar."""

from __future__ import annotations

import re
from datetime import timedelta, timezone

import icalendar
import pytest

from eventsite.clock import utcnow
from eventsite.events.models import EventKind, EventSession, Visibility
from eventsite.extensions import db
from tests.helpers import sign_up, visible_text

UTC = timezone.utc
SECRET_LINK = "https://meet.example/hemmeligt-rum-4711"


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def uids(calendar: icalendar.Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def session_row(app, session_id: int) -> EventSession:
    with app.app_context():
        session = db.session.get(EventSession, session_id)
        db.session.expunge(session)
        return session


@pytest.fixture
def organisation(create_organisation):
    return create_organisation(slug="lederne", name="Lederne Sjælland")


def test_an_organisations_feed_lists_only_its_published_public_sessions(
    app, client, organisation, create_event, create_organisation
):
    public = create_event(
        organisation_id=organisation, sessions=[{"city": "Næstved"}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    create_event(organisation_id=organisation, title="Kun for medlemmer", visibility=Visibility.MEMBERS)
    create_event(organisation_id=organisation, title="Kladde", published=False)
    create_event(organisation_id=create_organisation(slug="andre"), title="En anden forenings dag")

    calendar = parse(client.get("/kalender/lederne.ics"))

    assert uids(calendar) == {f"session-{sid}@localhost" for sid in public.session_ids}
    assert str(calendar["X-WR-CALNAME"]) == "Lederne Sjælland"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert "METHOD" not in calendar
    for sid, event in zip(public.session_ids, sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))):
        stored = session_row(app, sid)
        assert event.decoded("dtstart").astimezone(UTC) == stored.starts_at
        assert event.decoded("dtend").astimezone(UTC) == stored.ends_at
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event.decoded("sequence") == 0
        assert str(event["URL"]) == f"http://localhost/arrangementer/{public.id}"
        assert "Torvet 1" in str(event["LOCATION"])
        assert str(event["ORGANIZER"]) == "mailto:lederne@example.org"


def test_the_site_feed_lists_every_organisations_public_sessions(client, create_event, create_organisation):
    first = create_event(organisation_id=create_organisation(slug="en"))
    second = create_event(organisation_id=create_organisation(slug="to"))
    calendar = parse(client.get("/kalender.ics"))
    assert uids(calendar) == {f"session-{first.session_id}@localhost", f"session-{second.session_id}@localhost"}


def test_an_unknown_organisation_is_a_404(client):
    assert client.get("/kalender/findes-ikke.ics").status_code == 404


def test_the_feed_filters_by_kind_and_region(app, client, organisation, create_event):
    theme_day = create_event(
        organisation_id=organisation, sessions=[{"city": "Næstved"}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    webinar = create_event(
        organisation_id=organisation, title="Webinar", kind=EventKind.WEBINAR, sessions=[{"online": True}]
    )

    webinars = parse(client.get("/kalender/lederne.ics?type=webinar"))
    midtjylland = parse(client.get("/kalender/lederne.ics", query_string={"region": "Region Midtjylland"}))
    both = parse(client.get("/kalender/lederne.ics?type=temadag&type=webinar"))

    assert uids(webinars) == {f"session-{webinar.session_id}@localhost"}
    assert uids(midtjylland) == {f"session-{theme_day.session_ids[1]}@localhost"}
    assert len(uids(both)) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"type": "banan"},
        {"region": "Atlantis"},
        {"type": "x" * 5000},
        {"region": "Region Midtjylland" * 300},
        {"type": "temadag", "region": "'; DROP TABLE events; --"},
        {"region": "\x00\u202e"},
    ],
)
def test_nonsense_filters_give_an_empty_feed_not_an_error(client, organisation, create_event, query):
    create_event(organisation_id=organisation)
    calendar = parse(client.get("/kalender/lederne.ics", query_string=query))
    assert calendar.walk("VEVENT") == []


def test_an_unchanged_feed_answers_304_to_etag_and_date_and_changes_after_an_edit(
    app, client, organisation, create_event
):
    event = create_event(organisation_id=organisation)
    first = client.get("/kalender/lederne.ics")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = client.get("/kalender/lederne.ics", headers={"If-None-Match": etag})
    by_date = client.get("/kalender/lederne.ics", headers={"If-Modified-Since": last_modified})
    assert by_etag.status_code == 304 and by_etag.data == b""
    assert by_date.status_code == 304
    assert by_etag.headers["ETag"] == etag

    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        session.starts_at += timedelta(hours=2)
        session.ends_at += timedelta(hours=2)
        session.sequence += 1
        db.session.commit()
        moved_start = session.starts_at

    changed = client.get("/kalender/lederne.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    (entry,) = parse(changed).walk("VEVENT")
    assert entry.decoded("sequence") == 1
    assert entry.decoded("dtstart").astimezone(UTC) == moved_start


def test_a_filtered_feed_has_its_own_etag(client, organisation, create_event):
    create_event(organisation_id=organisation)
    plain = client.get("/kalender/lederne.ics").headers["ETag"]
    filtered = client.get("/kalender/lederne.ics?type=webinar").headers["ETag"]
    assert plain != filtered


def test_a_cancelled_session_stays_in_the_feed_as_cancelled_for_a_while_then_goes(
    app, client, organisation, create_event
):
    event = create_event(
        organisation_id=organisation, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    recent, old = event.session_ids
    now = utcnow()
    with app.app_context():
        db.session.get(EventSession, recent).cancelled_at = now
        db.session.get(EventSession, recent).sequence = 1
        db.session.get(EventSession, old).cancelled_at = now - timedelta(days=app.config["CALENDAR_KEEP_DAYS"] + 2)
        db.session.commit()

    calendar = by_uid(parse(client.get("/kalender/lederne.ics")))

    assert set(calendar) == {f"session-{recent}@localhost"}
    cancelled = calendar[f"session-{recent}@localhost"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.decoded("sequence") == 1


def test_past_sessions_stay_for_the_keep_period(app, client, organisation, create_event):
    keep = app.config["CALENDAR_KEEP_DAYS"]
    now = utcnow().replace(microsecond=0)
    event = create_event(
        organisation_id=organisation,
        sessions=[{"start": now - timedelta(days=keep + 3)}, {"start": now - timedelta(days=5)}],
    )
    long_ago, recently = event.session_ids  # ordered by start
    assert uids(parse(client.get("/kalender/lederne.ics"))) == {f"session-{recently}@localhost"}


def test_downloads_per_event_and_per_session(app, client, organisation, create_event):
    event = create_event(
        organisation_id=organisation, sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    other = create_event(organisation_id=organisation)

    whole = client.get(f"/arrangementer/{event.id}/kalender.ics")
    single = client.get(f"/arrangementer/{event.id}/kalender/{event.session_ids[1]}.ics")

    assert "attachment" in whole.headers["Content-Disposition"]
    assert str(parse(whole)["METHOD"]) == "PUBLISH"
    assert uids(parse(whole)) == {f"session-{sid}@localhost" for sid in event.session_ids}
    assert uids(parse(single)) == {f"session-{event.session_ids[1]}@localhost"}
    assert client.get(f"/arrangementer/{event.id}/kalender/{other.session_id}.ics").status_code == 404
    assert client.get(f"/arrangementer/{event.id + 999}/kalender.ics").status_code == 404


def test_an_unpublished_event_has_no_download(client, organisation, create_event):
    draft = create_event(organisation_id=organisation, published=False)
    assert client.get(f"/arrangementer/{draft.id}/kalender.ics").status_code == 404


def test_the_online_link_is_never_public(app, client, organisation, create_event, register_person, personal_feed_url):
    webinar = create_event(
        organisation_id=organisation,
        title="Webinar om trivsel",
        kind=EventKind.WEBINAR,
        sessions=[{"online": True, "online_url": SECRET_LINK, "capacity": 1}],
    )
    confirmed = register_person(webinar.session_id, "forst@example.dk", notify=True).id
    waiting = register_person(webinar.session_id, "sidst@example.dk", notify=True).id

    public_places = [
        client.get(f"/arrangementer/{webinar.id}").data,
        client.get("/").data,
        client.get("/kalender/lederne.ics").data,
        client.get("/kalender.ics").data,
        client.get(f"/arrangementer/{webinar.id}/kalender.ics").data,
        client.get(f"/arrangementer/{webinar.id}/kalender/{webinar.session_id}.ics").data,
        client.get(f"/api/v1/events/{webinar.id}").data,
        client.get(personal_feed_url(waiting)).data,
    ]
    for body in public_places:
        assert SECRET_LINK.encode() not in body.replace(b"\r\n ", b"")
    assert SECRET_LINK in str(parse(client.get(personal_feed_url(confirmed))).walk("VEVENT")[0]["DESCRIPTION"])


def test_the_event_page_offers_add_to_calendar_and_a_subscription(app, client, organisation, create_event):
    event = create_event(organisation_id=organisation)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    text = visible_text(html)

    assert (
        '<link rel="alternate" type="text/calendar" title="Lederne Sjælland – arrangementer" href="http://localhost/kalender/lederne.ics">'
        in html
    )
    assert "Tilføj til kalender" in text
    assert f'href="/arrangementer/{event.id}/kalender/{event.session_id}.ics"' in html
    assert f'href="/arrangementer/{event.id}/kalender.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    assert 'href="webcal://localhost/kalender/lederne.ics"' in html
    assert "Abonnér på alle offentlige arrangementer fra Lederne Sjælland" in text


def test_pages_without_an_organisation_point_to_the_site_feed(client):
    html = client.get("/").data.decode()
    assert (
        '<link rel="alternate" type="text/calendar" title="Offentlige arrangementer" href="http://localhost/kalender.ics">'
        in html
    )


def test_the_personal_feed_lists_only_that_persons_active_registrations(
    app, client, organisation, create_event, register_person, personal_feed_url
):
    theme_day = create_event(organisation_id=organisation)
    full = create_event(organisation_id=organisation, title="Lederforum", sessions=[{"capacity": 1}])
    cancelled_event = create_event(organisation_id=organisation, title="Reception")
    mine = register_person(theme_day.session_id, "mette@example.dk", notify=True).id
    register_person(full.session_id, "en.anden@example.dk", notify=True)
    waiting = register_person(full.session_id, "mette@example.dk", notify=True).id
    given_up = register_person(cancelled_event.session_id, "mette@example.dk", notify=True).id
    someone_else = register_person(theme_day.session_id, "lars@example.dk", notify=True).id
    with app.test_request_context(method="POST"):
        from eventsite.registration import operations
        from eventsite.registration.models import Registration
        from eventsite.registration.notifications import notify_cancelled

        registration = db.session.get(Registration, given_up)
        operations.cancel(registration)
        notify_cancelled(registration)
        db.session.commit()

    response = client.get(personal_feed_url(mine))
    calendar = by_uid(parse(response))

    assert set(calendar) == {f"registration-{mine}@localhost", f"registration-{waiting}@localhost"}
    assert f"registration-{someone_else}@localhost" not in calendar
    assert str(calendar[f"registration-{mine}@localhost"]["STATUS"]) == "CONFIRMED"
    assert str(calendar[f"registration-{waiting}@localhost"]["STATUS"]) == "TENTATIVE"
    assert str(calendar[f"registration-{waiting}@localhost"]["SUMMARY"]).startswith("Venteliste: ")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert client.get(personal_feed_url(mine), headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_tampered_or_revoked_personal_feed_link_is_a_404(
    app, client, organisation, create_event, register_person, personal_feed_url
):
    event = create_event(organisation_id=organisation)
    registration_id = register_person(event.session_id, notify=True).id
    url = personal_feed_url(registration_id)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    assert client.get(f"/kalender/mine/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/kalender/mine/ikke-et-token.ics").status_code == 404
    with app.test_request_context():
        from eventsite.calendar.personal import revoke_feed_token
        from eventsite.registration.models import Registration

        revoke_feed_token(db.session.get(Registration, registration_id).person)
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_feed_request_leaves_no_autocommit_connection_behind_for_the_next_request(
    app, client, organisation, create_event
):
    """Feeds read in autocommit on PostgreSQL; a sign-up on the same pooled connection
    afterwards must be a transaction again, or its row lock would end at once."""
    event = create_event(organisation_id=organisation)
    assert client.get("/kalender/lederne.ics").status_code == 200
    with app.test_request_context(method="POST"):
        assert db.session.connection().get_isolation_level() != "AUTOCOMMIT"
        db.session.rollback()
    response = sign_up(client, event.id, session_id=event.session_id, email="efter@example.dk")
    assert response.status_code == 303


MARKDOWN = "# Program\n\nEn dag om **faglig ledelse**.\n\n- Oplæg ved [KL](https://kl.dk)\n- Workshop i *grupper*"


def test_markdown_descriptions_reach_calendars_and_calendar_links_as_plain_text(
    app, client, organisation, create_event
):
    from urllib.parse import parse_qs, urlparse

    event = create_event(organisation_id=organisation, description=MARKDOWN)
    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    links = [
        parse_qs(urlparse(href.replace("&amp;", "&")).query)
        for href in re.findall(r'href="(https://(?:calendar\.google|outlook\.live)\.com[^"]+)"', html)
    ]
    descriptions = [
        str(parse(client.get(url)).walk("VEVENT")[0]["DESCRIPTION"])
        for url in (f"/arrangementer/{event.id}/kalender.ics", "/kalender/lederne.ics", "/kalender.ics")
    ]
    descriptions += [(query.get("details") or query.get("body"))[0] for query in links]

    assert len(descriptions) == 5
    for text in descriptions:
        assert "**" not in text and "#" not in text and "*grupper*" not in text
        assert "Program\n\nEn dag om faglig ledelse.\n\n- Oplæg ved KL (https://kl.dk)\n- Workshop i grupper" in text


def test_downloaded_calendar_files_have_readable_names(client, organisation, create_event):
    from datetime import datetime

    from eventsite.events.models import LOCAL_TZ

    event = create_event(
        organisation_id=organisation,
        title="Temadag for mellemledere",
        sessions=[{"city": "Næstved", "start": datetime(2027, 5, 11, 9, 0, tzinfo=LOCAL_TZ)}],
    )
    whole = client.get(f"/arrangementer/{event.id}/kalender.ics")
    single = client.get(f"/arrangementer/{event.id}/kalender/{event.session_id}.ics")
    assert whole.headers["Content-Disposition"] == 'attachment; filename="temadag-for-mellemledere.ics"'
    assert (
        single.headers["Content-Disposition"]
        == 'attachment; filename="temadag-for-mellemledere-naestved-2027-05-11.ics"'
    )


def test_a_person_gives_their_feed_a_new_address_and_the_old_one_stops_working(
    app, client, organisation, create_event, register_person
):
    from tests.helpers import csrf_token

    event = create_event(organisation_id=organisation)
    registration = register_person(event.session_id, email="lone@example.dk")
    manage = client.get(f"/tilmelding/{registration.token}")
    assert "Min kalender: abonnér, eller giv den en ny adresse" in visible_text(manage.data)
    page = client.get(f"/tilmelding/{registration.token}/kalender")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    old = re.search(r"<code>http://localhost(/kalender/mine/[^<]+)</code>", page.get_data(as_text=True)).group(1)
    assert client.get(old).status_code == 200

    rotated = client.post(f"/tilmelding/{registration.token}/kalender", data={"csrf_token": csrf_token(page.data)})

    assert rotated.status_code == 303
    after = client.get(rotated.headers["Location"])
    assert "Din kalender har fået en ny adresse" in visible_text(after.data)
    new = re.search(r"<code>http://localhost(/kalender/mine/[^<]+)</code>", after.get_data(as_text=True)).group(1)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/tilmelding/forfalsket/kalender").status_code == 404
