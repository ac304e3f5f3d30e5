"""An administrator sets the organisation's brand in the browser; every page passes axe."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "admin@lederne.example"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (240, 80), (106, 27, 77)).save(out, format="PNG")
    return out.getvalue()


def test_an_administrator_brands_the_site_and_reads_the_statement(
    app, page: Page, create_organisation, create_user, create_event
):
    organisation = create_organisation(slug="lederne", name="Lederne Sjælland")
    create_user(organisation, "admin", email=EMAIL, password=PASSWORD)
    event = create_event(organisation_id=organisation, title="Temadag om trivsel")

    log_in_through_the_form(page, EMAIL, PASSWORD)
    # The back-office menu is one row that scrolls sideways on a narrow window: follow the link.
    page.locator("a.nav-link", has_text="Organisationens profil").first.evaluate("link => link.click()")
    expect(page.get_by_role("heading", name="Organisationens profil: Lederne Sjælland")).to_be_visible()

    # A colour too light for white text is refused, with the reason on the field.
    page.get_by_label("Primær farve").fill("#ffcc00")
    page.get_by_role("button", name="Gem").click()
    # The message stands at the field and, as a link to it, in the error summary at the top.
    expect(page.locator("#primary_colour-errors")).to_contain_text("Farven #ffcc00 er for lys")
    expect(page.get_by_role("link", name="Primær farve: Farven #ffcc00 er for lys", exact=False)).to_be_visible()

    page.get_by_label("Visningsnavn").fill("Lederne i Sjælland")
    page.get_by_label("Primær farve").fill("#6a1b4d")
    page.get_by_label("Logo", exact=True).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("Kontakt-e-mail").fill("kontakt@lederne.example")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Organisationens profil er gemt.")).to_be_visible()
    expect(page.get_by_role("img", name="Det nuværende logo")).to_be_visible()

    page.goto("/")
    header_logo = page.locator("header .brand-logo")
    expect(header_logo).to_be_visible()
    assert (
        page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')").strip()
        == "#6a1b4d"
    )
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(106, 27, 77)"
    )
    assert header_logo.evaluate("img => img.naturalWidth") == 240

    page.goto(f"/arrangoer/arrangementer/{event.id}/udskriv")
    expect(page.locator(".print-brand img")).to_be_visible()
    expect(page.locator(".print-brand")).to_contain_text("Lederne i Sjælland")

    page.goto("/")
    page.get_by_role("link", name="Tilgængelighedserklæring").click()
    expect(page.get_by_role("heading", name="Tilgængelighedserklæring for Lederne i Sjælland")).to_be_visible()
    expect(page.get_by_role("link", name="kontakt@lederne.example").first).to_be_visible()


def test_the_front_page_of_several_organisations_lists_them(page: Page, create_organisation, create_event):
    create_event(organisation_id=create_organisation(slug="lederne", name="Lederne Sjælland"), title="Temadag")
    create_event(organisation_id=create_organisation(slug="direktoerer", name="Kommunaldirektørerne"), title="Årsmøde")
    page.goto("/")
    expect(page.get_by_role("heading", name="Foreningerne")).to_be_visible()
    page.get_by_role("link", name="Kommunaldirektørerne").click()
    expect(page.get_by_role("heading", name="Kommende arrangementer – Kommunaldirektørerne")).to_be_visible()
    expect(page.get_by_role("link", name="Årsmøde")).to_be_visible()
    expect(page.get_by_role("link", name="Temadag")).to_have_count(0)
