"""A leader signs up for a two-day conference with a workshop, paid by EAN invoice, in a real browser.

Part of eventsite.payments (issue 6). Every page is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.payments.models import Billing, PayerKind, SubsidyRequest
from eventsite.registration.models import Person, Registration
from tests.helpers import confirm_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def conference(app, create_event):
    from datetime import timedelta

    from eventsite.events.models import LOCAL_TZ
    from eventsite.payments.models import AddOn, AddOnKind, DayPriceRow, EventDay, SubsidyBudget
    from tests.conftest import FUTURE

    created = create_event(
        "Lederkonference 2027", sessions=[{"hours": 32, "city": "Odense", "municipality_code": "0461"}]
    )
    with app.app_context():
        first = FUTURE.astimezone(LOCAL_TZ).date()
        db.session.add_all(
            [
                EventDay(event_id=created.id, day=first, label="Oplæg"),
                EventDay(event_id=created.id, day=first + timedelta(days=1), label="Netværk"),
                DayPriceRow(event_id=created.id, days=1, member_price_ore=213300, non_member_price_ore=275000),
                DayPriceRow(event_id=created.id, days=2, member_price_ore=330400, non_member_price_ore=420000),
                AddOn(
                    event_id=created.id,
                    kind=AddOnKind.WORKSHOP,
                    title="Workshop: Svære samtaler",
                    price_ore=45000,
                    capacity=10,
                    position=1,
                ),
                AddOn(
                    event_id=created.id,
                    kind=AddOnKind.DOUBLE_ROOM,
                    title="Plads i delt dobbeltværelse",
                    price_ore=75000,
                    capacity=10,
                    position=2,
                ),
                SubsidyBudget(
                    event_id=created.id, places=2, amount_ore=None, description="Til medlemmer uden kursusmidler."
                ),
            ]
        )
        db.session.commit()
    return created


def test_a_leader_signs_up_for_two_days_and_a_workshop_paid_by_ean(app, page, conference):
    page.goto(f"/arrangementer/{conference.id}")
    page.get_by_label("Navn", exact=True).fill("Mette Kjær Hansen")
    page.get_by_label("E-mail", exact=True).fill("mette@naestved.dk")
    page.get_by_label("Jeg er medlem", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("Oplæg")).check()
    page.get_by_role("checkbox", name=re.compile("Netværk")).check()
    page.get_by_role("checkbox", name=re.compile("^Workshop: Svære samtaler")).check()
    page.get_by_label("Min arbejdsgiver betaler via EAN-faktura").check()
    page.get_by_label("EAN-nummer (13 cifre)").fill("5798 0004 16605")  # wrong check digit
    page.get_by_label("Betalende organisation").fill("Næstved Kommune")
    page.get_by_label("Personreference").fill("MKH01")
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text("Ret venligst de markerede felter nedenfor.")
    expect(page.get_by_label("EAN-nummer (13 cifre)")).to_have_accessible_description(
        re.compile("kontrolcifferet \\(det sidste ciffer\\) passer ikke")
    )
    with app.app_context():
        assert db.session.execute(select(Person)).first() is None
    # What was ticked is still ticked; only the number needs correcting.
    expect(page.get_by_role("checkbox", name=re.compile("^Workshop: Svære samtaler"))).to_be_checked()
    page.get_by_label("EAN-nummer (13 cifre)").fill("5798 0004 16604")
    # The live total, so the form goes straight through (no review page: eventsite.registration.review).
    expect(page.locator("#total-price")).to_have_text(re.compile("Pris i alt: 3.754,00"))
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    confirm_in_browser(page, app, "mette@naestved.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    lines = page.get_by_role("table")
    expect(lines).to_contain_text("Deltagergebyr, 2 dage, medlem")
    expect(lines).to_contain_text("3.754,00\u00a0kr.")
    expect(page.get_by_text("EAN-faktura til Næstved Kommune, EAN 5798000416604")).to_be_visible()
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        billing = db.session.get(Billing, registration.id)
        assert billing.payer_kind is PayerKind.EAN and billing.ean == "5798000416604"


def test_a_leader_applies_for_a_subsidised_place_in_a_shared_double_room(app, page, conference):
    page.goto(f"/arrangementer/{conference.id}")
    page.get_by_label("Navn", exact=True).fill("Birgitte Lund")
    page.get_by_label("E-mail", exact=True).fill("birgitte@aabyhoej.dk")
    page.get_by_label("Jeg er medlem", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("Oplæg")).check()
    page.get_by_role("checkbox", name=re.compile("^Plads i delt dobbeltværelse")).check()
    page.get_by_label("Jeg vil gerne dele værelse med (valgfrit)").fill("Fatima El-Sayed")
    page.get_by_label("Jeg søger om tilskud til deltagelse").check()
    page.get_by_label("Deltagergebyret").check()
    page.get_by_label("Indkvartering, fx en plads i delt dobbeltværelse").check()
    page.get_by_label("Kort begrundelse").fill("Selvejende institution uden midler til efteruddannelse.")
    expect(page.locator("#total-price")).to_have_text(re.compile("Pris i alt: 2.883,00"))
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    confirm_in_browser(page, app, "birgitte@aabyhoej.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    expect(page.get_by_text("Du vil gerne dele værelse med: Fatima El-Sayed")).to_be_visible()
    expect(page.get_by_text("Status: Afventer afgørelse")).to_be_visible()
    with app.app_context():
        request = db.session.execute(select(SubsidyRequest)).scalar_one()
        assert request.wants_fee and request.wants_accommodation and not request.wants_transport


def test_without_javascript_a_paid_sign_up_is_reviewed_corrected_and_confirmed(
    app, browser_context_factory, conference
):
    page = browser_context_factory(java_script_enabled=False).new_page()
    page.goto(f"/arrangementer/{conference.id}")
    page.get_by_label("Navn", exact=True).fill("Mette Kjær Hansen")
    page.get_by_label("E-mail", exact=True).fill("mette@naestved.dk")
    page.get_by_label("Jeg er medlem", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("Oplæg")).check()
    page.get_by_role("checkbox", name=re.compile("Netværk")).check()
    page.get_by_role("checkbox", name=re.compile("^Workshop: Svære samtaler")).check()
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    # Without the live total, the total is shown before anything is saved.
    expect(page.get_by_role("heading", level=1)).to_have_text("Gennemse og bekræft")
    expect(page.get_by_role("table")).to_contain_text("Workshop: Svære samtaler")
    expect(page.get_by_role("row", name=re.compile("^I alt"))).to_contain_text("3.754,00\u00a0kr.")
    with app.app_context():
        assert db.session.execute(select(Person)).first() is None

    # "Ret": the form again, as filled in; the workshop is dropped.
    page.get_by_role("button", name="Ret", exact=True).click()
    workshop = page.get_by_role("checkbox", name=re.compile("^Workshop: Svære samtaler"))
    expect(workshop).to_be_checked()
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Mette Kjær Hansen")
    workshop.uncheck()
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gennemse og bekræft")
    expect(page.get_by_role("row", name=re.compile("^I alt"))).to_contain_text("3.304,00\u00a0kr.")
    expect(page.get_by_role("table")).not_to_contain_text("Workshop")
    page.get_by_role("button", name="Bekræft tilmelding").click()
    confirm_in_browser(page, app, "mette@naestved.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    expect(page.get_by_role("table")).to_contain_text("3.304,00\u00a0kr.")
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        billing = db.session.get(Billing, registration.id)
        assert billing.payer_kind is PayerKind.PERSON and billing.fee_ore == 330400
