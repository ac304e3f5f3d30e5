"""An organiser imports members, builds an audience and sends a round, in a desktop browser.

Every back-office page on the way is checked with axe-core (see tests/browser/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.invitations.models import Invitation, Member
from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD
from tests.invitations.conftest import csv_bytes

pytestmark = pytest.mark.browser

EMAIL = "anne@lederforeningen.example"


@pytest.fixture
def theme_day(create_event, create_user):
    """An event, and an organiser account of its organisation."""
    event = create_event(title="Temadag for mellemledere")
    create_user(event.organisation_id, "organiser", email=EMAIL, password=PASSWORD, name="Anne")
    return event


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_import_then_invite_middle_managers_in_a_region(app, page: Page, theme_day, tmp_path, smtp, deliver):
    event = theme_day
    log_in_through_the_form(page, EMAIL, PASSWORD)

    page.get_by_role("link", name="Medlemsliste").first.click()
    page.get_by_role("link", name="Importér medlemmer fra en fil").click()
    path = tmp_path / "medlemmer.csv"
    path.write_bytes(
        csv_bytes(
            "Søren Ærø;soren@x.dk;1;Afdelingsleder;mellemleder;Næstved Kommune;Næstved;;Kreds Syd",
            "Åse Ørum;ase@x.dk;2;Direktør;direktør;Køge Kommune;Køge;;",
            "Jens Jylland;jens@x.dk;3;Leder;mellemleder;Aarhus Kommune;Aarhus;;",
            "Bo Berg;bo(at)x.dk;4;Leder;mellemleder;;Næstved;;",
            encoding="cp1252",
        )
    )
    page.get_by_label(re.compile("^Medlemsfil")).set_input_files(str(path))
    page.get_by_role("button", name="Kontrollér filen").click()
    expect(page.get_by_role("cell", name="“bo(at)x.dk” er ikke en gyldig e-mailadresse.")).to_be_visible()
    page.get_by_label("Importér kun de gyldige rækker").check()
    page.get_by_role("button", name="Importér", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("3 nye")
    assert count(app, Member) == 3

    page.goto(f"/arrangoer/arrangementer/{event.id}/invitationer/ny")
    page.get_by_label("Region").select_option("Region Sjælland")
    page.get_by_label("Ledelsesniveau").select_option("mellemleder")
    page.get_by_role("button", name="Vis, hvem der kommer med").click()
    expect(page.get_by_role("heading", name="1 modtager")).to_be_visible()
    expect(page.get_by_role("cell", name="Søren Ærø", exact=True)).to_be_visible()
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_role("status").filter(has_text="e-mails")).to_have_text("0 af 1 e-mails behandlet; 1 venter.")
    assert count(app, Invitation) == 1
    deliver()
    # The page polls the figures and updates itself.
    expect(page.get_by_role("status").filter(has_text="e-mails")).to_have_text("Alle 1 e-mails er behandlet.")
    assert [r.rcpt_tos for r in smtp.received] == [["soren@x.dk"]]

    page.get_by_role("link", name="Alle invitationer til arrangementet").click()
    expect(page.get_by_role("cell", name="Søren Ærø", exact=True)).to_be_visible()
