"""Demo data for fees, add-ons, subsidies and EAN invoicing: a two-day leaders' conference.

Called at the end of `eventsite.demo.seed_demo`; flushes, never commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ, Event, EventKind, EventSession, Organisation, ProgrammeItem, Venue
from eventsite.extensions import db
from eventsite.payments.models import (
    AddOn,
    AddOnKind,
    DayPriceRow,
    EventDay,
    SubsidyBudget,
    SubsidyRequest,
    SubsidyStatus,
)
from eventsite.payments.operations import Choices, InvoiceDetails, SubsidyWish, record_choices
from eventsite.registration.operations import PersonDetails, register

#: (name, job title, workplace, municipality code, member?, days, add-on keys, invoice or None, subsidy or None)
PARTICIPANTS = [
    (
        "Mette Kjær Hansen",
        "Afdelingsleder",
        "Næstved Kommune, Ældreområdet",
        "0370",
        True,
        (1, 2),
        ("workshop", "reception", "single"),
        InvoiceDetails("5798000416604", "Næstved Kommune", "MKH01", "PO-2027-114"),
        None,
    ),
    (
        "Lars Østergaard",
        "Teamleder",
        "Silkeborg Kommune, Borgerservice",
        "0740",
        True,
        (1, 2),
        ("workshop", "double"),
        InvoiceDetails("5790001330583", "Silkeborg Kommune", "LOE", cvr="29189730"),
        None,
    ),
    (
        "Anne-Sofie Bærentsen",
        "Institutionsleder",
        "Børnehuset Solsikken",
        "0370",
        True,
        (1,),
        ("reception",),
        None,
        None,
    ),
    (
        "Fatima El-Sayed",
        "Souschef",
        "Odense Kommune, Sundhed",
        "0461",
        True,
        (1, 2),
        ("double",),
        None,
        SubsidyWish(
            fee=True, accommodation=True, reason="Min afdeling har brugt sit kursusbudget; jeg deler gerne værelse."
        ),
    ),
    (
        "Peter Skov",
        "Leder",
        "Slagelse Kommune, Skoleområdet",
        "0330",
        False,
        (2,),
        ("workshop",),
        InvoiceDetails("5798009811578", "Slagelse Kommune", "Peter Skov"),
        None,
    ),
    (
        "Birgitte Lund",
        "Daglig leder",
        "Plejecenter Åbyhøj",
        "0751",
        True,
        (1, 2),
        ("double", "reception"),
        None,
        SubsidyWish(fee=True, transport=True, reason="Selvejende institution uden midler til efteruddannelse."),
    ),
]


def _local(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LOCAL_TZ)


def seed_conference(org: Organisation, venue: Venue, first_day: date) -> Event:
    """A two-day conference with day prices, add-ons, rooms, subsidised places and EAN invoices."""
    second_day = first_day + timedelta(days=1)
    event = Event(
        organisation=org,
        published=True,
        title="Lederkonference: Ledelse på tværs",
        kind=EventKind.KONFERENCE,
        target_group="ledere og mellemledere",
        description=(
            "To dage med oplæg, workshops og netværk. Du kan deltage én eller begge dage.\n\n"
            "Overnat i enkeltværelse eller få en plads i et delt dobbeltværelse. Sektionen har et antal "
            "pladser med tilskud til medlemmer, der ikke selv kan finansiere deltagelsen."
        ),
        registration_closes_at=_local(first_day - timedelta(days=14), "12:00"),
        cancellation_deadline=_local(first_day - timedelta(days=21), "12:00"),
    )
    db.session.add(event)
    session = EventSession(
        event=event,
        venue=venue,
        starts_at=_local(first_day, "09:30"),
        ends_at=_local(second_day, "15:30"),
        capacity=120,
    )
    db.session.add(session)
    for clock, title, speaker in [
        ("09:30", "Ankomst og kaffe", ""),
        ("10:00", "Ledelse på tværs af fagligheder", "Professor Jens Bach"),
        ("13:00", "Workshops", ""),
        ("18:30", "Reception og middag", ""),
    ]:
        db.session.add(
            ProgrammeItem(session=session, starts_at=time.fromisoformat(clock), title=title, speaker=speaker)
        )
    db.session.flush()

    days = {
        1: EventDay(event_id=event.id, day=first_day, label="Oplæg og workshops"),
        2: EventDay(event_id=event.id, day=second_day, label="Strategi og netværk"),
    }
    db.session.add_all(days.values())
    db.session.add_all(
        [
            DayPriceRow(event_id=event.id, days=1, member_price_ore=213300, non_member_price_ore=275000),
            DayPriceRow(event_id=event.id, days=2, member_price_ore=330400, non_member_price_ore=420000),
        ]
    )
    addons = {
        "workshop": AddOn(
            event_id=event.id,
            kind=AddOnKind.WORKSHOP,
            title="Workshop: Den svære samtale",
            price_ore=45000,
            capacity=3,
            position=1,
            description="Træning med skuespillere. Få pladser.",
        ),
        "reception": AddOn(
            event_id=event.id,
            kind=AddOnKind.RECEPTION,
            title="Reception og middag",
            price_ore=0,
            capacity=80,
            position=2,
        ),
        "single": AddOn(
            event_id=event.id,
            kind=AddOnKind.SINGLE_ROOM,
            title="Overnatning i enkeltværelse",
            price_ore=125000,
            capacity=20,
            position=3,
        ),
        "double": AddOn(
            event_id=event.id,
            kind=AddOnKind.DOUBLE_ROOM,
            title="Plads i delt dobbeltværelse",
            price_ore=75000,
            capacity=30,
            position=4,
            description="Skriv gerne, hvem du vil dele værelse med.",
        ),
    }
    db.session.add_all(addons.values())
    db.session.add(
        SubsidyBudget(
            event_id=event.id,
            places=4,
            amount_ore=1_000_000,
            description="Sektionen betaler for medlemmer, der ikke selv kan finansiere deltagelsen, i delt dobbeltværelse.",
        )
    )
    db.session.flush()

    registrations = []
    for name, title, workplace, code, member, day_numbers, addon_keys, invoice, subsidy in PARTICIPANTS:
        email = name.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
        registration = register(
            session.id,
            PersonDetails(
                name=name, email=f"{email}@example.dk", job_title=title, workplace=workplace, municipality_code=code
            ),
        )
        record_choices(
            registration,
            Choices(
                is_member=member,
                day_ids=frozenset(days[n].id for n in day_numbers),
                addon_ids=frozenset(addons[k].id for k in addon_keys),
                share_with="Birgitte Lund" if name.startswith("Fatima") else "",
                invoice=invoice,
                subsidy=subsidy,
            ),
        )
        registrations.append(registration)
    # One application already approved (set directly: demo data sends no email).
    approved = db.session.execute(
        db.select(SubsidyRequest).where(SubsidyRequest.registration_id == registrations[3].id)
    ).scalar_one()
    approved.status = SubsidyStatus.APPROVED
    approved.granted_ore = 405400
    approved.decision_note = "Du får dækket deltagergebyr og plads i dobbeltværelse. Velkommen!"
    approved.decided_at = utcnow()
    db.session.flush()
    return event
