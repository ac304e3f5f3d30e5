"""The public sign-up form with fee, days, add-ons, payer and subsidy; the receipt and manage page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.payments.models import (
    Billing,
    PayerKind,
    RegistrationAddOn,
    RegistrationDay,
    SubsidyRequest,
    SubsidyStatus,
)
from eventsite.registration.models import Person, Registration
from tests.helpers import sign_up as sign_up_form
from tests.helpers import visible_text
from tests.payments.conftest import VALID_CVR, VALID_EAN, count_rows

NBSP = "\u00a0"
TABLES = (Person, Registration, Billing, RegistrationDay, RegistrationAddOn, SubsidyRequest)


def sign_up(client, event_id: int, **fields):
    """Post the sign-up form for the event's first session."""
    page = client.get(f"/arrangementer/{event_id}").data.decode()
    session_id = re.search(r'name="session_id" value="(\d+)"', page).group(1)
    return sign_up_form(client, event_id, session_id=session_id, **fields)


def nothing_saved(app) -> bool:
    return all(count == 0 for count in count_rows(app, *TABLES).values())


def test_an_event_without_prices_shows_the_plain_form(client, create_event):
    event = create_event()
    text = visible_text(client.get(f"/arrangementer/{event.id}").data)
    assert "Hvem betaler?" not in text
    assert "Jeg søger om tilskud til deltagelse" not in text
    assert "Tilvalg" not in text


def test_the_conference_page_shows_day_prices_add_ons_and_the_subsidy_question(client, create_conference):
    conference = create_conference()
    text = visible_text(client.get(f"/arrangementer/{conference.id}").data)
    assert "1 dag 2.133,00 kr. 2.750,00 kr." in text
    assert "2 dage 3.304,00 kr. 4.200,00 kr." in text
    assert "Workshop: Svære samtaler (450,00 kr.) – 2 ledige pladser" in text
    assert "Reception (gratis)" in text
    assert "Hvem betaler?" in text and "Min arbejdsgiver betaler via EAN-faktura" in text
    assert "Jeg søger om tilskud til deltagelse" in text


def test_a_member_signs_up_for_two_days_a_workshop_and_pays_by_ean(app, client, create_conference):
    conference = create_conference()
    response = sign_up(
        client,
        conference.id,
        is_member="yes",
        day_ids=[str(d) for d in conference.day_ids],
        addon_ids=[str(conference.addons["Workshop: Svære samtaler"])],
        payer="ean",
        ean="5798 0004 16604",
        invoice_organisation="Næstved Kommune",
        invoice_reference="ABCDE",
        order_number="PO-4711",
        cvr=f"DK {VALID_CVR}",
    )
    assert response.status_code == 303, visible_text(response.data)
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        billing = db.session.get(Billing, registration.id)
        assert billing.payer_kind is PayerKind.EAN
        assert (billing.ean, billing.cvr) == (VALID_EAN, VALID_CVR)
        assert (billing.invoice_organisation, billing.invoice_reference, billing.order_number) == (
            "Næstved Kommune",
            "ABCDE",
            "PO-4711",
        )
        assert billing.is_member is True and billing.fee_ore == 330400
        days = db.session.execute(
            select(RegistrationDay.day_id).where(RegistrationDay.registration_id == registration.id)
        ).scalars()
        assert sorted(days) == sorted(conference.day_ids)
        chosen = db.session.execute(select(RegistrationAddOn)).scalar_one()
        assert chosen.price_ore == 45000
    receipt = visible_text(client.get(response.headers["Location"]).data)
    assert "Deltagergebyr, 2 dage, medlem 3.304,00 kr." in receipt
    assert "Workshop: Svære samtaler 450,00 kr." in receipt
    assert "I alt 3.754,00 kr." in receipt
    assert f"EAN-faktura til Næstved Kommune, EAN {VALID_EAN}, personreference ABCDE, ordrenummer PO-4711" in receipt


def test_a_place_in_a_shared_double_room_keeps_the_wish_of_whom_to_share_with(app, client, create_conference):
    conference = create_conference()
    response = sign_up(
        client,
        conference.id,
        is_member="no",
        day_ids=[str(conference.day_ids[0])],
        addon_ids=[str(conference.addons["Plads i delt dobbeltværelse"])],
        share_with="Lars Østergaard",
    )
    assert response.status_code == 303
    with app.app_context():
        chosen = db.session.execute(select(RegistrationAddOn)).scalar_one()
        assert chosen.share_with == "Lars Østergaard"
    receipt = visible_text(client.get(response.headers["Location"]).data)
    assert "Du vil gerne dele værelse med: Lars Østergaard" in receipt
    assert "I alt 3.500,00 kr." in receipt


