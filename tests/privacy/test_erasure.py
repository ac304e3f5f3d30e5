"""Erasure (GDPR art. 17): the person is anonymised everywhere, the statistics stay, the links die."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.privacy.erasure import ErasureError, erase_person
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus
from tests.helpers import log_in, user_email, visible_text
from tests.privacy.conftest import (
    EMAIL,
    MEETING_NEEDLES,
    NAME,
    NEEDLES,
    erase_over_http,
    row_counts,
    text_columns_holding,
)


def test_erasure_leaves_the_counts_and_no_trace_of_the_name_or_address_in_any_text_column(
    app, client, build_person, smtp
):
    built = build_person()
    with app.app_context():
        # The person is everywhere before: registration, directory, outbox, audit, billing, ...
        before = text_columns_holding(NEEDLES)
        assert {"people.name", "people.email", "registrations.comment", "dietary_notes.text", "members.email"} <= set(
            before
        ), before
        assert {
            "outbox_messages.recipient",
            "subsidy_requests.reason",
            "registration_billing.invoice_reference",
        } <= set(before), before
        assert "audit_entries.after" in before or "audit_entries.before" in before, before
        # ...and at the meetings: named in the minutes (draft, the version sent), the afbud's
        # reason (health) and the objection's comment.
        assert {"minutes.secretary", "minutes_items.summary", "minutes_versions.content"} <= set(before), before
        assert set(text_columns_holding(MEETING_NEEDLES)) == {
            "meeting_apologies.reason",
            "minutes_approvals.comment",
        }
        counts = row_counts()

    answer = erase_over_http(client, built.registration_id)
    assert answer.status_code == 303
    followed = client.get(answer.headers["Location"])
    assert "Personens oplysninger er slettet." in visible_text(followed.data)

    with app.app_context():
        assert text_columns_holding(NEEDLES) == {}
        assert text_columns_holding(MEETING_NEEDLES) == {}
        after = row_counts()
        # Dietary needs, the member's tags and the participant-list consent are deleted (the
        # member-page link is ended, not deleted); one audit entry records the erasure.
        expected = dict(
            counts,
            dietary_notes=counts["dietary_notes"] - 1,
            member_tags=counts["member_tags"] - 1,
            list_consents=counts["list_consents"] - 1,
        )
        expected["audit_entries"] = counts["audit_entries"] + 1
        assert after == expected
        registration = db.session.get(Registration, built.registration_id)
        assert registration.status is RegistrationStatus.CONFIRMED
        assert registration.session_id == built.session_id
        assert registration.attendance is Attendance.ATTENDED
        person = db.session.get(Person, built.person_id)
        assert person.erased_at is not None
        assert person.email.startswith("slettet-") and person.email.endswith("@invalid")
        assert (person.name, person.job_title, person.workplace, person.municipality_code) == ("", "", "", None)
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.object_type == "person", AuditEntry.action == "erased")
        ).scalar_one()
        assert entry.object_id == built.person_id
        assert "Personen har bedt om at blive slettet" in entry.after
        # Bookkeeping keeps the paying organisation and its EAN for 5 years.
        from eventsite.payments.models import Billing, SubsidyRequest, SubsidyStatus

        billing = db.session.get(Billing, built.registration_id)
        assert (billing.invoice_organisation, billing.order_number, billing.invoice_reference) == (
            "Næstved Kommune",
            "PO-4711",
            "",
        )
        subsidy = db.session.execute(select(SubsidyRequest)).scalar_one()
        assert subsidy.status is SubsidyStatus.APPROVED and subsidy.granted_ore == 100000
        assert (subsidy.reason, subsidy.decision_note) == ("", "")
        # The meetings keep their facts: the afbud, the fixed lists, attendance by item, the
        # objection; the minutes name "Slettet deltager" where the person stood.
        from eventsite.meetings.minutes_models import ApprovalResponse, Minutes, MinutesApproval, MinutesVersion
        from eventsite.meetings.participation_models import Apology, ItemAttendance, RosterEntry

        apology = db.session.execute(select(Apology)).scalar_one()
        assert apology.session_id == built.afbud_session_id and apology.reason == ""
        assert db.session.execute(select(RosterEntry.person_id)).scalars().all() == [built.person_id] * 2
        assert db.session.execute(select(ItemAttendance.left_during)).scalar_one() is True
        answer = db.session.execute(select(MinutesApproval)).scalar_one()
        assert (answer.response, answer.comment) == (ApprovalResponse.OBJECTED, "")
        version = db.session.execute(select(MinutesVersion)).scalar_one()
        assert version.data["attending"] == [
            {"name": "Slettet deltager", "note": "deltog i pkt. 1 og delvist i pkt. 2"}
        ]
        assert version.data["secretary"] == "Slettet deltager" and version.data["chair"] == "Formanden"
        assert {item["summary"] for item in version.data["items"]} == {"Slettet deltager orienterede."}
        minutes = db.session.execute(select(Minutes)).scalar_one()
        assert minutes.secretary == "Slettet deltager"
        assert NAME not in minutes.items[0].summary


def test_the_erasure_screens_say_what_happens_to_minutes_and_afbud(app, client, build_person):
    built = build_person()
    page = visible_text(client.get(f"/arrangoer/tilmeldinger/{built.registration_id}/slet-oplysninger").data)
    assert 'i dem står personen som "Slettet deltager"' in page
    assert "Begrundelser for afbud og kommentarer til referater slettes." in page


def test_every_link_of_an_erased_person_answers_404(app, client, build_person):
    built = build_person()
    assert client.get(built.manage_path).status_code == 200
    assert client.get(built.feed_path).status_code == 200
    assert client.get(f"/invitation/{built.invitation_token}/afbud").status_code == 200

    assert erase_over_http(client, built.registration_id).status_code == 303
    anonymous = app.test_client()
    assert anonymous.get(built.manage_path).status_code == 404
    assert anonymous.get(built.feed_path).status_code == 404
    assert anonymous.get(f"/invitation/{built.invitation_token}/afbud").status_code == 404
    assert anonymous.get(f"/invitation/{built.invitation_token}/afmeld").status_code == 404


def test_a_second_erasure_is_refused_with_a_danish_message_and_changes_nothing(app, client, build_person):
    built = build_person()
    assert erase_over_http(client, built.registration_id).status_code == 303
    with app.app_context():
        counts = row_counts()
        person = db.session.get(Person, built.person_id)
        placeholder = person.email
        with app.test_request_context():
            with pytest.raises(ErasureError) as refused:
                erase_person(db.session.get(Person, built.person_id), reason="igen")
        assert str(refused.value.message) == "Personens oplysninger er allerede slettet."
        db.session.rollback()

    # Over HTTP: the page says so and leads back; the form cannot be posted again.
    page = client.get(f"/arrangoer/tilmeldinger/{built.registration_id}/slet-oplysninger")
    assert page.status_code == 303
    assert "Personens oplysninger er allerede slettet." in visible_text(client.get(page.headers["Location"]).data)
    with app.app_context():
        assert row_counts() == counts
        assert db.session.get(Person, built.person_id).email == placeholder


def test_a_reason_is_required_and_the_person_stays_until_the_second_click(app, client, create_event, login_as):
    from tests.helpers import csrf_token, sign_up

    event = create_event()
    assert (
        sign_up(
            client, event.id, session_id=str(event.session_id), name="Ole Olsen", email="ole@example.dk"
        ).status_code
        == 303
    )
    login_as(event.organisation_id)
    with app.app_context():
        registration_id = db.session.execute(select(Registration.id)).scalar_one()
    url = f"/arrangoer/tilmeldinger/{registration_id}/slet-oplysninger"
    page = client.get(url)
    empty = client.post(url, data={"csrf_token": csrf_token(page.data), "reason": "  "})
    assert empty.status_code == 422
    assert "Angiv en begrundelse for sletningen." in visible_text(empty.data)
    asked = client.post(url, data={"csrf_token": csrf_token(page.data), "reason": "Ønske fra Ole Olsen"})
    assert asked.status_code == 200
    with app.app_context():
        assert db.session.execute(select(Person.name)).scalar_one() == "Ole Olsen"
    done = client.post(
        url, data={"csrf_token": csrf_token(page.data), "reason": "Ønske fra Ole Olsen", "confirmed": "yes"}
    )
    assert done.status_code == 303
    with app.app_context():
        assert db.session.execute(select(Person.name)).scalar_one() == ""
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "erased")).scalar_one()
        # The organiser typed the name into the reason: it is blanked out of the trail.
        assert "Ole Olsen" not in entry.after and "Ønske fra […]" in entry.after


def test_erasure_is_for_staff_of_the_persons_organisation_only(
    app, client, create_event, create_organisation, register_person, login_as, create_user
):
    event = create_event()
    registration = register_person(event.session_id, email=EMAIL)
    url = f"/arrangoer/tilmeldinger/{registration.id}/slet-oplysninger"
    other = create_organisation(slug="anden")
    login_as(other, "admin")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "x", "confirmed": "yes"}).status_code in (400, 404)
    with app.app_context():
        assert db.session.execute(select(Person.email)).scalar_one() == EMAIL
    door = app.test_client()
    assert log_in(door, user_email(app, create_user(event.organisation_id, "checkin"))).status_code == 303
    assert door.get(url).status_code == 404
    staff = app.test_client()
    assert log_in(staff, user_email(app, create_user(event.organisation_id, "organiser"))).status_code == 303
    assert staff.get(url).status_code == 200
