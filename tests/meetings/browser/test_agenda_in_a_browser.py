"""An organiser builds a meeting's agenda and attaches a bilag in a browser, by labels and
buttons; a participant then sees it. Every page on the way is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD
from tests.meetings.conftest import pdf_bytes

pytestmark = pytest.mark.browser

EMAIL = "anne@lederforeningen.example"


def test_an_organiser_builds_an_agenda_and_a_participant_reads_it(
    app, page: Page, create_event, create_user, register_person, uploads, tmp_path
):
    event = create_event(title="Lederforum", sessions=[{"city": "Odense", "municipality_code": "0461"}])
    create_user(event.organisation_id, "organiser", email=EMAIL, password=PASSWORD, name="Anne")
    participant = register_person(event.session_id, "leder@example.dk")
    log_in_through_the_form(page, EMAIL, PASSWORD)

    page.goto(f"/arrangoer/arrangementer/{event.id}")
    page.get_by_role("link", name="Dagsorden og bilag").click()
    expect(page.get_by_role("heading", name="Dagsorden: Lederforum")).to_be_visible()

    page.get_by_role("combobox", name="Standarddagsorden").select_option("generalforsamling")
    page.get_by_role("button", name="Tilføj dens punkter").click()
    expect(page.get_by_role("status").filter(has_text="6 punkter er tilføjet.")).to_be_visible()

    page.get_by_role("link", name="Tilføj underpunkt under 3").click()
    page.get_by_label("Titel").fill("Forslag om kontingent")
    page.get_by_label("Punktets art").select_option("beslutning")
    page.get_by_label("Sagsnummer (valgfrit)").fill("S2024-702")
    page.get_by_label("Indstilling (valgfrit)").fill("Bestyrelsen indstiller, at forslaget vedtages.")
    page.get_by_role("button", name="Gem").click()
    table = page.get_by_role("table").first
    expect(table.get_by_role("row", name=re.compile(r"^3\.1 Forslag om kontingent"))).to_be_visible()

    page.get_by_role("button", name="Flyt op 6").click()
    expect(table.get_by_role("row", name=re.compile(r"^5 Eventuelt"))).to_be_visible()

    document = tmp_path / "Handlerum.pdf"
    document.write_bytes(pdf_bytes("Handlerum"))
    page.get_by_label("Titel (valgfri)").fill("Bilag 1. Handlerum – faglig ledelse")
    page.get_by_label("Hører til").select_option(label="3. Indkomne forslag")
    page.get_by_label("Fil").set_input_files(str(document))
    page.get_by_role("button", name="Vedhæft filen").click()
    expect(page.get_by_role("status").filter(has_text="er vedhæftet")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Bilag 1. Handlerum – faglig ledelse")).to_be_visible()

    page.goto(f"/tilmelding/{participant.token}")
    expect(page.get_by_role("heading", name="Dagsorden")).to_be_visible()
    expect(page.get_by_text("3.1. Forslag om kontingent")).to_be_visible()
    expect(page.get_by_role("link", name="Bilag 1. Handlerum – faglig ledelse")).to_be_visible()
