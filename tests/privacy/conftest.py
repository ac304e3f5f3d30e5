"""Fixtures for the privacy tests: a person built through the product's own flows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, String, Text, func, select

from eventsite import clock
from eventsite.extensions import db
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
    personal_feed_url,
    member_session,
):  # noqa: F811  (fixtures imported above)
    """A person with data in every category, made through the product's own flows.

    The member directory holds them and an invitation is delivered over SMTP; they sign
    up over HTTP (job, workplace, comment, dietary needs, EAN invoice with a personal
    reference, a shared room, a subsidy application) and confirm by the emailed link; an
    organiser decides the subsidy, checks them in at the door and notes partial attendance
    over HTTP; every email is delivered over SMTP.
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
        return BuiltPerson(
            organisation_id,
            conference.id,
            session_id,
            registration_id,
            person_id,
            manage_path,
            feed_path,
            invitation_token,
        )

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
