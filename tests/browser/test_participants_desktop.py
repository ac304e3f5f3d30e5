"""An organiser works the participant list in a desktop browser: search, cancel, a seat out of turn.

Every page on the way (dashboard, lists, the registration page, print list and badges)
is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus
from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "anne@lederforeningen.example"


@pytest.fixture
def full_theme_day(create_event, register_person, create_user):
    """Næstved with 2 seats taken and two on the waiting list; an organiser account."""
    event = create_event(
        title="Temadag for mellemledere",
        sessions=[
            {"city": "Næstved", "capacity": 2},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 30},
        ],
    )
    people = {
        name: register_person(event.session_ids[0], name=name, job_title=title, municipality_code="0370").id
        for name, title in (
            ("Mette Hansen", "Teamleder"),
            ("Søren Æbelø", "Centerchef"),
            ("Åse Ørum", "Afdelingsleder"),
            ("Zacho Andersen", "Kommunaldirektør"),
        )
    }
    create_user(event.organisation_id, "organiser", email=EMAIL, password=PASSWORD, name="Anne")
    return event, people


def status_of(app, registration_id: int) -> RegistrationStatus:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


def test_an_organiser_cancels_someone_and_gives_the_seat_out_of_turn(app, page: Page, full_theme_day):
    event, people = full_theme_day
    log_in_through_the_form(page, EMAIL, PASSWORD)

    expect(page.get_by_role("heading", name="Overblik over tilmeldinger")).to_be_visible()
    figures = page.get_by_role("table", name="Tilmeldinger pr. sted til Temadag for mellemledere")
    expect(figures.get_by_role("row", name=re.compile("^I alt"))).to_contain_text("2")
    page.get_by_role("link", name="Deltagerliste").first.click()

    page.get_by_label("Søg").fill("zacho")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("cell", name=re.compile("Zacho Andersen"))).to_be_visible()
    expect(page.get_by_text("Mette Hansen")).to_have_count(0)

    page.goto(f"/arrangoer/tilmeldinger/{people['Søren Æbelø']}")
    page.get_by_label("Hold pladsen ledig").check()
    page.get_by_role("button", name="Afmeld").click()
    page.get_by_role("button", name="Ja, afmeld tilmeldingen").click()
    expect(page.get_by_role("status").filter(has_text="Tilmeldingen er afmeldt.")).to_be_visible()
    assert status_of(app, people["Åse Ørum"]) is RegistrationStatus.WAITLISTED

    page.goto(f"/arrangoer/tilmeldinger/{people['Zacho Andersen']}")
    page.get_by_role("button", name="Giv plads nu").click()
    expect(page.get_by_text("Skriv en begrundelse for, at personen springer ventelisten over.").first).to_be_visible()
    page.get_by_label("Begrundelse").fill("Oplægsholder på dagen")
    page.get_by_role("button", name="Giv plads nu").click()
    expect(page.get_by_role("status").filter(has_text="Zacho Andersen har nu en plads.")).to_be_visible()
    expect(page.get_by_text("Fik plads uden for tur: Oplægsholder på dagen")).to_be_visible()
    assert status_of(app, people["Zacho Andersen"]) is RegistrationStatus.CONFIRMED

    page.goto(f"/arrangoer/arrangementer/{event.id}/udskriv")
    expect(page.get_by_role("cell", name="Zacho Andersen")).to_be_visible()
    page.goto(f"/arrangoer/arrangementer/{event.id}/navneskilte")
    expect(page.locator(".badge")).to_have_count(2)
