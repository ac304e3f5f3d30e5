"""Fixtures for the privacy tests: a person built through the product's own flows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, String, Text, func, select

from eventsite import clock
from eventsite.extensions import db
from tests.conftest import FUTURE
from tests.helpers import csrf_token, log_in, sign_up, user_email, visible_text
from tests.invitations.conftest import create_member, invitation_tokens, send_round  # noqa: F401  (fixtures)
from tests.mail.conftest import deliver, smtp  # noqa: F401  (fixtures)
from tests.mail.fixtures import personal_feed_url  # noqa: F401  (fixture)
from tests.payments.conftest import VALID_EAN, create_conference  # noqa: F401  (fixture)
from tests.privacy.member_helpers import member_session  # noqa: F401  (fixture)

#: The person every privacy test builds; the surname and the address's local part are
#: distinctive enough to be searched for in every column of every table.
NAME = "Xenia Quixotesdottir"
EMAIL = "xenia.quixote@kommune.dk"
NEEDLES = ("quixotesdottir", "xenia.quixote")
#: What the person wrote at their meetings: the reason for an afbud (health) and an objection to minutes.
AFBUD_REASON = "Migrænebehandling på Rigshospitalet"
APPROVAL_COMMENT = "Pkt. 2 skal nævne min sygeorlov"
MEETING_NEEDLES = ("migrænebehandling", "sygeorlov")
#: Paths in the plain-text emails.
LINK = re.compile(r"http://localhost(/[^\s\"<>]+)")


@dataclass
class BuiltPerson:
    organisation_id: int
    event_id: int
    session_id: int
    registration_id: int
    person_id: int
    manage_path: str
    feed_path: str
    invitation_token: str
    #: The board meeting the person attended in part (minutes objected to) and the one they sent afbud for.
    meeting_session_id: int = 0
    afbud_session_id: int = 0


def link_in(smtp, prefix: str, email: str = EMAIL) -> str:
    """The path of the newest personal link starting with `prefix` emailed to the address."""
    for received in reversed(smtp.received):
        if email not in received.rcpt_tos:
            continue
        body = received.message().get_body(("plain",)).get_content()
        paths = [path for path in LINK.findall(body) if path.startswith(prefix)]
        if paths:
            return paths[0]
    raise AssertionError(f"no {prefix} link to {email}")


def text_columns_holding(needles: tuple[str, ...]) -> dict[str, int]:
    """{"table.column": rows} for every text column of every table in the database (reflected) holding a needle."""
    reflected = MetaData()
    reflected.reflect(bind=db.session.connection())
    found: dict[str, int] = {}
    for table in reflected.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (String, Text)):
                continue
            for needle in needles:
                count = db.session.execute(
                    select(func.count()).select_from(table).where(func.lower(column).contains(needle))
                ).scalar_one()
                if count:
                    found[f"{table.name}.{column.name}"] = found.get(f"{table.name}.{column.name}", 0) + count
    return found


def row_counts() -> dict[str, int]:
    """Rows per table of the database (reflected)."""
    reflected = MetaData()
    reflected.reflect(bind=db.session.connection())
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in reflected.sorted_tables
    }


@pytest.fixture
def build_person(
    app,
    client,
    smtp,
    deliver,
    create_conference,
    create_member,
    send_round,
    login_as,
    create_user,
    create_event,
    personal_feed_url,
    member_session,
):  # noqa: F811  (fixtures imported above)
    """A person with data in every category, made through the product's own flows.

    The member directory holds them and an invitation is delivered over SMTP; they sign
    up over HTTP (job, workplace, comment, dietary needs, EAN invoice with a personal
    reference, a shared room, a subsidy application) and confirm by the emailed link; an
    organiser decides the subsidy, checks them in at the door and notes partial attendance
    over HTTP; every email is delivered over SMTP. At two board meetings (fixed lists
    the organiser puts them on over HTTP) they send afbud with a reason for one through
    their emailed link, and attend the other in part (recorded by agenda item at the door),
    are named in its minutes and object to them with a comment through the approval link.
    """

    def _build() -> BuiltPerson:
        from eventsite.registration.models import Registration

        # With a participant list, so the person can consent to it on the sign-up form.
        conference = create_conference(participant_list=True)
        organisation_id = conference.organisation_id
        create_member(organisation_id, NAME, email=EMAIL, job_title="Kontorchef", workplace="Quixotesdottir Kommune")
        with app.app_context():
            from eventsite.invitations.models import Member, MemberTag

            member = db.session.execute(select(Member).where(Member.email == EMAIL)).scalar_one()
            db.session.add(MemberTag(member_id=member.id, tag="Kreds Quixotesdottir"))
            db.session.commit()
        round_id = send_round(conference.id)
        deliver()
        invitation_token = invitation_tokens(app, round_id)[EMAIL]

        response = sign_up(
            client,
            conference.id,
            session_id=str(conference.session_id),
            name=NAME,
            email=EMAIL,
            job_title="Kontorchef",
            workplace="Quixotesdottir Kommune",
            municipality_code="0370",
            dietary_needs="Glutenfri (Xenia Quixotesdottir)",
            comment="Jeg er Xenia Quixotesdottir, skriv til xenia.quixote@kommune.dk",
            is_member="yes",
            day_ids=[str(d) for d in conference.day_ids],
            addon_ids=[str(conference.addons["Plads i delt dobbeltværelse"])],
            share_with="Kollega til Quixotesdottir",
            payer="ean",
            ean=VALID_EAN,
            invoice_organisation="Næstved Kommune",
            invoice_reference="Xenia Quixotesdottir",
            order_number="PO-4711",
            subsidy_requested="y",
            subsidy_fee="y",
            subsidy_reason="Quixotesdottir har ingen kursusmidler i år.",
            list_consent="y",
        )
        assert response.status_code == 303, visible_text(response.data)
        manage_path = response.headers["Location"].replace("/kvittering", "")
        manage_path = "/" + manage_path.split("/", 3)[-1] if manage_path.startswith("http") else manage_path
        with app.app_context():
            registration = db.session.execute(select(Registration)).scalar_one()
            registration_id, person_id = registration.id, registration.person_id
            session_id = registration.session_id
            from eventsite.payments.models import SubsidyRequest

            request_id = db.session.execute(select(SubsidyRequest.id)).scalar_one()
            starts_at = registration.session.starts_at
        feed_path = personal_feed_url(registration_id)
        # Their own page, through the emailed single-use link (a member-page link row).
        deliver()
        assert member_session(conference.id, EMAIL).status_code == 200

        login_as(organisation_id)
        page = client.get(f"/arrangoer/tilskud/{request_id}")
        decided = client.post(
            f"/arrangoer/tilskud/{request_id}",
            data={
                "csrf_token": csrf_token(page.data),
                "decision": "approve",
                "granted": "1000",
                "note": "Godkendt til Xenia Quixotesdottir.",
            },
        )
        assert decided.status_code == 303, visible_text(decided.data)

        with clock.travelled(starts_at + timedelta(minutes=5)):
            # A month later: the door's own phone, logged in that morning.
            door_client = app.test_client()
            assert log_in(door_client, user_email(app, create_user(organisation_id, "checkin"))).status_code == 303
            door = door_client.get(f"/arrangoer/sessioner/{session_id}/indtjekning")
            token = csrf_token(door.data)
            checked = door_client.post(f"/arrangoer/tilmeldinger/{registration_id}/indtjek", data={"csrf_token": token})
            assert checked.status_code == 303
            noted = door_client.post(
                f"/arrangoer/tilmeldinger/{registration_id}/fremmoede-note",
                data={"csrf_token": token, "note": "Quixotesdottir gik kl. 12"},
            )
            assert noted.status_code == 303
        deliver()
        assert any(EMAIL in message.rcpt_tos for message in smtp.received)
        meeting_id, afbud_id = _meetings(organisation_id)
        return BuiltPerson(
            organisation_id,
            conference.id,
            session_id,
            registration_id,
            person_id,
            manage_path,
            feed_path,
            invitation_token,
            meeting_id,
            afbud_id,
        )

    def _meetings(organisation_id: int) -> tuple[int, int]:
        from eventsite.meetings.models import AgendaItem, AgendaKind
        from eventsite.registration.models import Person, Registration

        # Two board meetings after the conference, no capacity, each with a fixed list.
        start = FUTURE + timedelta(days=10)
        meeting_id, afbud_id = (
            create_event(
                title=title, organisation_id=organisation_id, sessions=[{"capacity": None, "hours": 3, "start": when}]
            ).session_id
            for title, when in (("Bestyrelsesmøde", start), ("Bestyrelsesseminar", start + timedelta(days=7)))
        )
        with app.app_context():
            items = []
            for position, title in enumerate(("Godkendelse af dagsorden", "Budget", "Eventuelt"), start=1):
                item = AgendaItem(session_id=meeting_id, position=position, title=title, kind=AgendaKind.ORIENTERING)
                db.session.add(item)
                db.session.flush()
                items.append(item.id)
            db.session.commit()
        for sid in (meeting_id, afbud_id):
            page = client.get(f"/arrangoer/sessioner/{sid}/moede")
            added = client.post(
                f"/arrangoer/sessioner/{sid}/moede/liste",
                data={"csrf_token": csrf_token(page.data), "tag": "", "entries": EMAIL},
            )
            assert added.status_code == 303, visible_text(added.data)
            deliver()
            manage = link_in(smtp, "/tilmelding/")
            person = app.test_client()
            form = person.get(manage)
            if sid == afbud_id:
                sent = person.post(
                    manage + "/afbud", data={"csrf_token": csrf_token(form.data), "reason": AFBUD_REASON}
                )
            else:
                sent = person.post(manage + "/deltager", data={"csrf_token": csrf_token(form.data)})
            assert sent.status_code == 303
        with app.app_context():
            meeting_registration = db.session.execute(
                select(Registration.id)
                .join(Person, Person.id == Registration.person_id)
                .where(Registration.session_id == meeting_id, Person.email == EMAIL)
            ).scalar_one()
        with clock.travelled(start + timedelta(minutes=10)):
            door = app.test_client()
            assert log_in(door, user_email(app, create_user(organisation_id, "checkin"))).status_code == 303
            page = door.get(f"/arrangoer/sessioner/{meeting_id}/indtjekning")
            token = csrf_token(page.data)
            assert (
                door.post(f"/arrangoer/tilmeldinger/{meeting_registration}/indtjek", data={"csrf_token": token})
            ).status_code == 303
            left = door.post(
                f"/arrangoer/tilmeldinger/{meeting_registration}/indtjek/punkter",
                data={"csrf_token": token, "arrived_item": "", "left_item": str(items[1]), "left_during": "y"},
            )
            assert left.status_code == 303, visible_text(left.data)
        with clock.travelled(start + timedelta(hours=5)):
            office = app.test_client()
            assert log_in(office, user_email(app, create_user(organisation_id, "organiser"))).status_code == 303
            minutes = f"/arrangoer/sessioner/{meeting_id}/referat"
            texts = {"chair": "Formanden", "secretary": NAME, "preamble": "Mødet blev holdt hybridt."}
            for item_id in items:
                texts[f"summary-{item_id}"] = f"{NAME} orienterede."
                texts[f"decision-{item_id}"] = "Taget til efterretning."
            saved = office.post(minutes, data={"csrf_token": csrf_token(office.get(minutes).data), **texts})
            assert saved.status_code == 303, visible_text(saved.data)
            sent = office.post(
                f"{minutes}/send",
                data={"csrf_token": csrf_token(office.get(minutes).data), "recipients": "list", "deadline_days": "7"},
            )
            assert sent.status_code == 303, visible_text(sent.data)
            deliver()
            approval = link_in(smtp, "/referat/godkend/")
            person = app.test_client()
            objected = person.post(
                approval,
                data={
                    "csrf_token": csrf_token(person.get(approval).data),
                    "object": "Gør indsigelse",
                    "comment": APPROVAL_COMMENT,
                },
            )
            assert objected.status_code == 303, visible_text(objected.data)
        return meeting_id, afbud_id

    return _build


def erase_over_http(client, registration_id: int, reason: str = "Personen har bedt om at blive slettet"):
    """The organiser's two steps: the reason, then the confirmation; returns the last answer."""
    url = f"/arrangoer/tilmeldinger/{registration_id}/slet-oplysninger"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    confirm = client.post(url, data={"csrf_token": csrf_token(page.data), "reason": reason})
    assert confirm.status_code == 200
    assert "Er du sikker?" in visible_text(confirm.data)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm.get_data(as_text=True)))
    return client.post(url, data={"csrf_token": csrf_token(confirm.data), **hidden})
