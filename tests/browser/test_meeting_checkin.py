"""At the door of a board meeting, on a phone: someone leaves during item 4.

Driven by labels and button names; every page is checked with axe-core.
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
from eventsite.meetings.models import AgendaItem
from eventsite.registration.models import Registration
from tests.browser.conftest import log_in_through_the_form

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
HELPER_EMAIL = "doer@komdir.example"
HELPER_PASSWORD = "indgang-ved-doeren-42"


@pytest.fixture
def board_today(app, create_event, register_person, create_user):
    """A board meeting that began half an hour ago: five agenda items, two directors."""
    event = create_event(title="Bestyrelsesmøde", sessions=[{"capacity": None}])
    people = {name: register_person(event.session_id, name=name).id for name in ("Kasper Lind", "Rikke Holm")}
    with app.test_request_context(method="POST"):
        for position, title in enumerate(["Dagsorden", "Meddelelser", "Økonomi", "Lederforum", "Eventuelt"], 1):
            db.session.add(AgendaItem(session_id=event.session_id, position=position, title=title))
        start = utcnow() - timedelta(minutes=30)
        db.session.execute(
            update(EventSession)
            .where(EventSession.id == event.session_id)
            .values(starts_at=start, ends_at=start + timedelta(hours=3))
        )
        db.session.commit()
    create_user(event.organisation_id, "checkin", email=HELPER_EMAIL, password=HELPER_PASSWORD, name="Dorte Dør")
    return event, people


def test_a_check_in_helper_records_who_left_during_item_4_and_who_took_part_online(
    app, browser_context_factory, board_today
):
    event, people = board_today
    page: Page = browser_context_factory(**PHONE).new_page()
    log_in_through_the_form(page, HELPER_EMAIL, HELPER_PASSWORD)
    page.get_by_role("link", name=re.compile("Bestyrelsesmøde")).click()

    page.get_by_role("button", name="Tjek ind: Kasper Lind").tap()
    person = page.locator(f"#r{people['Kasper Lind']}")
    person.get_by_text("Afbud, udeblevet eller note").tap()
    person.get_by_label("Gik ved punkt").select_option(label="4. Lederforum")
    person.get_by_label("gik undervejs i punktet").check()
    person.get_by_role("button", name="Gem fremmøde: Kasper Lind").tap()
    expect(page.get_by_role("status").filter(has_text="Fremmødet for Kasper Lind er gemt.")).to_be_visible()
    expect(page.locator(f"#r{people['Kasper Lind']}")).to_contain_text("deltog i pkt. 1-3 og delvist i pkt. 4")

    page.get_by_role("button", name="Tjek ind: Rikke Holm").tap()
    person = page.locator(f"#r{people['Rikke Holm']}")
    person.get_by_text("Afbud, udeblevet eller note").tap()
    person.get_by_label("Deltog online").check()
    person.get_by_role("button", name="Gem fremmøde: Rikke Holm").tap()
    expect(page.locator(f"#r{people['Rikke Holm']}")).to_contain_text("deltog online")

    with app.app_context():
        notes = {rid: db.session.get(Registration, rid).attendance_note for rid in people.values()}
    assert notes == {
        people["Kasper Lind"]: "deltog i pkt. 1-3 og delvist i pkt. 4",
        people["Rikke Holm"]: "deltog online",
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
