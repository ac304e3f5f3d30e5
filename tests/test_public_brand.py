"""Every public page of one organisation shows that organisation's brand (issue 15).

A site with two organisations, each with its own name and colour: every page reached
through one of them (the event's check-email and send-link pages, the emailed links'
pages, the personal manage link's pages, invitations, "Mine tilmeldinger", the minutes
approval, the privacy notice, the accessibility statement, an error page after the
organisation is known) shows its name and colour, never the other's. The send-link
answer is branded by the event in the address, the same for a known and an unknown
address.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import select

from eventsite.accounts.brand import OrganisationBrand
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import Person, Registration
from tests.helpers import csrf_token, hold_link, sign_up

NAMES = {"skole": ("Skoleledernes Netværk", "#6a1b4d"), "direktor": ("Kommunaldirektørerne", "#0b5a2b")}


def brand_on(page: bytes | str) -> tuple[str, str]:
    """(the header's organisation name, the colour of the linked brand stylesheet)."""
    text = page.decode() if isinstance(page, bytes) else page
    name = re.search(r'<span class="brand-name">([^<]*)</span>', text)
    sheet = re.search(r'<link rel="stylesheet" href="([^"]*brand\.css\?v=([0-9a-f]{6}))"', text)
    assert name and sheet, "the page has no brand header or stylesheet"
    return html.unescape(name.group(1)), "#" + sheet.group(2)


@dataclass
class Site:
    slug: str
    organisation_id: int
    event_id: int
    session_id: int


@pytest.fixture
def two_organisations(app, create_organisation, create_event):
    sites = {}
    for slug, (name, colour) in NAMES.items():
        organisation_id = create_organisation(slug=slug, name=f"{name} (juridisk navn)")
        event = create_event(f"Temadag hos {name}", organisation_id=organisation_id)
        with app.app_context():
            db.session.add(OrganisationBrand(organisation_id=organisation_id, display_name=name, primary_colour=colour))
            db.session.commit()
        sites[slug] = Site(slug, organisation_id, event.id, event.session_ids[0])
    return sites


def assert_brand(response, slug: str) -> None:
    name, colour = NAMES[slug]
    other_name, other_colour = next(v for k, v in NAMES.items() if k != slug)
    shown = brand_on(response.data)
    assert shown == (name, colour), f"{response.request.path}: {shown}"
    text = response.get_data(as_text=True)
    assert other_name not in text and other_colour.lstrip("#") not in text


@pytest.mark.parametrize("slug", list(NAMES))
def test_the_sign_up_and_link_pages_show_the_events_organisation(app, client, two_organisations, slug):
    site = two_organisations[slug]
    email = f"leder@{slug}.dk"
    response = sign_up(client, site.event_id, confirm=False, session_id=site.session_id, email=email)
    assert response.status_code == 303
    assert_brand(client.get(response.headers["Location"]), slug)  # "Tjek din e-mail"
    assert_brand(client.get(hold_link(app, email)), slug)  # "Bekræft din plads"

    # "Send mig mit link igen": the same brand (the event's) for a known and an unknown address.
    url = f"/arrangementer/{site.event_id}/send-mit-link"
    assert_brand(client.get(url), slug)
    token = csrf_token(client.get(f"/arrangementer/{site.event_id}").data)
    answers = [
        client.post(url, data={"csrf_token": token, "link-email": address}) for address in (email, "ukendt@example.dk")
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert_brand(answer, slug)
    assert answers[0].data == answers[1].data


@pytest.mark.parametrize("slug", list(NAMES))
def test_the_personal_links_pages_show_the_persons_organisation(app, client, two_organisations, register_person, slug):
    site = two_organisations[slug]
    registration = register_person(site.session_id, email=f"leder@{slug}.dk")
    token = registration.token
    assert_brand(client.get(f"/tilmelding/{token}"), slug)
    assert_brand(client.get(f"/tilmelding/{token}/kalender"), slug)
    manage = client.get(f"/tilmelding/{token}")
    confirm = client.post(f"/tilmelding/{token}/afmeld", data={"csrf_token": csrf_token(manage.data)})
    assert confirm.status_code == 200 and "afmelde" in confirm.get_data(as_text=True)
    assert_brand(confirm, slug)
    # An error page once the link's organisation is known: consent to a list the event does not have.
    refused = client.post(f"/tilmelding/{token}/samtykke", data={"csrf_token": csrf_token(manage.data), "given": "yes"})
    assert refused.status_code == 400
    assert_brand(refused, slug)
    # The link's own error page: the event is long over (a genuine link, so its organisation is known).
    with app.app_context():
        session = db.session.get(EventSession, site.session_id)
        session.starts_at, session.ends_at = utcnow() - timedelta(days=90), utcnow() - timedelta(days=89)
        db.session.commit()
    expired = client.get(f"/tilmelding/{token}")
    assert expired.status_code == 410
    assert_brand(expired, slug)


@pytest.mark.parametrize("slug", list(NAMES))
def test_mine_tilmeldinger_shows_the_members_organisation(app, client, two_organisations, register_person, slug):
    from eventsite.registration import member_links

    site = two_organisations[slug]
    register_person(site.session_id, email=f"leder@{slug}.dk")
    with app.test_request_context():
        person = db.session.execute(select(Person).where(Person.email == f"leder@{slug}.dk")).scalar_one()
        token = member_links.link_token(member_links.new_link(person, utcnow()))
        db.session.commit()
    entrance = client.get(f"/mine-tilmeldinger/ind/{token}")
    assert_brand(entrance, slug)
    entered = client.post(f"/mine-tilmeldinger/ind/{token}", data={"csrf_token": csrf_token(entrance.data)})
    assert entered.status_code == 303
    assert_brand(client.get("/mine-tilmeldinger/"), slug)


@pytest.mark.parametrize("slug", list(NAMES))
def test_invitation_pages_show_the_inviting_organisation(app, client, two_organisations, slug):
    from eventsite.invitations.audience import AudienceSpec
    from eventsite.invitations.directory import MemberData, create_member
    from eventsite.invitations.models import Invitation
    from eventsite.invitations.sending import send_round
    from eventsite.invitations.tokens import invitation_token

    site = two_organisations[slug]
    with app.test_request_context(method="POST"):
        member = create_member(site.organisation_id, MemberData(name="Mette Hansen", email=f"mette@{slug}.dk"))
        sent = send_round(site.event_id, AudienceSpec(added_ids=[member.id]), f"round-{slug}")
        invitation = db.session.execute(select(Invitation).where(Invitation.round_id == sent.round.id)).scalar_one()
        token = invitation_token(invitation)
        db.session.commit()
    assert_brand(client.get(f"/invitation/{token}/afbud"), slug)
    assert_brand(client.get(f"/invitation/{token}/afmeld"), slug)


@pytest.mark.parametrize("slug", list(NAMES))
def test_the_minutes_approval_page_shows_the_meetings_organisation(
    app, client, two_organisations, register_person, slug
):
    from eventsite.meetings import approval, minutes

    site = two_organisations[slug]
    register_person(site.session_id, email=f"formand@{slug}.dk")
    with app.test_request_context():
        session = db.session.get(EventSession, site.session_id)
        person = db.session.execute(select(Person).join(Registration)).scalars().all()
        person = [p for p in person if p.organisation_id == site.organisation_id]
        draft = minutes.start(session)
        version = approval.send_for_approval(draft, person)
        token = approval.approval_token(version.approvals[0])
        db.session.commit()
    assert_brand(client.get(f"/referat/godkend/{token}"), slug)


@pytest.mark.parametrize("slug", list(NAMES))
def test_the_privacy_notice_and_accessibility_statement_show_their_organisation(client, two_organisations, slug):
    assert_brand(client.get(f"/privatlivspolitik/{slug}"), slug)
    assert_brand(client.get(f"/o/{slug}/tilgaengelighed"), slug)
    assert_brand(client.get(f"/o/{slug}"), slug)


def test_a_sign_up_answered_with_a_redirect_reads_no_brand(app, client, two_organisations):
    from sqlalchemy import event as sa_event

    site = two_organisations["skole"]
    token = csrf_token(client.get(f"/arrangementer/{site.event_id}").data)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post(
            f"/arrangementer/{site.event_id}/tilmeld",
            data={"csrf_token": token, "session_id": site.session_id, "name": "N", "email": "n@skole.dk"},
        )
        assert response.status_code == 303
        # The brand is named lazily (use_brand_of): only a rendered page reads it.
        assert statements and not any("organisation_brands" in s for s in statements)
        statements.clear()
        assert_brand(client.get(response.headers["Location"]), "skole")
        assert any("organisation_brands" in s for s in statements)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


def footer_text(page: bytes) -> str:
    """The visible text of the page's footer, whitespace collapsed."""
    tree = lxml.html.fromstring(page)
    (footer,) = tree.xpath('//footer[contains(concat(" ", @class, " "), " site-footer ")]')
    return " ".join(footer.text_content().split())


def test_an_organisations_pages_have_its_footer_and_the_site_line_only_the_neutral_pages(
    app, client, two_organisations
):
    site = two_organisations["skole"]
    with app.app_context():
        brand = db.session.execute(
            select(OrganisationBrand).where(OrganisationBrand.organisation_id == site.organisation_id)
        ).scalar_one()
        brand.contact_email, brand.contact_phone = "kontakt@skole.dk", "33 12 34 56"
        db.session.commit()

    event_footer = footer_text(client.get(f"/arrangementer/{site.event_id}").data)
    assert "Skoleledernes Netværk" in event_footer and "kontakt@skole.dk" in event_footer
    assert "33 12 34 56" in event_footer
    assert "eventsite –" not in event_footer and "Kommunaldirektørerne" not in event_footer

    # Without contact details the other organisation's footer still names it.
    other = footer_text(client.get(f"/arrangementer/{two_organisations['direktor'].event_id}").data)
    assert "Kommunaldirektørerne" in other and "eventsite –" not in other and "skole" not in other

    # The front page of a site with two organisations belongs to neither: the site's line.
    front = footer_text(client.get("/").data)
    assert "eventsite –" in front
    assert "Skoleledernes Netværk" not in front and "Kommunaldirektørerne" not in front
