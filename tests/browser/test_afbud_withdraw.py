"""Afbud and taking it back, in a browser: the person on their manage page, then the organiser
on the meeting's list. Driven by labels and button names; every page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from eventsite.extensions import db
from eventsite.meetings.models import AgendaItem
from tests.browser.conftest import log_in_through_the_form

pytestmark = pytest.mark.browser

ORGANISER_EMAIL = "sekretariat@lederne.example"
ORGANISER_PASSWORD = "moedeliste-paa-nettet-42"


def test_a_person_sends_and_withdraws_afbud_and_the_organiser_sees_the_list(
    app, browser_context_factory, create_event, register_person, create_user
):
    event = create_event(title="Lederforum", sessions=[{"capacity": 10}])
    with app.app_context():
        db.session.add(AgendaItem(session_id=event.session_id, position=1, title="Velkomst"))
        db.session.commit()
    anna = register_person(event.session_id, email="anna@example.dk", name="Anna Andersen")
    register_person(event.session_id, email="bo@example.dk", name="Bo Bach")
    create_user(event.organisation_id, "organiser", email=ORGANISER_EMAIL, password=ORGANISER_PASSWORD)

    page: Page = browser_context_factory().new_page()
    page.goto(f"/tilmelding/{anna.token}")
    page.get_by_label("Begrundelse (valgfri)").fill("Kursus")
    page.get_by_role("button", name="Meld afbud").click()
    expect(page.get_by_text("Dit afbud er modtaget. Tak fordi du gav besked.")).to_be_visible()
    page.get_by_role("button", name="Træk afbud tilbage").click()
    expect(page.get_by_text("Dit afbud er trukket tilbage: du har din plads igen.")).to_be_visible()
    expect(page.get_by_role("button", name="Meld afbud")).to_be_visible()

    # Bo's afbud, taken back by the organiser on the meeting's list.
    office: Page = browser_context_factory().new_page()
    log_in_through_the_form(office, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    office.goto(f"/arrangoer/sessioner/{event.session_id}/moede")
    office.get_by_role("button", name="Registrér afbud: Bo Bach").click()
    expect(office.get_by_text("Afbud fra Bo Bach er registreret.")).to_be_visible()
    office.get_by_role("button", name="Træk afbud tilbage: Bo Bach").click()
    expect(office.get_by_text("Afbuddet fra Bo Bach er trukket tilbage: personen har sin plads igen.")).to_be_visible()
