"""Afbud and the calendar, over real HTTP and SMTP: the invitation's CANCEL goes out with
an afbud, and an afbud withdrawn before the meeting gives the place back (or the waiting
list when the meeting is full) with a new REQUEST. The .ics parsed back with icalendar.
Both databases."""

from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.meetings.models import AgendaItem
from eventsite.meetings.participation_models import Apology, RosterEntry
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus
from tests.conftest import FUTURE
from tests.helpers import csrf_token, sign_up, visible_text
from tests.invitations.conftest import create_member  # noqa: F401  (fixture)
from tests.meetings.conftest import deliver, smtp  # noqa: F401  (fixtures)

LINK = re.compile(r"http://localhost(/tilmelding/[^\s\"<>/]+)")


def _meeting(app, create_event, capacity):
    created = create_event(title="Lederforum", sessions=[{"capacity": capacity}])
    with app.app_context():
        db.session.add(AgendaItem(session_id=created.session_id, position=1, title="Velkomst"))
        db.session.commit()
    return created


def _sign_up(app, event, name: str, email: str) -> str:
    """Sign up over HTTP (and confirm by the emailed link); the manage page's path."""
    client = app.test_client()
    answer = sign_up(client, event.id, session_id=str(event.session_id), name=name, email=email)
    assert answer.status_code == 303
    path = answer.headers["Location"].removesuffix("/kvittering")
    return path if path.startswith("/") else "/" + path.split("/", 3)[-1]


def _mails_to(smtp, email: str, subject_start: str):
    return [
        m.message() for m in smtp.received if email in m.rcpt_tos and m.message()["Subject"].startswith(subject_start)
    ]


def _ics(message) -> Calendar:
    """The calendar part of an email, parsed back (the text/calendar alternative)."""
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def _event(calendar: Calendar):
    [vevent] = calendar.walk("VEVENT")
    return vevent


def _post(app, path: str, action: str, data: dict | None = None, client=None):
    client = client or app.test_client()
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    answer = client.post(action, data={"csrf_token": csrf_token(page.data), **(data or {})})
    return client, answer


