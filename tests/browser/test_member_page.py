""" "Mine tilmeldinger" in a real browser, by labels, roles and keys; every page checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration import member_links, recovery
from eventsite.registration.models import Person, Registration

pytestmark = pytest.mark.browser


def emailed_member_link(app, email: str) -> str:
    """The path in the newest links email to `email`, as the worker would render it."""
    with app.test_request_context():
        row = (
            db.session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.kind == MailKind.LINKS, OutboxMessage.recipient == email)
                .order_by(OutboxMessage.id.desc())
            )
            .scalars()
            .first()
        )
        return f"/mine-tilmeldinger/ind/{member_links.link_token(recovery.member_link_for(row))}"


def test_a_member_asks_for_the_link_and_uses_the_page(app, page: Page, live_server, create_event, register_person):
    event = create_event(title="Temadag om trivsel", participant_list=True)
    register_person(event.session_id, email="lone@example.dk", name="Lone Ravn")

    page.goto(f"{live_server.url}/arrangementer/{event.id}")
    page.get_by_label("Din e-mailadresse").fill("lone@example.dk")
    page.get_by_role("button", name="Send mig mit link igen").click()
    expect(page.get_by_role("status")).to_contain_text("Hvis adressen er tilmeldt")

    page.goto(live_server.url + emailed_member_link(app, "lone@example.dk"))
    page.get_by_role("button", name="Gå til mine tilmeldinger").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mine tilmeldinger hos")
    expect(page.get_by_role("heading", name="Temadag om trivsel")).to_be_visible()

    page.get_by_role("button", name="Vis mig på deltagerlisten").click()
    expect(page.get_by_role("status").first).to_contain_text("Du vises nu på deltagerlisten")
    page.get_by_role("link", name="Se deltagerlisten").click()
    expect(page.get_by_role("cell", name="Lone Ravn")).to_be_visible()
    page.go_back()

    page.get_by_label("Stillingsbetegnelse").fill("Afdelingsleder")
    page.get_by_label("Stillingsbetegnelse").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("gemt")

    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("afmelde")
    page.get_by_role("button", name="Ja, afmeld mig").click()
    expect(page.get_by_text("Afmeldt").first).to_be_visible()

    page.get_by_role("button", name="Slet mine oplysninger").click()
    page.get_by_role("button", name="Ja, slet mine oplysninger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine oplysninger er slettet")
    page.goto(f"{live_server.url}/mine-tilmeldinger/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er ikke længere logget ind")

    with app.app_context():
        person = db.session.execute(select(Person).join(Registration)).scalar_one()
        assert person.erased_at is not None and not re.search("Lone|Afdelingsleder", person.name + person.job_title)
