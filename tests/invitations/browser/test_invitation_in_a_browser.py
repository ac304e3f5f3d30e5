"""From the invitation e-mail to a registration in a real browser: one click on "Tilmeld".

Every page these tests visit is checked with axe-core (see tests/browser/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsite.events.models import Visibility
from eventsite.extensions import db
from eventsite.registration.models import Person, Registration
from tests.helpers import confirm_in_browser
from tests.invitations.conftest import invitation_tokens

pytestmark = pytest.mark.browser


def people_signed_up(app) -> list[tuple[str, str]]:
    with app.app_context():
        return db.session.execute(
            select(Person.name, Person.email)
            .join(Registration, Registration.person_id == Person.id)
            .order_by(Person.name)
        ).all()


def test_the_personal_link_signs_the_leader_up_with_one_click_and_colleagues_get_their_own(
    app, page, create_event, create_member, send_round
):
    event = create_event(
        title="Lederforum for direktører",
        visibility=Visibility.INVITATION,
        sessions=[
            {"city": "Aarhus", "municipality_code": "0751", "postcode": "8000"},
            {"city": "Næstved", "municipality_code": "0370"},
        ],
    )
    create_member(
        event.organisation_id,
        "Søren Ærø-Åkjær",
        email="soren@naestved.dk",
        job_title="Kommunaldirektør",
        workplace="Næstved Kommune",
        municipality_code="0370",
    )
    token = invitation_tokens(app, send_round(event.id))["soren@naestved.dk"]

    page.goto(f"/arrangementer/{event.id}?invitation={token}#signup-heading")
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Søren Ærø-Åkjær")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("soren@naestved.dk")
    expect(page.get_by_role("radio", name=re.compile("^Næstved"))).to_be_checked()
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tilmelding/.+/kvittering$"))
    assert people_signed_up(app) == [("Søren Ærø-Åkjær", "soren@naestved.dk")]

    page.goto(f"/arrangementer/{event.id}?invitation={token}")
    page.get_by_role("link", name="Tilmeld en kollega").click()
    expect(page.get_by_label("Navn", exact=True)).to_have_value("")
    page.get_by_role("radio", name=re.compile("^Næstved")).check()
    page.get_by_label("Navn", exact=True).fill("Mads Mellemleder")
    page.get_by_label("E-mail", exact=True).fill("mads@naestved.dk")
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    # A colleague link does not identify Mads: his place is held until he confirms (issue 13).
    confirm_in_browser(page, app, "mads@naestved.dk")
    expect(page).to_have_url(re.compile(r"/tilmelding/.+/kvittering$"))
    assert people_signed_up(app) == [("Mads Mellemleder", "mads@naestved.dk"), ("Søren Ærø-Åkjær", "soren@naestved.dk")]


def test_declining_and_unsubscribing_from_the_links_in_the_email(app, page, create_event, create_member, send_round):
    event = create_event(title="Temadag for mellemledere")
    create_member(event.organisation_id, "Åse Ørum", email="ase@x.dk")
    token = invitation_tokens(app, send_round(event.id))["ase@x.dk"]

    page.goto(f"/invitation/{token}/afbud")
    page.get_by_role("button", name="Jeg kan ikke deltage").click()
    expect(page.get_by_role("status")).to_contain_text("Tak for beskeden")

    page.goto(f"/invitation/{token}/afmeld")
    page.get_by_role("button", name="Afmeld invitationer").click()
    expect(page.get_by_role("status")).to_contain_text("Du får ikke flere invitationer")


def test_a_session_that_filled_before_the_click_is_left_for_the_free_one_with_one_button(
    app, page, create_event, create_member, send_round, register_person
):
    """The storm's case in a browser: the page showed Næstved with a seat, someone else
    took it before the click; the receipt says so and one button moves the place."""
    event = create_event(
        sessions=[
            {"city": "Aarhus", "municipality_code": "0751", "postcode": "8000", "capacity": 5},
            {"city": "Næstved", "municipality_code": "0370", "capacity": 1},
        ],
    )
    create_member(event.organisation_id, "Søren Ærø", email="soren@naestved.dk", municipality_code="0370")
    token = invitation_tokens(app, send_round(event.id))["soren@naestved.dk"]

    page.goto(f"/arrangementer/{event.id}?invitation={token}#signup-heading")
    expect(page.get_by_role("radio", name=re.compile("^Næstved"))).to_be_checked()
    register_person(event.session_ids[1])  # the last seat goes meanwhile
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    expect(page.get_by_role("heading", name="Du er på ventelisten")).to_be_visible()
    expect(page.get_by_role("heading", name="Der er ledige pladser et andet sted")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Flyt mig til Aarhus")).click()
    expect(page.get_by_text("Din tilmelding er flyttet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Der er ledige pladser et andet sted")).to_have_count(0)
    with app.app_context():
        registration = db.session.execute(
            select(Registration).join(Person).where(Person.email == "soren@naestved.dk")
        ).scalar_one()
        assert (registration.session_id, registration.status.value) == (event.session_ids[0], "confirmed")
        db.session.rollback()
