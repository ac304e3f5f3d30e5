"""The list of upcoming events and the event page."""

from datetime import datetime, timedelta, timezone

import lxml.html

from eventsite.db import utcnow
from eventsite.events.models import EventKind, Visibility
from tests.helpers import visible_text


def test_upcoming_events_are_listed_with_sessions_and_seats(client, create_event, register_person):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 17},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 31},
        ]
    )
    register_person(event.session_ids[0], name="Skjult Navn")
    text = visible_text(client.get("/").data)
    assert "Temadag for mellemledere" in text
    assert "16 ledige pladser" in text and "31 ledige pladser" in text
    assert "Skjult Navn" not in text


def test_past_draft_invitation_only_and_cancelled_events_are_not_listed(client, create_event):
    create_event(title="Forbi", sessions=[{"start": utcnow() - timedelta(days=3)}])
    create_event(title="Kladde", published=False)
    create_event(title="Lukket kreds", visibility=Visibility.INVITATION)
    create_event(title="Aflyst", cancelled_at=utcnow())
    create_event(title="Synlig")
    text = visible_text(client.get("/").data)
    assert "Synlig" in text
    for hidden in ("Forbi", "Kladde", "Lukket kreds", "Aflyst"):
        assert hidden not in text


def test_the_list_filters_by_kind_and_region(client, create_event):
    create_event(title="Temadag i Næstved", sessions=[{"city": "Næstved", "municipality_code": "0370"}])
    create_event(title="Webinar om trivsel", kind=EventKind.WEBINAR, sessions=[{"online": True}])
    create_event(
        title="Lederforum i Aarhus",
        kind=EventKind.LEDERFORUM,
        sessions=[{"city": "Aarhus", "municipality_code": "0751"}],
    )

    webinars = visible_text(client.get("/?type=webinar").data)
    assert "Webinar om trivsel" in webinars and "Temadag i Næstved" not in webinars

    midt = visible_text(client.get("/?region=Region Midtjylland").data)
    assert "Lederforum i Aarhus" in midt and "Temadag i Næstved" not in midt

    nonsense = client.get("/?type=<script>&region=Atlantis")
    assert nonsense.status_code == 200
    assert "Ingen kommende arrangementer" in visible_text(nonsense.data)


def test_the_region_follows_the_2027_reform(client, create_event):
    before = datetime(2026, 12, 30, 9, tzinfo=timezone.utc)
    after = datetime(2027, 1, 5, 9, tzinfo=timezone.utc)
    if utcnow() > before:  # keep the test meaningful after the reform date
        before = after = utcnow() + timedelta(days=10)
    event = create_event(sessions=[{"start": before}, {"start": after}])
    sessions = client.get(f"/api/v1/events/{event.id}").json["sessions"]
    if before != after:
        assert [s["region"] for s in sessions] == ["Region Sjælland", "Region Østdanmark"]
    else:
        assert {s["region"] for s in sessions} == {"Region Østdanmark"}


def test_the_event_page_shows_danish_dates_programme_and_markdown(client, create_event):
    start = datetime(2031, 8, 26, 11, 0, tzinfo=timezone.utc)  # a Tuesday, 13.00 in Copenhagen
    event = create_event(
        description="**Vigtigt**: <script>alert(1)</script>",
        sessions=[{"start": start, "hours": 2, "programme": [("08:30", "Morgenmad"), ("08:45", "Velkomst")]}],
    )
    page = client.get(f"/arrangementer/{event.id}")
    text = visible_text(page.data)
    assert "tirsdag den 26. august 2031 kl. 13.00–15.00" in text
    assert "08.30 Morgenmad" in text and "08.45 Velkomst" in text
    assert b"<strong>Vigtigt</strong>" in page.data
    assert b"<script>alert(1)</script>" not in page.data


def test_each_programme_scroll_box_is_a_named_region_a_keyboard_can_reach(client, create_event):
    """The programme tables scroll sideways on a phone: their box takes focus (axe's
    scrollable-region-focusable) and names its session, so two boxes are told apart."""
    start = datetime(2031, 8, 26, 11, 0, tzinfo=timezone.utc)
    programme = [("08:30", "Morgenmad"), ("08:45", "Velkomst")]
    event = create_event(
        sessions=[
            {"city": "Næstved", "start": start, "programme": programme},
            {"city": "Aarhus", "start": start + timedelta(days=1), "programme": programme},
        ]
    )
    tree = lxml.html.fromstring(client.get(f"/arrangementer/{event.id}").data)
    boxes = tree.xpath('//table[contains(@class, "programme")]/parent::div')
    assert len(boxes) == 2
    for box in boxes:
        assert "table-scroll" in box.get("class").split()
        assert (box.get("tabindex"), box.get("role")) == ("0", "region")
    labels = [box.get("aria-label") for box in boxes]
    assert labels[0].startswith("Program for Næstved, tirsdag den 26. august 2031")
    assert labels[1].startswith("Program for Aarhus, onsdag den 27. august 2031")


def test_the_privacy_note_and_no_cpr_field(client, create_event):
    event = create_event()
    page = client.get(f"/arrangementer/{event.id}")
    text = visible_text(page.data)
    assert "Deles kun med cateringfirmaet" in text
    assert "CPR" in text and 'name="cpr' not in page.data.decode().lower()
