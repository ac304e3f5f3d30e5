"""A check-in helper runs the door on a phone: log in, search, check in, undo.

Driven by labels and button names on a 390 × 844 touch screen; every page is checked
with axe-core (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import Attendance, Registration
from tests.browser.conftest import log_in_through_the_form

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
HELPER_EMAIL = "doer@lederforeningen.example"
HELPER_PASSWORD = "indgang-ved-doeren-42"


@pytest.fixture
def door_today(app, create_event, register_person, create_user):
    """A theme day in Næstved that began half an hour ago, with three confirmed leaders."""
    event = create_event(title="Temadag for mellemledere", sessions=[{"city": "Næstved", "capacity": 30}])
    people = {
        name: register_person(event.session_id, name=name).id for name in ("Mette Hansen", "Søren Æbelø", "Åse Ørum")
    }
    with app.test_request_context(method="POST"):
        start = utcnow() - timedelta(minutes=30)
        db.session.execute(
            update(EventSession)
            .where(EventSession.id == event.session_id)
            .values(starts_at=start, ends_at=start + timedelta(hours=6))
        )
        db.session.commit()
    create_user(event.organisation_id, "checkin", email=HELPER_EMAIL, password=HELPER_PASSWORD, name="Dorte Dør")
    return event, people


def attendance_of(app, registration_id: int) -> Attendance:
    with app.app_context():
        return db.session.get(Registration, registration_id).attendance


def helper_logs_in(page: Page) -> None:
    log_in_through_the_form(page, HELPER_EMAIL, HELPER_PASSWORD)


def test_a_check_in_helper_checks_someone_in_and_undoes_it_on_a_phone(app, browser_context_factory, door_today):
    event, people = door_today
    page: Page = browser_context_factory(**PHONE).new_page()

    helper_logs_in(page)

    # A check-in helper lands on today's sessions, and sees nothing else of the back office.
    expect(page.get_by_role("heading", name="Indtjekning", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Overblik")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Temadag for mellemledere: Næstved")).click()

    counts = page.locator("#door-counts")
    expect(counts).to_contain_text(re.compile(r"Tjekket ind\s*0 af 3"))

    search = page.get_by_label("Søg efter navn")
    search.fill("søren")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"q=s%C3%B8ren"))
    expect(page.get_by_text("Mette Hansen")).to_have_count(0)

    page.get_by_role("button", name="Tjek ind: Søren Æbelø").tap()
    expect(page.get_by_role("status").filter(has_text="Søren Æbelø er tjekket ind.")).to_be_visible()
    expect(counts).to_contain_text(re.compile(r"Tjekket ind\s*1 af 3"))
    expect(page.locator(f"#r{people['Søren Æbelø']}")).to_contain_text("Tjekket ind kl.")
    assert attendance_of(app, people["Søren Æbelø"]) is Attendance.ATTENDED
    # The search survives the tap, so the next person in the queue can be looked up at once.
    expect(search).to_have_value("søren")

    page.get_by_role("button", name="Fortryd: Søren Æbelø").tap()
    expect(counts).to_contain_text(re.compile(r"Tjekket ind\s*0 af 3"))
    expect(page.get_by_role("button", name="Tjek ind: Søren Æbelø")).to_be_visible()
    assert attendance_of(app, people["Søren Æbelø"]) is Attendance.NONE

    # Nothing on the screen is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_list_narrows_while_typing_before_anything_is_submitted(app, browser_context_factory, door_today):
    event, people = door_today
    page: Page = browser_context_factory(**PHONE).new_page()
    helper_logs_in(page)
    page.get_by_role("link", name=re.compile("Temadag for mellemledere: Næstved")).click()
    url = page.url

    page.get_by_label("Søg efter navn").press_sequentially("sør")

    expect(page.get_by_role("button", name="Tjek ind: Søren Æbelø")).to_be_visible()
    expect(page.get_by_role("button", name="Tjek ind: Mette Hansen")).to_be_hidden()
    expect(page.get_by_role("button", name="Tjek ind: Åse Ørum")).to_be_hidden()
    assert page.url == url  # narrowed in the page, not by a new search
    page.get_by_label("Søg efter navn").fill("")
    page.get_by_label("Søg efter navn").press_sequentially("ø")  # Æbelø and Ørum
    expect(page.get_by_role("button", name="Tjek ind: Åse Ørum")).to_be_visible()
    expect(page.get_by_role("button", name="Tjek ind: Mette Hansen")).to_be_hidden()


def test_afbud_and_a_partial_attendance_note_on_a_phone(app, browser_context_factory, door_today):
    event, people = door_today
    page: Page = browser_context_factory(**PHONE).new_page()
    helper_logs_in(page)
    page.goto(f"/arrangoer/sessioner/{event.session_id}/indtjekning")

    page.get_by_label("Afbud, udeblevet eller note: Åse Ørum").tap()
    page.get_by_role("button", name="Afbud: Åse Ørum").tap()
    expect(page.locator("#door-counts")).to_contain_text(re.compile(r"Afbud\s*1"))
    assert attendance_of(app, people["Åse Ørum"]) is Attendance.ABSENT_NOTIFIED

    page.get_by_role("button", name="Tjek ind: Mette Hansen").tap()
    page.get_by_label("Afbud, udeblevet eller note: Mette Hansen").tap()
    page.get_by_label("Delvist fremmøde: Mette Hansen").fill("deltog i pkt. 1–3")
    page.get_by_role("button", name="Gem note: Mette Hansen").tap()
    expect(page.locator(f"#r{people['Mette Hansen']}")).to_contain_text("deltog i pkt. 1–3")
    with app.app_context():
        assert db.session.get(Registration, people["Mette Hansen"]).attendance_note == "deltog i pkt. 1–3"


def test_two_doors_see_each_others_check_ins_without_reloading(app, browser_context_factory, door_today):
    event, people = door_today
    app.config["CHECKIN_REFRESH_SECONDS"] = 1
    doors: list[Page] = []
    try:
        for _ in range(2):
            page: Page = browser_context_factory(**PHONE).new_page()
            helper_logs_in(page)
            page.goto(f"/arrangoer/sessioner/{event.session_id}/indtjekning")
            doors.append(page)
        front, back = doors
        front.get_by_role("button", name="Tjek ind: Mette Hansen").tap()
        expect(front.locator("#door-counts")).to_contain_text(re.compile(r"Tjekket ind\s*1 af 3"))
        # The back door has not reloaded, yet its counts and list catch up.
        expect(back.locator("#door-counts")).to_contain_text(re.compile(r"Tjekket ind\s*1 af 3"))
        expect(back.get_by_role("button", name="Fortryd: Mette Hansen")).to_be_visible()
    finally:
        app.config.pop("CHECKIN_REFRESH_SECONDS", None)
        # Stop the once-a-second refresh now, so no request is still running against the
        # database when the next test empties it.
        for door in doors:
            door.goto("about:blank")
