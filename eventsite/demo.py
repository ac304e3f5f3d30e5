"""Demo data for a newcomer's first look (`flask --app wsgi seed-demo`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eventsite.accounts.logins import create_user, email_taken
from eventsite.accounts.models import Role
from eventsite.clock import local_today
from eventsite.events.models import (
    LOCAL_TZ,
    Event,
    EventKind,
    EventSession,
    Organisation,
    ProgrammeItem,
    Venue,
    Visibility,
)
from eventsite.extensions import db
from eventsite.invitations.directory import MemberData, create_member
from eventsite.invitations.models import JobLevel
from eventsite.meetings.board_demo import admit_demo_accounts, seed_board_meeting
from eventsite.meetings.demo import seed_board_series, seed_generalforsamling, seed_lederforum
from eventsite.payments.demo import seed_conference
from eventsite.registration.operations import PersonDetails, register


def _local(day: date, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _next(month: int, day: int) -> date:
    """That day in the coming year, so the demo never lies in the past."""
    today = local_today()
    candidate = date(today.year, month, day)
    return candidate if candidate > today + timedelta(days=14) else date(today.year + 1, month, day)


LEADERS = [
    ("Mette Kjær Hansen", "Afdelingsleder", "Næstved Kommune, Ældreområdet", "0370"),
    ("Lars Østergaard", "Teamleder", "Silkeborg Kommune, Borgerservice", "0740"),
    ("Anne-Sofie Bærentsen", "Institutionsleder", "Børnehuset Solsikken", "0370"),
    ("Jørgen Ravn", "Mellemleder", "Herlev Kommune, Teknik og Miljø", "0163"),
    ("Fatima El-Sayed", "Souschef", "Odense Kommune, Sundhed", "0461"),
    ("Søren Æbelø", "Områdeleder", "Aarhus Kommune, Socialforvaltningen", "0751"),
    ("Birgitte Lund", "Daglig leder", "Plejecenter Åbyhøj", "0751"),
    ("Henrik Møller", "Afdelingsleder", "Region Midtjylland, IT", "0740"),
    ("Camilla Frøkjær", "Teamleder", "Køge Kommune, Jobcenter", "0259"),
    ("Peter Skov", "Leder", "Slagelse Kommune, Skoleområdet", "0330"),
]


def seed_demo() -> str:
    """Create the demo organisation, venues, events and a few registrations; flush."""
    org = Organisation(
        slug="lederforeningen",
        name="Lederforeningen – sektion for ledere",
        sender_email="arrangementer@lederforeningen.example",
    )
    db.session.add(org)
    venues = {
        "naestved": Venue(
            organisation=org,
            name="Næstved Sportscenter, mødelokale 1",
            address="Rolighedsvej 20",
            postcode="4700",
            city="Næstved",
            municipality_code="0370",
        ),
        "silkeborg": Venue(
            organisation=org,
            name="Jysk Musik- og Teaterhus",
            address="Papirfabrikken 10",
            postcode="8600",
            city="Silkeborg",
            municipality_code="0740",
        ),
        "herlev": Venue(
            organisation=org,
            name="Herlev Medborgerhus",
            address="Herlev Bygade 90",
            postcode="2730",
            city="Herlev",
            municipality_code="0163",
        ),
        "kbh": Venue(
            organisation=org,
            name="Foreningens hus",
            address="Nørre Voldgade 12",
            postcode="1358",
            city="København K",
            municipality_code="0101",
        ),
        "odense": Venue(
            organisation=org,
            name="Odense Congress Center",
            address="Ørbækvej 350",
            postcode="5220",
            city="Odense SØ",
            municipality_code="0461",
        ),
    }
    db.session.add_all(venues.values())

    def event(**fields) -> Event:
        created = Event(organisation=org, published=True, **fields)
        db.session.add(created)
        return created

    def session(
        ev: Event, venue: str | None, day: date, start: str, end: str, capacity: int | None, **extra
    ) -> EventSession:
        created = EventSession(
            event=ev,
            venue=venues[venue] if venue else None,
            starts_at=_local(day, start),
            ends_at=_local(day, end),
            capacity=capacity,
            **extra,
        )
        db.session.add(created)
        return created

    temadag = event(
        title="Temadag for mellemledere: Ledelse i forandring",
        kind=EventKind.TEMADAG,
        target_group="mellemledere",
        description=(
            "En dag om at lede medarbejdere gennem forandringer: **organisationsændringer**, "
            "nye opgaver og pres på økonomien.\n\nVi holder temadagen to steder, så du kan vælge "
            "det, der ligger nærmest."
        ),
        registration_closes_at=_local(_next(5, 4), "12:00"),
        cancellation_deadline=_local(_next(5, 4), "12:00"),
    )
    naestved = session(temadag, "naestved", _next(5, 11), "09:00", "15:30", 40)
    silkeborg = session(temadag, "silkeborg", _next(5, 19), "09:00", "15:30", 35)
    for s in (naestved, silkeborg):
        for clock, title, speaker in [
            ("09:00", "Kaffe og rundstykker", ""),
            ("09:30", "Forandringsledelse i praksis", "Lektor Hanne Vestergaard"),
            ("12:00", "Frokost", ""),
            ("13:00", "Erfaringsudveksling i grupper", ""),
            ("15:00", "Opsamling", ""),
        ]:
            db.session.add(ProgrammeItem(session=s, starts_at=time.fromisoformat(clock), title=title, speaker=speaker))

    aarsmoede = event(
        title="Årsmøde med generalforsamling",
        kind=EventKind.AARSMOEDE,
        target_group="alle medlemmer",
        visibility=Visibility.MEMBERS,
        description="Sektionens årsmøde. Generalforsamling efter vedtægterne kl. 17.00, derefter middag.",
        registration_closes_at=_local(_next(3, 10), "23:59"),
    )
    aars = session(aarsmoede, "herlev", _next(3, 18), "16:00", "21:00", 150)
    for clock, title in [
        ("16:00", "Velkomst"),
        ("16:15", "Oplæg om overenskomst 2027"),
        ("17:00", "Generalforsamling"),
        ("19:00", "Middag"),
    ]:
        db.session.add(ProgrammeItem(session=aars, starts_at=time.fromisoformat(clock), title=title))

    webinar = event(
        title="Webinar: Trivsel og arbejdsmiljø i teamet",
        kind=EventKind.WEBINAR,
        target_group="ledere og mellemledere",
        description="En times webinar med spørgsmål undervejs. Linket sendes til tilmeldte.",
    )
    web = session(
        webinar,
        None,
        _next(1, 14),
        "14:00",
        "15:00",
        None,
        online_url="https://meet.example.org/lederforeningen-trivsel",
    )

    reception = event(
        title="Reception for nye ledere",
        kind=EventKind.RECEPTION,
        target_group="nye ledere",
        description="Vi byder årets nye ledere velkommen med et glas og en snak.",
    )
    rec = session(reception, "kbh", _next(2, 4), "16:00", "18:00", 60)

    forum = event(
        title="Lederforum: Strategisk ledelse i kommunerne",
        kind=EventKind.LEDERFORUM,
        target_group="chefer og ledere",
        description="Et forum for ledere med oplæg, debat og netværk.",
    )
    frm = session(forum, "odense", _next(4, 8), "08:30", "15:00", 5)
    for clock, title, speaker in [
        ("08:30", "Morgenmad", ""),
        ("08:45", "Velkomst", "Formand Kirsten Holm"),
        ("09:00", "Oplæg: Styring og tillid", "Professor Jens Bach"),
        ("10:30", "Pause", ""),
        ("10:45", "Debat i panelet", ""),
        ("12:00", "Frokost", ""),
        ("13:00", "Workshops", ""),
        ("14:30", "Afrunding", ""),
    ]:
        db.session.add(ProgrammeItem(session=frm, starts_at=time.fromisoformat(clock), title=title, speaker=speaker))
    db.session.flush()

    def sign_up(target: EventSession, people) -> None:
        for name, title, workplace, code in people:
            email = name.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
            register(
                target.id,
                PersonDetails(
                    name=name, email=f"{email}@example.dk", job_title=title, workplace=workplace, municipality_code=code
                ),
                dietary_needs="Vegetar" if "Søren" in name else "",
            )

    sign_up(naestved, LEADERS[:3])
    sign_up(silkeborg, LEADERS[3:6])
    sign_up(aars, LEADERS[:8])
    sign_up(web, LEADERS[2:5])
    sign_up(rec, LEADERS[6:9])
    sign_up(frm, LEADERS[:7])  # five seats: two end on the waiting list

    # Day prices, add-ons, rooms, subsidised places and EAN invoices (eventsite.payments).
    seed_conference(org, venues["odense"], _next(9, 23))
    # Agendas and bilag, and a board's meetings of the year (eventsite.meetings).
    seed_lederforum(frm)
    seed_generalforsamling(aars)
    board_meetings = seed_board_series(org, venues["kbh"], _next(3, 12).year)
    _seed_members(org)
    # KOMDIR's board meeting at KL: afbud, attendance by item, minutes approved by email.
    seed_board_meeting()
    return (
        "Demo data loaded: 2 organisations, 6 venues, 7 events, 8 sessions, 19 members; "
        f"agendas for the Lederforum and the generalforsamling, a board series of {board_meetings} meetings; "
        "KOMDIR's board meeting at KL with approved minutes."
    )


def _seed_members(org: Organisation) -> None:
    """The member directory invitations are sent from (eventsite.invitations)."""

    levels = {"Mellemleder": JobLevel.MELLEMLEDER, "Teamleder": JobLevel.MELLEMLEDER, "Souschef": JobLevel.MELLEMLEDER}
    db.session.flush()
    for number, (name, title, workplace, code) in enumerate(LEADERS, start=1001):
        email = name.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
        create_member(
            org.id,
            MemberData(
                name=name,
                email=f"{email}@example.dk",
                member_number=str(number),
                job_title=title,
                job_level=levels.get(title, JobLevel.LEDER),
                workplace=workplace,
                municipality_code=code,
                tags=["kreds-" + ("øst" if code in ("0370", "0163", "0259", "0330") else "vest")],
            ),
        )


#: Demo back-office logins, one per role; created only outside production.
DEMO_PASSWORD = "demo-adgangskode"
DEMO_ACCOUNTS = (
    ("admin@lederforeningen.example", "Demo Administrator", "admin"),
    ("arrangoer@lederforeningen.example", "Demo Arrangør", "organiser"),
    ("indtjekning@lederforeningen.example", "Demo Indtjekning", "checkin"),
)


def seed_demo_accounts() -> str:
    """Back-office accounts for the demo organisation, so a newcomer can log in."""

    org = db.session.execute(select(Organisation).where(Organisation.slug == "lederforeningen")).scalar_one()
    lines = []
    for email, name, role in DEMO_ACCOUNTS:
        if not email_taken(email):
            # Only in development mode does the login honour this (eventsite.accounts.second_factor).
            create_user(email, DEMO_PASSWORD, org, Role(role), name=name).second_factor_exempt = True
        lines.append(f"  {role:<9} {email}  /  {DEMO_PASSWORD}")
    admit_demo_accounts([email for email, _name, _role in DEMO_ACCOUNTS])
    db.session.flush()
    return "Back office: http://127.0.0.1:5000/arrangoer/\n" + "\n".join(lines)