@pytest.mark.parametrize(
    "ean, message",
    [
        ("5798000416605", "EAN-nummeret er ikke gyldigt: kontrolcifferet (det sidste ciffer) passer ikke."),
        ("579800041660", "Et EAN-nummer har 13 cifre; du har skrevet 12."),
        ("57980004166040", "Et EAN-nummer har 13 cifre; du har skrevet 14."),
        ("5798OOO416604", "Et EAN-nummer består kun af cifre."),
        ("", "Angiv EAN-nummeret (13 cifre)."),
    ],
)
def test_a_bad_ean_number_is_refused_with_a_danish_message_and_nothing_is_saved(
    app, client, create_conference, ean, message
):
    conference = create_conference()
    response = sign_up(
        client,
        conference.id,
        is_member="yes",
        day_ids=[str(conference.day_ids[0])],
        payer="ean",
        ean=ean,
        invoice_organisation="Næstved Kommune",
        invoice_reference="ABCDE",
    )
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert nothing_saved(app)


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"invoice_reference": ""},
            "Angiv en personreference: offentlige myndigheder kan ikke betale en faktura uden.",
        ),
        ({"invoice_organisation": ""}, "Angiv navnet på den organisation, der betaler."),
        ({"cvr": "13585627"}, "CVR-nummeret er ikke gyldigt; tjek det på cvr.dk."),
        ({"cvr": "1358562"}, "Et CVR-nummer har 8 cifre; du har skrevet 7."),
    ],
)
def test_incomplete_invoicing_details_are_refused_and_nothing_is_saved(app, client, create_conference, fields, message):
    conference = create_conference()
    data = dict(
        is_member="yes",
        day_ids=[str(conference.day_ids[0])],
        payer="ean",
        ean=VALID_EAN,
        invoice_organisation="Næstved Kommune",
        invoice_reference="ABCDE",
    )
    data.update(fields)
    response = sign_up(client, conference.id, **data)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert nothing_saved(app)


def test_ean_details_are_ignored_when_the_person_pays_themselves(app, client, create_conference):
    conference = create_conference()
    response = sign_up(
        client, conference.id, is_member="no", day_ids=[str(conference.day_ids[0])], payer="person", ean="garbage"
    )
    assert response.status_code == 303
    with app.app_context():
        billing = db.session.execute(select(Billing)).scalar_one()
        assert billing.payer_kind is PayerKind.PERSON and billing.ean is None
        assert billing.fee_ore == 275000 and billing.is_member is False


@pytest.mark.parametrize(
    "choice, message",
    [
        ("foreign_day", "Vælg blandt arrangementets egne dage."),
        ("no_day", "Vælg de dage, du deltager."),
        ("letters", "Vælg blandt arrangementets egne dage."),
        ("two_rooms", "Vælg højst én slags overnatning."),
        ("unknown_addon", "Vælg blandt de tilvalg, arrangementet tilbyder."),
        ("no_membership", "Fortæl os, om du er medlem: prisen afhænger af det."),
    ],
)
def test_impossible_choices_are_refused_with_a_danish_message_and_nothing_is_saved(
    app, client, create_conference, choice, message
):
    conference = create_conference()
    other = create_conference()
    data = {"is_member": "yes", "day_ids": [str(conference.day_ids[0])]}
    if choice == "foreign_day":
        data["day_ids"] = [str(conference.day_ids[0]), str(other.day_ids[0])]
    elif choice == "no_day":
        data.pop("day_ids")
    elif choice == "letters":
        data["day_ids"] = ["første"]
    elif choice == "two_rooms":
        data["addon_ids"] = [
            str(conference.addons["Overnatning i enkeltværelse"]),
            str(conference.addons["Plads i delt dobbeltværelse"]),
        ]
    elif choice == "unknown_addon":
        data["addon_ids"] = [str(other.addons["Reception"])]
    elif choice == "no_membership":
        data.pop("is_member")
    response = sign_up(client, conference.id, **data)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert nothing_saved(app)


