"""Demo data: the KOMDIR board meeting at KL, run from the summons to published minutes.

A fixed list of nine from the member directory (tag "bestyrelse"), two afbud (one
received by phone), one director who left during item 4, a hybrid meeting with a
virtual link, and minutes approved by email within seven days and published. Called
by eventsite.demo (`flask --app wsgi seed-demo`); every step goes through the domain
functions an organiser's clicks would call, at the times they would happen.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eventsite.accounts.models import Membership, Role, User
from eventsite.clock import local_today
from eventsite.events.models import LOCAL_TZ, Event, EventKind, EventSession, Organisation, Venue, Visibility
from eventsite.extensions import db
from eventsite.invitations.directory import MemberData, create_member
from eventsite.meetings import afbud, approval, minutes, presence, roster
from eventsite.meetings.models import AgendaItem, AgendaKind, Meeting
from eventsite.registration.models import Attendance, Registration

SLUG = "komdir"

BOARD = [
    ("Henrik Brandt", "Kommunaldirektør", "Vejle Kommune", "0630"),
    ("Marianne Fogh", "Kommunaldirektør", "Holbæk Kommune", "0316"),
    ("Kasper Lind", "Kommunaldirektør", "Horsens Kommune", "0615"),
    ("Signe Aagaard", "Kommunaldirektør", "Lolland Kommune", "0360"),
    ("Ole Bjerregaard", "Kommunaldirektør", "Viborg Kommune", "0791"),
    ("Pernille Storm", "Kommunaldirektør", "Gladsaxe Kommune", "0159"),
    ("Thomas Vinther", "Kommunaldirektør", "Esbjerg Kommune", "0561"),
    ("Rikke Holm", "Kommunaldirektør", "Roskilde Kommune", "0265"),
    ("Morten Dahl", "Direktør", "Kommunaldirektørforeningens sekretariat", "0101"),
]

AGENDA = [
    ("Godkendelse af dagsorden", AgendaKind.BESLUTNING, "", "Dagsordenen blev godkendt."),
    ("Meddelelser fra formanden", AgendaKind.ORIENTERING, "", ""),
    (
        "Økonomiaftalen 2027",
        AgendaKind.DROEFTELSE,
        "S2024-702",
        "Bestyrelsen drøftede udspillet og bakker op om KL's linje.",
    ),
    (
        "Lederforum 2027: program og sted",
        AgendaKind.BESLUTNING,
        "S2024-715",
        "Lederforum holdes i Odense med temaet handlerum og faglig ledelse.",
    ),
    ("Eventuelt", AgendaKind.ORIENTERING, "", ""),
]


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "oe").replace("å", "aa") + "@komdir.example"


def _at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LOCAL_TZ)


def seed_board_meeting() -> Event:
    """The KOMDIR organisation with its board, and a board meeting three weeks ago with approved minutes."""
    org = Organisation(slug=SLUG, name="Kommunaldirektørforeningen (KOMDIR)", sender_email="sekretariat@komdir.example")
    db.session.add(org)
    db.session.flush()
    for number, (name, title, workplace, code) in enumerate(BOARD, start=1):
        create_member(
            org.id,
            MemberData(
                name=name,
                email=_email(name),
                member_number=f"K{number:03d}",
                job_title=title,
                workplace=workplace,
                municipality_code=code,
                tags=["bestyrelse"],
            ),
        )
    kl = Venue(
        organisation_id=org.id,
        name="KL, Kommunernes Hus",
        address="Weidekampsgade 10",
        postcode="2300",
        city="København S",
        municipality_code="0101",
    )
    day = local_today() - timedelta(days=21)
    event = Event(
        organisation_id=org.id,
        title="Bestyrelsesmøde i KOMDIR",
        kind=EventKind.NETVAERKSMOEDE,
        description="Ordinært bestyrelsesmøde. Mødet holdes hos KL og kan følges online.",
        published=True,
        visibility=Visibility.MEMBERS,
    )
    session = EventSession(
        event=event,
        venue=kl,
        starts_at=_at(day, "13:00"),
        ends_at=_at(day, "16:00"),
        capacity=None,
        online_url="https://meet.example.org/komdir-bestyrelse",
    )
    db.session.add_all([kl, event, session])
    db.session.flush()
    db.session.add(Meeting(session_id=session.id))
    items = []
    for position, (title, kind, case, _decision) in enumerate(AGENDA, start=1):
        item = AgendaItem(session_id=session.id, position=position, title=title, kind=kind, case_number=case)
        db.session.add(item)
        items.append(item)
    db.session.flush()

    # Ten days before: the fixed list, and the answers.
    summoned = session.starts_at - timedelta(days=10)
    members, _unknown = roster.members_for(org.id, "bestyrelse", [])
    added = roster.add_members(session, members, now=summoned, summon=False).added
    places = {entry.person.name: db.session.get(Registration, entry.registration_id) for entry in added}
    for name, registration in places.items():
        if name == "Signe Aagaard":
            afbud.send_afbud(registration, "Byrådsmøde samme dag", now=summoned + timedelta(days=2))
        elif name == "Ole Bjerregaard":
            # Rang the secretariat the day before: recorded by an organiser.
            afbud.send_afbud(registration, "Ringede", by_user=_Secretariat(), now=session.starts_at - timedelta(days=1))
        else:
            afbud.accept(registration, now=summoned + timedelta(days=1))

    # On the day: everyone else checked in; Kasper Lind left during item 4, Rikke Holm online.
    for name, registration in places.items():
        if name in ("Signe Aagaard", "Ole Bjerregaard"):
            continue
        registration.attendance = Attendance.ATTENDED
        registration.checked_in_at = session.starts_at
        if name == "Kasper Lind":
            choice = presence.PresenceChoice(left_item_id=items[3].id, left_during=True)
            registration.attendance_note = presence.record(registration, choice, now=session.starts_at)
        elif name == "Rikke Holm":
            choice = presence.PresenceChoice(online=True)
            registration.attendance_note = presence.record(registration, choice, now=session.starts_at)
    db.session.flush()

    # The next day: the minutes, sent to the board with seven days to object; all approve.
    written = session.ends_at + timedelta(days=1)
    draft = minutes.start(session, now=written)
    minutes.save_draft(
        draft,
        minutes.Draft(
            chair="Henrik Brandt",
            secretary="Morten Dahl",
            preamble="Mødet blev holdt hybridt hos KL.",
            items={
                item.id: minutes.ItemText("Punktet blev gennemgået.", AGENDA[index][3])
                for index, item in enumerate(items)
            },
        ),
        now=written,
    )
    people = [entry.person for entry in added]
    version = approval.send_for_approval(draft, people, now=written)
    for index, answer in enumerate(version.approvals):
        if index % 3 != 2:  # the rest let the deadline pass without objection
            approval.respond(answer, approve=True, now=written + timedelta(days=1 + index % 4))
    approval.approve(draft, now=version.deadline)
    approval.publish(draft, now=version.deadline + timedelta(hours=2))
    return event


class _Secretariat:
    """Stands in for the organiser account in the demo (no back-office account is made here)."""

    id = None
    email = "sekretariat@komdir.example"


def admit_demo_accounts(emails: list[str]) -> None:
    """Give the demo's back-office accounts their roles in KOMDIR too (chosen in the header's switcher)."""
    org = db.session.execute(select(Organisation).where(Organisation.slug == SLUG)).scalar_one_or_none()
    if org is None:
        return
    for user in db.session.execute(select(User).where(User.email.in_(emails))).scalars():
        role = user.memberships[0].role if user.memberships else Role.ORGANISER
        if all(m.organisation_id != org.id for m in user.memberships):
            user.memberships.append(Membership(organisation_id=org.id, role=role))
    db.session.flush()
