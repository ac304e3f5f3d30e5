"""Organisers set fees, day prices, days, add-ons and the subsidy budget; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsite.events.models import LOCAL_TZ
from eventsite.extensions import db
from eventsite.payments.models import AddOn, DayPriceRow, EventDay, FeeSettings, SubsidyBudget
from eventsite.payments.operations import Choices
from tests.conftest import FUTURE
from tests.helpers import csrf_token, visible_text


def post(client, event_id: int, path: str, **data):
    token = csrf_token(client.get(f"/arrangoer/arrangementer/{event_id}/betaling").data)
    return client.post(path, data={"csrf_token": token, **data})


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_organiser_sets_member_and_non_member_prices_typed_the_danish_way(app, client, create_event, login_as):
    event = create_event()
    login_as(event.organisation_id)
    response = post(
        client,
        event.id,
        f"/arrangoer/arrangementer/{event.id}/betaling/gebyr",
        member_price="1.234,50",
        non_member_price="2 133 kr.",
    )
    assert response.status_code == 303
    with app.app_context():
        fees = db.session.get(FeeSettings, event.id)
        assert (fees.member_price_ore, fees.non_member_price_ore) == (123450, 213300)
    page = visible_text(client.get(f"/arrangementer/{event.id}").data)
    assert "Deltagergebyr for medlemmer: 1.234,50 kr.; for ikke-medlemmer: 2.133,00 kr." in page


@pytest.mark.parametrize(
    "price, message",
    [
        ("-100", "En pris kan ikke være negativ."),
        ("250.000", "Prisen er for høj: højst 100.000,00 kr."),
        ("mange penge", "Skriv prisen med cifre, fx 2.133 eller 2.133,50."),
        ("", "Angiv en pris i kroner, fx 2.133 eller 2.133,50."),
    ],
)
def test_a_negative_absurd_or_missing_price_is_refused_and_nothing_saved(
    app, client, create_event, login_as, price, message
):
    event = create_event()
    login_as(event.organisation_id)
    response = post(
        client,
        event.id,
        f"/arrangoer/arrangementer/{event.id}/betaling/gebyr",
        member_price=price,
        non_member_price="100",
    )
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert count(app, FeeSettings) == 0


def test_day_prices_are_set_per_number_of_days_and_replace_an_earlier_price(app, client, create_event, login_as):
    event = create_event()
    login_as(event.organisation_id)
    url = f"/arrangoer/arrangementer/{event.id}/betaling/dagspriser"
    assert post(client, event.id, url, days="1", member_price="2.000", non_member_price="2.750").status_code == 303
    assert post(client, event.id, url, days="1", member_price="2.133", non_member_price="2.750").status_code == 303
    response = post(client, event.id, url, days="0", member_price="1", non_member_price="1")
    assert response.status_code == 422 and "Antallet af dage er mindst 1." in visible_text(response.data)
    with app.app_context():
        rows = db.session.execute(select(DayPriceRow.days, DayPriceRow.member_price_ore)).all()
    assert rows == [(1, 213300)]


def test_a_day_outside_the_event_is_refused(app, client, create_event, login_as):
    event = create_event(sessions=[{"hours": 32}])
    login_as(event.organisation_id)
    first_day = FUTURE.astimezone(LOCAL_TZ).date()
    url = f"/arrangoer/arrangementer/{event.id}/betaling/dage"
    assert post(client, event.id, url, day=first_day.isoformat(), label="Dag 1").status_code == 303
    outside = first_day + timedelta(days=5)
    response = post(client, event.id, url, day=outside.isoformat())
    assert response.status_code == 422
    assert "er ikke en af arrangementets dage: tilføj først et hold, der dækker den." in visible_text(response.data)
    response = post(client, event.id, url, day=first_day.isoformat())
    assert response.status_code == 422 and "er allerede tilføjet." in visible_text(response.data)
    assert count(app, EventDay) == 1


def test_an_add_on_cannot_get_fewer_places_than_are_taken(app, client, create_conference, register_person, login_as):
    conference = create_conference()
    workshop = conference.addons["Workshop: Svære samtaler"]
    register_person(
        conference.session_id,
        choices=Choices(True, frozenset(conference.day_ids[:1]), frozenset({workshop})),
        notify=True,
    )
    login_as(conference.organisation_id)
    page = client.get(f"/arrangoer/tilvalg/{workshop}/rediger")
    data = {
        "csrf_token": csrf_token(page.data),
        "kind": "workshop",
        "title": "Workshop: Svære samtaler",
        "price": "450",
    }
    response = client.post(f"/arrangoer/tilvalg/{workshop}/rediger", data={**data, "capacity": "0"})
    assert response.status_code == 422
    assert "1 personer har valgt dette tilvalg; der kan ikke være færre pladser." in visible_text(response.data)
    assert (
        client.post(
            f"/arrangoer/tilvalg/{workshop}/rediger", data={**data, "capacity": "1", "price": "500"}
        ).status_code
        == 303
    )
    with app.app_context():
        addon = db.session.get(AddOn, workshop)
        assert (addon.capacity, addon.price_ore) == (1, 50000)
    # Removing an add-on someone has chosen is refused.
    response = client.post(
        f"/arrangoer/tilvalg/{workshop}/slet", data={"csrf_token": data["csrf_token"]}, follow_redirects=True
    )
    assert "det kan ikke fjernes" in visible_text(response.data)
    assert count(app, AddOn) == 4


def test_a_new_add_on_with_a_negative_price_is_refused(app, client, create_event, login_as):
    event = create_event()
    login_as(event.organisation_id)
    response = post(
        client,
        event.id,
        f"/arrangoer/arrangementer/{event.id}/betaling/tilvalg",
        kind="dinner",
        title="Festmiddag",
        price="-625",
    )
    assert response.status_code == 422 and "En pris kan ikke være negativ." in visible_text(response.data)
    assert (
        post(
            client,
            event.id,
            f"/arrangoer/arrangementer/{event.id}/betaling/tilvalg",
            kind="dinner",
            title="Festmiddag",
            price="625",
            capacity="80",
        ).status_code
        == 303
    )
    with app.app_context():
        addon = db.session.execute(select(AddOn)).scalar_one()
        assert (addon.title, addon.price_ore, addon.capacity) == ("Festmiddag", 62500, 80)


def test_the_budget_cannot_shrink_below_what_is_granted(app, client, create_conference, register_person, login_as):
    from eventsite.payments.models import SubsidyRequest
    from eventsite.payments.operations import SubsidyWish
    from eventsite.payments.subsidies import decide

    conference = create_conference(budget=(2, 500000))
    register_person(
        conference.session_id,
        choices=Choices(True, frozenset(conference.day_ids), subsidy=SubsidyWish(fee=True, reason="x")),
        notify=True,
    )
    with app.test_request_context(method="POST"):
        decide(db.session.execute(select(SubsidyRequest)).scalar_one(), True, granted_ore=300000)
        db.session.commit()
    login_as(conference.organisation_id)
    url = f"/arrangoer/arrangementer/{conference.id}/betaling/tilskud"
    response = post(client, conference.id, url, places="2", amount="2.000")
    assert response.status_code == 422
    assert "er allerede bevilget; budgettet kan ikke være mindre." in visible_text(response.data)
    response = post(client, conference.id, url, places="-1", amount="5.000")
    assert response.status_code == 422 and "Antallet af pladser kan ikke være negativt." in visible_text(response.data)
    with app.app_context():
        budget = db.session.get(SubsidyBudget, conference.id)
        assert (budget.places, budget.amount_ore) == (2, 500000)


def test_the_settings_page_of_another_organisations_event_is_not_found(
    client, create_event, create_organisation, login_as
):
    event = create_event()
    login_as(create_organisation(slug="andre"))
    assert client.get(f"/arrangoer/arrangementer/{event.id}/betaling").status_code == 404
