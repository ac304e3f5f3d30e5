"""A leader signs up, cancels and moves in a real browser, by labels, roles and keys.

Every page these tests visit is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.registration.models import Person, Registration, RegistrationStatus
from tests.helpers import confirm_in_browser

pytestmark = pytest.mark.browser

# Two Tuesdays in May 2031, summer time (UTC+2): 09.00–15.00 and 10.00–16.00 local.
NAESTVED_START = datetime(2031, 5, 13, 7, 0, tzinfo=timezone.utc)
SILKEBORG_START = datetime(2031, 5, 20, 8, 0, tzinfo=timezone.utc)
NAESTVED = "Næstved, tirsdag den 13. maj 2031 kl. 09.00–15.00"
SILKEBORG = "Silkeborg, tirsdag den 20. maj 2031 kl. 10.00–16.00"
TITLE = "Temadag for mellemledere"


@pytest.fixture
def theme_day(create_event):
    """The same theme day in Næstved (17 seats) and Silkeborg (31 seats)."""
    return create_event(
        title=TITLE,
        description="Om at lede ledere – med oplæg og gruppearbejde.",
        target_group="mellemledere",
        sessions=[
            {
                "city": "Næstved",
                "capacity": 17,
                "start": NAESTVED_START,
                "programme": [("08:30", "Morgenmad"), ("08:45", "Velkomst")],
            },
            {
                "city": "Silkeborg",
                "municipality_code": "0740",
                "postcode": "8600",
                "capacity": 31,
                "start": SILKEBORG_START,
            },
        ],
    )


def registration_of(app, email: str) -> Registration:
    with app.app_context():
        registration = db.session.execute(select(Registration).join(Person).where(Person.email == email)).scalar_one()
        db.session.expunge(registration)
        return registration


def venue(page: Page, label: str):
    return page.get_by_role("radio", name=re.compile("^" + re.escape(label)))


def sign_up_as(page: Page, place: str, name: str, email: str) -> None:
    venue(page, place).check()
    page.get_by_label("Navn", exact=True).fill(name)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_role("button", name="Tilmeld", exact=True).click()


def test_a_leader_signs_up_from_the_front_page_and_cancels_with_the_personal_link(app, page, theme_day):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommende arrangementer")
    page.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(venue(page, NAESTVED)).to_be_visible()
    expect(venue(page, SILKEBORG)).to_have_accessible_name(f"{SILKEBORG} – 31 ledige pladser")
    sign_up_as(page, SILKEBORG, "Lars Østergaard", "lars@silkeborg.dk")
    confirm_in_browser(page, app, "lars@silkeborg.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    expect(page.get_by_role("status")).to_have_text("Din plads er bekræftet.")
    expect(page.get_by_text("Mødecenter Silkeborg")).to_be_visible()
    registration = registration_of(app, "lars@silkeborg.dk")
    assert registration.session_id == theme_day.session_ids[1]
    assert registration.status is RegistrationStatus.CONFIRMED

    page.get_by_role("link", name=re.compile(r"\/tilmelding\/")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din tilmelding")
    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vil du afmelde dig?")
    page.get_by_role("button", name="Ja, afmeld mig").click()

    expect(page.get_by_role("status")).to_have_text("Din tilmelding er afmeldt.")
    expect(page.get_by_role("button", name="Afmeld")).to_have_count(0)
    assert registration_of(app, "lars@silkeborg.dk").status is RegistrationStatus.CANCELLED


def test_a_leader_at_a_full_venue_sees_the_waiting_list_number(app, page, create_event, register_person):
    event = create_event(title=TITLE, sessions=[{"city": "Næstved", "capacity": 1, "start": NAESTVED_START}])
    register_person(event.session_id)
    register_person(event.session_id)

    page.goto(f"/arrangementer/{event.id}")
    expect(page.get_by_text("Fuldt – venteliste").first).to_be_visible()
    # The only venue is chosen already; the leader just fills in who they are.
    expect(venue(page, NAESTVED)).to_be_checked()
    page.get_by_label("Navn", exact=True).fill("Mette Hansen")
    page.get_by_label("E-mail", exact=True).fill("mette@naestved.dk")
    # The button says what will happen.
    expect(page.get_by_role("button", name="Tilmeld", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Skriv mig på venteliste").click()
    confirm_in_browser(page, app, "mette@naestved.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er på ventelisten")
    expect(page.get_by_role("status")).to_contain_text("nummer 2 på ventelisten")
    assert registration_of(app, "mette@naestved.dk").status is RegistrationStatus.WAITLISTED


def test_a_leader_moves_to_another_venue_with_the_personal_link(app, page, theme_day, register_person):
    signed_up = register_person(theme_day.session_ids[0], email="anne@herlev.dk", name="Anne Holm")

    page.goto(f"/tilmelding/{signed_up.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Din tilmelding")
    expect(page.get_by_text("Mødecenter Næstved")).to_be_visible()
    page.get_by_role("button", name="Flyt min tilmelding").click()  # forgot to choose
    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text("Ret venligst de markerede felter nedenfor.")
    expect(page.get_by_role("group", name="Flyt til")).to_have_accessible_description("Vælg et sted og en dato.")
    venue(page, SILKEBORG).check()
    page.get_by_role("button", name="Flyt min tilmelding").click()

    expect(page.get_by_role("status")).to_have_text("Din tilmelding er flyttet.")
    expect(page.get_by_text("Mødecenter Silkeborg")).to_be_visible()
    expect(venue(page, NAESTVED)).to_be_visible()  # now the place to move back to
    registration = registration_of(app, "anne@herlev.dk")
    assert registration.session_id == theme_day.session_ids[1]
    assert registration.status is RegistrationStatus.CONFIRMED


def two_venues(create_event, naestved_seats: int, silkeborg_seats: int):
    return create_event(
        title=TITLE,
        sessions=[
            {"city": "Næstved", "capacity": naestved_seats, "start": NAESTVED_START},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": silkeborg_seats, "start": SILKEBORG_START},
        ],
    )


def test_the_button_follows_the_chosen_venue_between_seat_and_waiting_list(app, page, create_event, register_person):
    event = two_venues(create_event, 1, 31)
    register_person(event.session_ids[0])

    page.goto(f"/arrangementer/{event.id}")
    venue(page, NAESTVED).check()
    expect(page.get_by_role("button", name="Skriv mig på venteliste")).to_be_visible()
    venue(page, SILKEBORG).check()
    expect(page.get_by_role("button", name="Tilmeld", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Skriv mig på venteliste")).to_have_count(0)


def test_moving_a_seat_to_a_full_venue_asks_first_and_no_keeps_the_seat(app, page, create_event, register_person):
    event = two_venues(create_event, 17, 1)
    signed_up = register_person(event.session_ids[0], email="anne@herlev.dk", name="Anne Holm")
    register_person(event.session_ids[1])  # Silkeborg's only seat

    page.goto(f"/tilmelding/{signed_up.token}")
    venue(page, SILKEBORG).check()
    page.get_by_role("button", name="Flyt min tilmelding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du vil miste din plads")
    expect(page.get_by_role("alert")).to_contain_text("bliver nr. 1 på ventelisten")
    page.get_by_role("link", name="Nej, behold min plads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din tilmelding")
    assert registration_of(app, "anne@herlev.dk").status is RegistrationStatus.CONFIRMED

    venue(page, SILKEBORG).check()
    page.get_by_role("button", name="Flyt min tilmelding").click()
    page.get_by_role("button", name="Ja, flyt mig til ventelisten").click()
    expect(page.get_by_role("status")).to_have_text("Din tilmelding er flyttet. Du er nr. 1 på ventelisten.")
    registration = registration_of(app, "anne@herlev.dk")
    assert registration.session_id == event.session_ids[1]
    assert registration.status is RegistrationStatus.WAITLISTED


def tab_to(page: Page, target, limit: int = 40) -> None:
    """Press Tab until `target` has focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{target} cannot be reached with Tab within {limit} presses")


