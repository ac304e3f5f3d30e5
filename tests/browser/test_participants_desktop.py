"""An organiser works the participant list in a desktop browser: search, cancel, a seat out of turn.

Every page on the way (dashboard, lists, the registration page, print list and badges)
is checked with axe-core (see conftest.py).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.browser

EMAIL = "anne@lederforeningen.example"
PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def full_theme_day(app, create_event, register_person):
    """Næstved with 2 seats taken and two on the waiting list; an organiser account."""
    from eventsite.accounts.logins import create_user
    from eventsite.accounts.models import Role

    event = create_event(
        title="Temadag for mellemledere",
        sessions=[{"city": "Næstved", "capacity": 2}, {"city": "Silkeborg", "municipality_code": "0740", "capacity": 30}],
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
    with app.test_request_context(method="POST"):
        create_user(EMAIL, PASSWORD, db.session.get(Organisation, event.organisation_id), Role.ORGANISER, name="Anne")
        db.session.commit()
    return event, people


def status_of(app, registration_id: int) -> RegistrationStatus:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


def test_an_organiser_cancels_someone_and_gives_the_seat_out_of_turn(app, page: Page, full_theme_day):
    event, people = full_theme_day
    page.goto("/arrangoer/log-ind")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()

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
