"""Meeting series: a board's meetings of the year made at once, with the same venue or
virtual link and agenda template; each with its own agenda; the year's overview."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.events.models import Event, EventSession, Venue
from eventsite.extensions import db
from eventsite.meetings.models import Meeting, MeetingSeries
from tests.helpers import csrf_token, visible_text
from tests.meetings.conftest import add_item, items_of


def _venue(app, organisation_id: int) -> int:
    with app.app_context():
        venue = Venue(
            organisation_id=organisation_id,
            name="KL-huset",
            address="Weidekampsgade 10",
            postcode="2300",
            city="København S",
            municipality_code="0101",
        )
        db.session.add(venue)
        db.session.commit()
        return venue.id


def create_series(client, organisation_id: int, **fields):
    page = client.get("/arrangoer/moedeserier/ny")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.data),
        "organisation_id": str(organisation_id),
        "title": "Bestyrelsesmøde",
        "kind": "netvaerksmoede",
        "venue_id": "0",
        "online_url": "",
        "dates": "",
        "start_time": "10:00",
        "end_time": "13:00",
        "capacity": "",
        "template": "",
    }
    data.update(fields)
    return client.post("/arrangoer/moedeserier/ny", data=data)


def meetings(app) -> list[tuple[str, str | None, str | None, bool]]:
    with app.app_context():
        rows = db.session.execute(
            select(Event.title, EventSession.online_url, Event.visibility, Event.published, Meeting.series_id)
            .join(EventSession, EventSession.event_id == Event.id)
            .join(Meeting, Meeting.session_id == EventSession.id)
            .order_by(EventSession.starts_at)
        ).all()
        return [(r.title, r.online_url, r.visibility.value, r.published) for r in rows]


def test_a_board_series_with_a_virtual_link_and_the_generalforsamling_template(app, client, organiser):
    response = create_series(
        client,
        organiser,
        online_url="https://kl.zoom.us/j/123456",
        venue_id=str(_venue(app, organiser)),
        dates="12.03.2026\n11.06.2026\n2026-09-10\n10.12.2026\n11.03.2027",
        template="generalforsamling",
    )
    assert response.status_code == 303, visible_text(response.data)
    found = meetings(app)
    assert [title for title, *_ in found] == [
        "Bestyrelsesmøde 12.03.2026",
        "Bestyrelsesmøde 11.06.2026",
        "Bestyrelsesmøde 10.09.2026",
        "Bestyrelsesmøde 10.12.2026",
        "Bestyrelsesmøde 11.03.2027",
    ]
    # Closed meetings, not yet published, all with the series' link.
    assert {(url, visibility, published) for _, url, visibility, published in found} == {
        ("https://kl.zoom.us/j/123456", "invitation", False)
    }
    with app.app_context():
        series = db.session.scalars(select(MeetingSeries)).one()
        sessions = db.session.scalars(select(Meeting.session_id).where(Meeting.series_id == series.id)).all()
        series_id = series.id
    # Each meeting has its own agenda, made from the template.
    for session_id in sessions:
        assert len(items_of(app, session_id)) == 6
    add_item(client, sessions[0], "Ekstra punkt kun på første møde")
    assert len(items_of(app, sessions[0])) == 7 and len(items_of(app, sessions[1])) == 6

    # The overview shows the meetings of one year (this year by default: 2026).
    page = client.get(response.headers["Location"])
    text = visible_text(page.data)
    assert "Bestyrelsesmøde 2026" in text
    assert text.count("ikke offentliggjort") == 4
    assert "7 punkter" in text and "6 punkter" in text
    assert "marts 2027" not in text
    page = client.get(f"/arrangoer/moedeserier/{series_id}?aar=2027")
    assert "11. marts 2027" in visible_text(page.data) and "december 2026" not in visible_text(page.data)

    # One more meeting: the series' link and a copy of the latest meeting's agenda.
    page = client.get(f"/arrangoer/moedeserier/{series_id}")
    response = client.post(
        f"/arrangoer/moedeserier/{series_id}",
        data={"csrf_token": csrf_token(page.data), "day": "2027-06-10", "start_time": "10:00", "end_time": "12:00"},
    )
    assert response.status_code == 303
    assert meetings(app)[-1][:2] == ("Bestyrelsesmøde 10.06.2027", "https://kl.zoom.us/j/123456")


def test_the_virtual_link_is_shown_only_to_participants(app, client, organiser, register_person):
    create_series(client, organiser, online_url="https://kl.zoom.us/j/987", dates="01.06.2026")
    with app.app_context():
        session = db.session.scalars(select(EventSession)).one()
        session.event.published = True
        db.session.commit()
        event_id, session_id = session.event_id, session.id
    participant = register_person(session_id, "formand@example.dk")
    anyone = app.test_client()
    assert anyone.get(f"/arrangementer/{event_id}").status_code == 404  # invitation only
    assert "https://kl.zoom.us/j/987" in anyone.get(f"/tilmelding/{participant.token}").data.decode()


def test_bad_series_are_refused_with_danish_messages(app, client, organiser):
    response = create_series(client, organiser, dates="31.02.2026")
    assert response.status_code == 422 and "“31.02.2026” er ikke en dato" in visible_text(response.data)
    response = create_series(client, organiser, dates="01.06.2026")
    assert response.status_code == 422 and "Angiv et mødested eller et link til virtuelt møde." in visible_text(
        response.data
    )
    response = create_series(client, organiser, dates="01.06.2026", online_url="https://x.dk/m", end_time="09:00")
    assert response.status_code == 422 and "Mødet skal slutte, efter det begynder." in visible_text(response.data)
    response = create_series(
        client, organiser, dates="\n".join(f"{d:02d}.01.2027" for d in range(1, 27)), online_url="https://x.dk/m"
    )
    assert response.status_code == 422 and "Højst 24 datoer ad gangen." in visible_text(response.data)
    assert meetings(app) == []
    with app.app_context():
        assert db.session.scalars(select(MeetingSeries)).all() == []