def test_afbud_cancels_the_calendar_entry_and_withdrawing_it_on_a_full_meeting_waitlists_then_seats(
    app, create_event, smtp, deliver
):
    event = _meeting(app, create_event, capacity=2)
    anna = _sign_up(app, event, "Anna Andersen", "anna@example.dk")
    _sign_up(app, event, "Bo Bach", "bo@example.dk")
    carl = _sign_up(app, event, "Carl Carlsen", "carl@example.dk")
    deliver()
    [confirmation] = _mails_to(smtp, "anna@example.dk", "Bekræftelse på tilmelding")
    invited = _event(_ics(confirmation))
    assert _ics(confirmation)["METHOD"] == "REQUEST"

    # Afbud through the personal link: the place goes to Carl, Anna gets the CANCEL.
    client, sent = _post(app, anna, anna + "/afbud", {"reason": "Sygdom"})
    assert sent.status_code == 303
    deliver()
    [received] = _mails_to(smtp, "anna@example.dk", "Afbud modtaget")
    cancel = _ics(received)
    assert cancel["METHOD"] == "CANCEL"
    entry = _event(cancel)
    assert str(entry["UID"]) == str(invited["UID"])
    assert int(entry["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert str(entry["STATUS"]) == "CANCELLED"
    body = received.get_body(("plain",)).get_content()
    assert "Mødet er fjernet fra din kalender" in body and "Din plads er givet videre" in body
    with app.app_context():
        carl_row = db.session.execute(
            select(Registration).join(Person).where(Person.email == "carl@example.dk")
        ).scalar_one()
        assert carl_row.status is RegistrationStatus.CONFIRMED

    # The manage page offers to take it back; the meeting is full now: the waiting list.
    page = visible_text(client.get(anna).data)
    assert "Kan du alligevel komme?" in page
    token = csrf_token(client.get(anna).data)
    withdrawn = client.post(anna + "/fortryd-afbud", data={"csrf_token": token})
    assert withdrawn.status_code == 303
    assert "Dit afbud er trukket tilbage. Mødet er fuldt, så du står på ventelisten." in visible_text(
        client.get(anna).data
    )
    with app.app_context():
        row = db.session.execute(
            select(Registration).join(Person).where(Person.email == "anna@example.dk")
        ).scalar_one()
        assert row.status is RegistrationStatus.WAITLISTED and row.attendance is Attendance.NONE
        assert db.session.get(Apology, row.id) is None
    deliver()
    [news] = _mails_to(smtp, "anna@example.dk", "Afbud trukket tilbage")
    assert "ventelisten som nummer 1" in news.get_body(("plain",)).get_content()
    assert not [part for part in news.walk() if part.get_content_type() == "text/calendar"]

    # Carl gives up his place: Anna, first on the waiting list, gets it with a new REQUEST.
    carl_client, asked = _post(app, carl, carl + "/afmeld")
    assert asked.status_code == 200
    cancelled = carl_client.post(carl + "/afmeld", data={"csrf_token": csrf_token(asked.data), "confirmed": "yes"})
    assert cancelled.status_code == 303
    deliver()
    with app.app_context():
        assert db.session.get(Registration, row.id).status is RegistrationStatus.CONFIRMED
    requests = [m for m in smtp.received if "anna@example.dk" in m.rcpt_tos]
    last = _ics(requests[-1].message())
    assert last["METHOD"] == "REQUEST"
    assert int(_event(last)["SEQUENCE"]) > int(entry["SEQUENCE"])


def test_an_organiser_withdraws_an_afbud_and_the_person_has_their_seat_and_calendar_entry_again(
    app, create_event, smtp, deliver, login_as, client
):
    event = _meeting(app, create_event, capacity=5)
    anna = _sign_up(app, event, "Anna Andersen", "anna@example.dk")
    deliver()
    _post(app, anna, anna + "/afbud", {"reason": ""})
    deliver()
    [received] = _mails_to(smtp, "anna@example.dk", "Afbud modtaget")
    cancel_sequence = int(_event(_ics(received))["SEQUENCE"])
    login_as(event.organisation_id)
    with app.app_context():
        registration_id = db.session.execute(select(Registration.id)).scalar_one()
    listing = f"/arrangoer/sessioner/{event.session_id}/moede"
    assert "Træk afbud tilbage" in visible_text(client.get(listing).data)
    _client, answer = _post(app, listing, f"/arrangoer/tilmeldinger/{registration_id}/fortryd-afbud", client=client)
    assert answer.status_code == 303
    assert "Afbuddet fra Anna Andersen er trukket tilbage: personen har sin plads igen." in visible_text(
        client.get(listing).data
    )
    deliver()
    [news] = _mails_to(smtp, "anna@example.dk", "Afbud trukket tilbage")
    request = _ics(news)
    assert request["METHOD"] == "REQUEST"
    assert int(_event(request)["SEQUENCE"]) > cancel_sequence
    assert str(_event(request)["STATUS"]) == "CONFIRMED"
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.status is RegistrationStatus.CONFIRMED
        assert db.session.get(Apology, registration_id) is None


def test_no_cancel_without_an_invitation_and_a_fixed_list_counts_a_withdrawn_afbud_as_attending(
    app, create_event, smtp, deliver, create_member, login_as, client
):
    event = _meeting(app, create_event, capacity=None)
    create_member(event.organisation_id, "Dorte Dam", email="dorte@example.dk")
    login_as(event.organisation_id)
    listing = f"/arrangoer/sessioner/{event.session_id}/moede"
    _client, added = _post(app, listing, f"{listing}/liste", {"tag": "", "entries": "dorte@example.dk"}, client=client)
    assert added.status_code == 303
    deliver()
    [summons] = _mails_to(smtp, "dorte@example.dk", "Indkaldelse")
    manage = LINK.search(summons.get_body(("plain",)).get_content()).group(1)
    person, sent = _post(app, manage, manage + "/afbud", {"reason": "Ferie"})
    assert sent.status_code == 303
    deliver()
    with app.app_context():
        # The summons carries no calendar entry: there is nothing to cancel.
        kinds = db.session.execute(select(OutboxMessage.kind)).scalars().all()
        assert MailKind.AFBUD_RECEIVED not in kinds
    withdrawn = person.post(manage + "/fortryd-afbud", data={"csrf_token": csrf_token(person.get(manage).data)})
    assert withdrawn.status_code == 303
    assert "Dit afbud er trukket tilbage: du har din plads igen." in visible_text(person.get(manage).data)
    assert "Deltager 1" in visible_text(client.get(listing).data)
    with app.app_context():
        assert db.session.execute(select(RosterEntry.accepted_at)).scalar_one() is not None


def test_withdrawing_is_refused_without_afbud_and_once_the_meeting_started(app, create_event, smtp, deliver):
    event = _meeting(app, create_event, capacity=5)
    anna = _sign_up(app, event, "Anna Andersen", "anna@example.dk")
    client, refused = _post(app, anna, anna + "/fortryd-afbud")
    assert refused.status_code == 303
    assert "Der er ikke meldt afbud til dette møde." in visible_text(client.get(anna).data)
    _post(app, anna, anna + "/afbud", {"reason": ""}, client=client)
    token = csrf_token(client.get(anna).data)
    with clock.travelled(FUTURE + timedelta(minutes=1)):
        late = client.post(anna + "/fortryd-afbud", data={"csrf_token": token})
        assert late.status_code == 303
        assert "Mødet er allerede begyndt: afbud kan ikke længere trækkes tilbage her." in visible_text(
            client.get(anna).data
        )
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        assert db.session.get(Apology, registration.id) is not None
        assert registration.status is RegistrationStatus.CANCELLED


def test_a_member_with_a_place_on_another_session_is_left_off_the_fixed_list_and_the_organiser_told(
    app, create_event, smtp, deliver, create_member, login_as, client
):
    # A person holds one place per event: a board member already signed up for the
    # other date is named in a message, and the rest of the list is made (no 500).
    event = create_event(title="Bestyrelsesmøde", sessions=[{"capacity": None}, {"capacity": None}])
    first, other = event.session_ids
    create_member(event.organisation_id, "Dorte Dam", email="dorte@example.dk")
    create_member(event.organisation_id, "Erik Eriksen", email="erik@example.dk")
    assert sign_up(app.test_client(), event.id, session_id=str(other), name="Erik Eriksen", email="erik@example.dk")
    login_as(event.organisation_id)
    listing = f"/arrangoer/sessioner/{first}/moede"
    _client, added = _post(
        app, listing, f"{listing}/liste", {"tag": "", "entries": "dorte@example.dk\nerik@example.dk"}, client=client
    )
    assert added.status_code == 303
    page = visible_text(client.get(listing).data)
    assert "1 er sat på listen" in page
    assert "Ikke sat på listen, fordi de har plads på et andet hold af arrangementet: Erik Eriksen" in page
    with app.app_context():
        listed = (
            db.session.execute(select(Person.email).join(RosterEntry, RosterEntry.person_id == Person.id))
            .scalars()
            .all()
        )
        assert listed == ["dorte@example.dk"]
        places = (
            db.session.execute(select(Registration.session_id).join(Person).where(Person.email == "erik@example.dk"))
            .scalars()
            .all()
        )
        assert places == [other]  # his place is untouched
