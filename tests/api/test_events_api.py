"""The public JSON API: public events with counts, never personal data."""

from datetime import datetime

from eventsite.events.models import Visibility


def test_the_list_has_public_events_with_sessions_and_counts(client, create_event, register_person):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 17},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 31},
        ]
    )
    register_person(event.session_ids[0], name="Mette Hemmelig", email="mette.hemmelig@example.dk")
    create_event(title="Kun for medlemmer", visibility=Visibility.MEMBERS)
    create_event(title="Kladde", published=False)

    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    events = response.json["events"]
    assert [e["title"] for e in events] == ["Temadag for mellemledere"]
    listed = events[0]
    assert listed["id"] == event.id
    assert listed["kind"] == "temadag"
    assert set(listed["organisation"]) == {"slug", "name"}
    assert listed["url"].endswith(f"/arrangementer/{event.id}")
    naestved, silkeborg = listed["sessions"]
    assert (
        naestved["city"],
        naestved["capacity"],
        naestved["confirmed"],
        naestved["waitlisted"],
        naestved["seats_left"],
    ) == ("Næstved", 17, 1, 0, 16)
    assert silkeborg["region"] == "Region Midtjylland"
    start = datetime.fromisoformat(naestved["start"])
    assert start.utcoffset() is not None
    assert b"Hemmelig" not in response.data and b"mette.hemmelig" not in response.data


def test_one_event_by_id_and_404_for_others(client, create_event):
    event = create_event()
    members = create_event(visibility=Visibility.MEMBERS)
    assert client.get(f"/api/v1/events/{event.id}").json["id"] == event.id
    assert client.get(f"/api/v1/events/{members.id}").status_code == 404
    missing = client.get("/api/v1/events/987654")
    assert missing.status_code == 404 and missing.json == {"error": "not found"}


def test_start_and_end_carry_the_danish_offset_in_summer_and_winter(client, create_event):
    from datetime import timezone

    summer = datetime(2031, 6, 10, 7, 30, tzinfo=timezone.utc)
    winter = datetime(2031, 12, 10, 8, 30, tzinfo=timezone.utc)
    event = create_event(sessions=[{"start": summer}, {"start": winter}])
    sessions = client.get(f"/api/v1/events/{event.id}").json["sessions"]
    assert sessions[0]["start"] == "2031-06-10T09:30:00+02:00"
    assert sessions[1]["start"] == "2031-12-10T09:30:00+01:00"
