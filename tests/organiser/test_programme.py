"""Programme entry: start and end within the session, a description, copying a
programme to the other sessions, and a warning when a session's time moves."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from eventsite.events.models import LOCAL_TZ, EventSession, ProgrammeItem
from eventsite.events.programme import fits, on_session_day, shift
from eventsite.extensions import db
from tests.helpers import visible_text
from tests.organiser.test_events import count, post

DAY = datetime(2026, 9, 15, tzinfo=LOCAL_TZ)


def at(hour: int, minute: int = 0, day: datetime = DAY) -> datetime:
    return day.replace(hour=hour, minute=minute)


def items(app, session_id: int) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(ProgrammeItem).where(ProgrammeItem.session_id == session_id).order_by(ProgrammeItem.starts_at)
        ).scalars()
        return [
            (i.starts_at.strftime("%H:%M"), i.ends_at.strftime("%H:%M") if i.ends_at else None, i.title) for i in rows
        ]


# --- pure arithmetic ---------------------------------------------------------------------------


def test_fits_within_a_day_and_across_midnight():
    assert fits(at(9), at(15), time(9, 0), time(9, 30))
    assert fits(at(9), at(15), time(14, 30), time(15, 0))
    assert not fits(at(9), at(15), time(8, 30), None)
    assert not fits(at(9), at(15), time(14, 30), time(15, 30))
    evening, night = at(20), at(2).replace(day=16)
    assert fits(evening, night, time(0, 30), time(1, 30))
    assert on_session_day(evening, time(0, 30)).day == 16
    assert not fits(evening, night, time(3, 0), None)


def test_shift_keeps_the_time_of_day():
    from datetime import timedelta

    assert shift(time(14, 30), timedelta(hours=1)) == time(15, 30)
    assert shift(time(23, 30), timedelta(hours=1)) == time(0, 30)
    assert shift(None, timedelta(hours=1)) is None


# --- through the back office -------------------------------------------------------------------


def test_an_item_with_an_end_and_a_description_shows_on_the_event_page(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser, sessions=[{"start": at(9).astimezone(LOCAL_TZ), "hours": 6}])
    response = post(
        client,
        f"/arrangoer/sessioner/{event.session_id}/program/ny",
        starts_at="09:30",
        ends_at="10:15",
        title="Oplæg om faglig ledelse",
        speaker="Anne Mette Dons",
        description="Med tid til spørgsmål.",
    )
    assert response.status_code == 303
    text = visible_text(client.get(f"/arrangementer/{event.id}").data)
    assert "09.30–10.15 Oplæg om faglig ledelse Med tid til spørgsmål. Anne Mette Dons" in text


def test_an_item_outside_the_session_or_ending_before_it_starts_is_refused(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser, sessions=[{"start": at(9), "hours": 6}])
    url = f"/arrangoer/sessioner/{event.session_id}/program/ny"
    cases = [
        ({"starts_at": "08:00"}, "Programpunktet skal ligge inden for holdets tid (09.00–15.00)."),
        ({"starts_at": "14:30", "ends_at": "15:30"}, "Programpunktet skal ligge inden for holdets tid (09.00–15.00)."),
        ({"starts_at": "11:00", "ends_at": "10:00"}, "Sluttidspunktet skal ligge efter starttidspunktet."),
        ({"starts_at": "11:00", "ends_at": "kl. elleve"}, "Angiv et gyldigt klokkeslæt, f.eks. 13:00."),
    ]
    for fields, message in cases:
        response = post(client, url, title="Frokost", **fields)
        assert response.status_code == 422, fields
        assert message in visible_text(response.data)
    assert count(app, ProgrammeItem) == 0


def test_a_programme_is_copied_to_the_other_sessions_with_times_following_their_start(
    app, client, organiser, create_event
):
    event = create_event(
        organisation_id=organiser,
        sessions=[
            {"city": "Næstved", "start": at(9), "hours": 6},
            {
                "city": "Silkeborg",
                "municipality_code": "0740",
                "start": at(10, day=DAY.replace(day=22)),
                "hours": 6,
                "programme": [("10:00", "Gammelt punkt")],
            },
            {"city": "Odense", "municipality_code": "0461", "start": at(10, day=DAY.replace(day=29)), "hours": 2},
        ],
    )
    naestved, silkeborg, odense = event.session_ids
    for fields in (
        {"starts_at": "09:00", "title": "Velkomst"},
        {"starts_at": "14:30", "ends_at": "15:00", "title": "Afrunding"},
    ):
        assert post(client, f"/arrangoer/sessioner/{naestved}/program/ny", **fields).status_code == 303

    response = post(client, f"/arrangoer/sessioner/{naestved}/program/kopier", f"/arrangoer/arrangementer/{event.id}")

    assert response.status_code == 303
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Programmet er kopieret til 2 andre hold" in text
    assert "“Afrunding” kan ikke være inden for Odense" in text
    assert items(app, silkeborg) == [("10:00", None, "Velkomst"), ("15:30", "16:00", "Afrunding")]
    assert items(app, odense) == [("10:00", None, "Velkomst")]
    assert items(app, naestved) == [("09:00", None, "Velkomst"), ("14:30", "15:00", "Afrunding")]


def test_moving_a_session_warns_about_items_that_now_lie_outside_it(app, client, organiser, create_event):
    from tests.organiser.test_events import make_venue, session_form

    venue = make_venue(app, organiser)
    event = create_event(
        organisation_id=organiser,
        sessions=[{"start": at(13), "hours": 2, "programme": [("13:00", "Velkomst"), ("14:30", "Afrunding")]}],
    )
    with app.app_context():
        db.session.get(EventSession, event.session_id).venue_id = venue
        db.session.commit()
    response = post(
        client,
        f"/arrangoer/sessioner/{event.session_id}/rediger",
        **session_form(venue, day="2026-09-15", start="13:00", end="14:00"),
    )
    assert response.status_code == 303
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "1 programpunkt ligger nu uden for holdets tid: 14.30 Afrunding. Ret eller slet det." in text


def test_a_venue_added_from_the_session_form_leads_back_to_it_with_the_venue_chosen(
    app, client, organiser, create_event
):
    import re

    event = create_event(organisation_id=organiser)
    form_url = f"/arrangoer/arrangementer/{event.id}/sessioner/ny"
    html = client.get(form_url).get_data(as_text=True)
    link = re.search(r'href="(/arrangoer/steder/ny\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "tilbage=" in link

    response = post(
        client,
        link,
        name="Kulturhuset Ringsted",
        address="Nørregade 1",
        postcode="4100",
        city="Ringsted",
        municipality_code="0329",
        organisation_id=organiser,
        tilbage=form_url,
    )

    assert response.status_code == 303
    back = response.headers["Location"]
    assert back.startswith(form_url + "?sted=")
    venue_id = back.rsplit("=", 1)[1]
    assert re.search(
        rf'<option selected value="{venue_id}">Kulturhuset Ringsted, Ringsted</option>',
        client.get(back).get_data(as_text=True),
    )


def test_a_return_address_elsewhere_is_ignored(app, client, organiser):
    response = post(
        client,
        "/arrangoer/steder/ny",
        name="Et sted",
        address="Vej 1",
        postcode="4100",
        city="Ringsted",
        municipality_code="0329",
        organisation_id=organiser,
        tilbage="https://example.com/arrangoer/sessioner/1/rediger",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/arrangoer/steder"
