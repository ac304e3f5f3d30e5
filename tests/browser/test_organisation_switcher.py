"""An account with roles in two organisations switches between them in the header (Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in_through_the_form

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

EMAIL = "delt@lederforeningen.example"


def test_an_account_of_two_organisations_switches_and_the_event_list_follows(
    page: Page, create_organisation, create_event, create_user
):
    a = create_organisation(slug="lederne", name="Lederne Sjælland")
    b = create_organisation(slug="komdir", name="Kommunaldirektørforeningen")
    create_event(title="Temadag for mellemledere", organisation_id=a)
    create_event(title="Bestyrelsesmøde i KOMDIR", organisation_id=b)
    create_user(a, "organiser", email=EMAIL)
    create_user(b, "admin", email=EMAIL)
    log_in_through_the_form(page, EMAIL)

    page.get_by_role("link", name="Arrangementer", exact=True).click()
    expect(page.get_by_role("link", name="Temadag for mellemledere")).to_be_visible()
    expect(page.get_by_role("link", name="Bestyrelsesmøde i KOMDIR")).to_have_count(0)

    page.get_by_label("Organisation").select_option(label="Kommunaldirektørforeningen")
    page.get_by_role("button", name="Skift").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Arrangementer")
    expect(page.get_by_role("link", name="Bestyrelsesmøde i KOMDIR")).to_be_visible()
    expect(page.get_by_role("link", name="Temadag for mellemledere")).to_have_count(0)
    expect(page.get_by_label("Organisation")).to_have_value(str(b))
    # The header shows the chosen organisation's own name (its brand).
    expect(page.locator("header .brand-name")).to_have_text("Kommunaldirektørforeningen")
