"""An organiser erases a participant and an administrator sets retention, in a desktop browser.

Every page on the way is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.privacy.models import RetentionSetting
from eventsite.registration.models import Person
from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "anne@lederforeningen.example"


def test_an_organiser_erases_a_participant_after_a_reason_and_a_second_click(
    app, page: Page, create_event, register_person, create_user
):
    event = create_event(title="Temadag for mellemledere")
    registration = register_person(event.session_id, name="Søren Æbelø", email="soeren@example.dk")
    create_user(event.organisation_id, "organiser", email=EMAIL, password=PASSWORD, name="Anne")
    log_in_through_the_form(page, EMAIL, PASSWORD)

    page.goto(f"/arrangoer/tilmeldinger/{registration.id}")
    page.get_by_role("link", name="Slet personens oplysninger …").click()
    expect(page.get_by_role("heading", name="Slet oplysningerne om Søren Æbelø?")).to_be_visible()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_text("Angiv en begrundelse for sletningen.").first).to_be_visible()
    page.get_by_label("Begrundelse for sletningen").fill("Personen har bedt om det")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_role("heading", name="Er du sikker?")).to_be_visible()
    page.get_by_role("button", name="Slet personens oplysninger").click()
    expect(page.get_by_role("status").filter(has_text="Personens oplysninger er slettet.")).to_be_visible()
    with app.app_context():
        person = db.session.execute(select(Person)).scalar_one()
        assert person.erased_at is not None and person.name == ""


def test_an_administrator_sets_the_participants_period(app, page: Page, create_organisation, create_user):
    organisation = create_organisation()
    create_user(organisation, "admin", email=EMAIL, password=PASSWORD, name="Anne")
    log_in_through_the_form(page, EMAIL, PASSWORD)

    page.goto("/arrangoer/databeskyttelse")
    expect(page.get_by_role("heading", name="Opbevaring af personoplysninger")).to_be_visible()
    page.get_by_label("Deltagere i tidligere arrangementer").fill("36")
    page.get_by_role("button", name="Gem opbevaringsperioderne").click()
    expect(page.get_by_role("status").filter(has_text="Opbevaringsperioderne er gemt.")).to_be_visible()
    expect(page.get_by_label("Deltagere i tidligere arrangementer")).to_have_value("36")
    with app.app_context():
        setting = db.session.execute(select(RetentionSetting)).scalar_one()
        assert (setting.step, setting.period) == ("participants", 36)