def test_a_leader_signs_up_with_the_keyboard_only(app, page, theme_day):
    page.goto(f"/arrangementer/{theme_day.id}")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Gå til indhold")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    tab_to(page, venue(page, NAESTVED))
    page.keyboard.press("ArrowDown")  # arrows move through a radio group and choose
    expect(venue(page, SILKEBORG)).to_be_checked()
    tab_to(page, page.get_by_label("Navn", exact=True))
    page.keyboard.type("Karen Bech")
    tab_to(page, page.get_by_label("E-mail", exact=True))
    page.keyboard.type("karen@silkeborg.dk")
    submit = page.get_by_role("button", name="Tilmeld", exact=True)
    tab_to(page, submit)
    expect(submit).to_have_css("outline-style", "solid")  # the focus can be seen
    page.keyboard.press("Enter")
    confirm_in_browser(page, app, "karen@silkeborg.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    registration = registration_of(app, "karen@silkeborg.dk")
    assert registration.session_id == theme_day.session_ids[1]
    with app.app_context():
        assert db.session.get(Person, registration.person_id).name == "Karen Bech"


def test_signing_up_and_cancelling_work_without_javascript(app, browser_context_factory, theme_day):
    page = browser_context_factory(java_script_enabled=False).new_page()
    page.goto(f"/arrangementer/{theme_day.id}")
    sign_up_as(page, NAESTVED, "Jens Dahl", "jens@naestved.dk")
    confirm_in_browser(page, app, "jens@naestved.dk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    page.get_by_role("link", name=re.compile(r"\/tilmelding\/")).click()
    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vil du afmelde dig?")
    page.get_by_role("button", name="Ja, afmeld mig").click()

    expect(page.get_by_role("status")).to_have_text("Din tilmelding er afmeldt.")
    assert registration_of(app, "jens@naestved.dk").status is RegistrationStatus.CANCELLED


def test_form_errors_are_explained_in_danish_and_tied_to_their_fields(app, page, theme_day):
    page.goto(f"/arrangementer/{theme_day.id}")
    page.get_by_label("Navn", exact=True).fill("Ole Berg")
    page.get_by_label("E-mail", exact=True).fill("ole@")
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text("Ret venligst de markerede felter nedenfor.")
    email = page.get_by_label("E-mail", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Skriv en gyldig e-mailadresse, fx navn@kommune.dk.")
    expect(email).to_have_value("ole@")
    expect(page.get_by_role("group", name="Vælg sted og dato")).to_have_accessible_description(
        "Vælg et sted og en dato."
    )
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Ole Berg")
    with app.app_context():
        assert db.session.execute(select(Registration)).first() is None

    venue(page, NAESTVED).check()
    email.fill("ole@naestved.dk")
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    confirm_in_browser(page, app, "ole@naestved.dk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er tilmeldt")
    assert registration_of(app, "ole@naestved.dk").session_id == theme_day.session_ids[0]


def test_an_expired_form_and_an_unknown_page_are_explained_in_danish(app, page, context, theme_day):
    page.goto(f"/arrangementer/{theme_day.id}")
    context.clear_cookies()  # as when the browser was closed with the form open
    sign_up_as(page, NAESTVED, "Ole Berg", "ole@naestved.dk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Der var noget galt med forespørgslen")
    with app.app_context():
        assert db.session.execute(select(Registration)).first() is None

    page.goto("/arrangementer/999999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
    page.goto("/tilmelding/not-a-real-token")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