def test_a_full_add_on_is_shown_as_full_and_cannot_be_chosen(app, client, create_conference, register_person):
    from eventsite.payments.operations import Choices

    conference = create_conference()
    workshop = conference.addons["Workshop: Svære samtaler"]
    for _ in range(2):
        register_person(
            conference.session_id,
            choices=Choices(True, frozenset(conference.day_ids[:1]), frozenset({workshop})),
            notify=True,
        )
    page = client.get(f"/arrangementer/{conference.id}").data.decode()
    assert f'id="addon-{workshop}" name="addon_ids" value="{workshop}" disabled' in page
    assert "Workshop: Svære samtaler (450,00 kr.) – fuldt booket" in visible_text(page)
    response = sign_up(
        client,
        conference.id,
        email="ny@example.dk",
        is_member="yes",
        day_ids=[str(conference.day_ids[0])],
        addon_ids=[str(workshop)],
    )
    assert response.status_code == 422
    assert "“Workshop: Svære samtaler” er fuldt booket; tilmeld dig uden." in visible_text(response.data)
    with app.app_context():
        assert db.session.execute(select(Person).where(Person.email == "ny@example.dk")).first() is None


def test_a_subsidy_application_is_flagged_and_its_state_shown_on_the_manage_page(app, client, create_conference):
    conference = create_conference()
    response = sign_up(
        client,
        conference.id,
        is_member="yes",
        day_ids=[str(d) for d in conference.day_ids],
        addon_ids=[str(conference.addons["Plads i delt dobbeltværelse"])],
        subsidy_requested="y",
        subsidy_fee="y",
        subsidy_accommodation="y",
        subsidy_reason="Min arbejdsplads betaler ikke kurser i år.",
    )
    assert response.status_code == 303
    with app.app_context():
        request = db.session.execute(select(SubsidyRequest)).scalar_one()
        assert request.status is SubsidyStatus.REQUESTED
        assert (request.wants_fee, request.wants_transport, request.wants_accommodation) == (True, False, True)
        assert request.reason == "Min arbejdsplads betaler ikke kurser i år."
    manage = visible_text(client.get(response.headers["Location"].replace("/kvittering", "")).data)
    assert "Du har søgt om tilskud til: deltagergebyr, indkvartering." in manage
    assert "Status: Afventer afgørelse" in manage


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"subsidy_reason": "Trængt økonomi"},
            "Sæt kryds ved, hvad du søger om: deltagergebyr, transport eller indkvartering.",
        ),
        ({"subsidy_fee": "y"}, "Skriv en kort begrundelse for din ansøgning."),
    ],
)
def test_an_incomplete_subsidy_application_is_refused(app, client, create_conference, fields, message):
    conference = create_conference()
    response = sign_up(
        client, conference.id, is_member="yes", day_ids=[str(conference.day_ids[0])], subsidy_requested="y", **fields
    )
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert nothing_saved(app)


def test_the_manage_page_says_before_cancelling_whether_the_fee_stays_due(app, client, create_conference):
    from eventsite.db import utcnow

    early = create_conference(cancellation_deadline=utcnow() + timedelta(days=5))
    late = create_conference(cancellation_deadline=utcnow() - timedelta(hours=1))
    pages = {}
    for name, conference in (("early", early), ("late", late)):
        response = sign_up(
            client, conference.id, email=f"{name}@example.dk", is_member="yes", day_ids=[str(conference.day_ids[0])]
        )
        assert response.status_code == 303
        pages[name] = (
            response.headers["Location"].replace("/kvittering", ""),
            visible_text(client.get(response.headers["Location"].replace("/kvittering", "")).data),
        )
    assert "Afmelder du dig før fristen" in pages["early"][1] and "betaler du intet" in pages["early"][1]
    assert (
        "Afmeldingsfristen er overskredet: afmelder du dig nu, skal gebyret på 2.133,00 kr. stadig betales."
        in pages["late"][1]
    )


@pytest.mark.parametrize(
    "setup, shown",
    [
        (dict(days=0, addons=[], budget=None, fee=(100000, 150000)), "Hvem betaler?"),
        (dict(days=2, addons=[], budget=None), "De dage, du deltager"),
        (dict(days=0, addons=[("dinner", "Festmiddag", 0, 40)], budget=None), "Festmiddag (gratis)"),
        (dict(days=0, addons=[], budget=(3, None)), "Jeg søger om tilskud til deltagelse"),
    ],
)
def test_any_one_of_a_fee_days_an_add_on_or_a_budget_brings_its_fields(client, create_conference, setup, shown):
    conference = create_conference(**setup)
    text = visible_text(client.get(f"/arrangementer/{conference.id}").data)
    assert shown in text
    if setup.get("fee") is None and not setup.get("days"):
        # Nothing costs money: nobody is asked who pays.
        assert "Hvem betaler?" not in text
