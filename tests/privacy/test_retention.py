"""Retention that runs by itself: each step with the clock set forward, never before its time."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from eventsite import clock
from eventsite.audit import AuditEntry, record_audit
from eventsite.extensions import db
from eventsite.mail.jobs import registered_jobs, run_job
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.privacy.retention import months_before, run_retention
from eventsite.registration.models import DietaryNote, Person, Registration, RegistrationStatus
from tests.conftest import FUTURE
from tests.helpers import csrf_token, log_in, user_email, visible_text
from tests.privacy.conftest import NEEDLES, row_counts, text_columns_holding


def _run(app, when, **options):
    with clock.travelled(when), app.app_context():
        return run_retention(clock.utcnow(), **options)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = FUTURE.replace(year=2028, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2028-02-29"
    assert months_before(moment, 24).date().isoformat() == "2026-03-31"
    assert months_before(moment, 15).date().isoformat() == "2026-12-31"


def test_dietary_needs_go_the_day_after_the_session_by_the_workers_job(app, create_event, register_person):
    event = create_event(sessions=[{"start": FUTURE, "hours": 6}])
    register_person(event.session_id, dietary_needs="Glutenfri")
    ends = FUTURE + timedelta(hours=6)
    with clock.travelled(ends + timedelta(hours=23)), app.app_context():
        run_job(next(job for job in registered_jobs() if job.name == "retention"))
    assert _count(app, DietaryNote) == 1
    with clock.travelled(ends + timedelta(days=1, hours=2)), app.app_context():
        # Due again an hour after the last run.
        run_job(next(job for job in registered_jobs() if job.name == "retention"))
        from eventsite.mail.models import JobRun

        row = db.session.execute(select(JobRun).where(JobRun.name == "retention")).scalar_one()
        assert (row.last_outcome, row.last_line) == ("ok", "dietary_notes 1")
    assert _count(app, DietaryNote) == 0
    assert _count(app, Registration) == 1


def test_participants_are_anonymised_24_months_after_their_last_event_and_the_counts_stay(
    app, create_event, create_organisation, register_person
):
    org = create_organisation(slug="lederne")
    old = create_event(title="Gammel temadag", organisation_id=org, sessions=[{"start": FUTURE}])
    later = create_event(
        title="Senere temadag", organisation_id=org, sessions=[{"start": FUTURE + timedelta(days=200)}]
    )
    gone = register_person(old.session_id, email="gone@example.dk", name="Gunnar Quixotesdottir")
    register_person(old.session_id, email="stays@example.dk", name="Stine Stay")
    register_person(later.session_id, email="stays@example.dk", name="Stine Stay")
    ends = FUTURE + timedelta(hours=6)

    with app.app_context():
        before = row_counts()
    runs = _run(app, months_before(ends, -24) - timedelta(hours=1))
    assert {run.step: run.count for run in runs}["participants"] == 0
    with app.app_context():
        assert db.session.execute(select(func.count()).where(Person.erased_at.is_not(None))).scalar_one() == 0

    runs = _run(app, months_before(ends, -24) + timedelta(hours=1))
    assert {run.step: run.count for run in runs}["participants"] == 1
    with app.app_context():
        people = dict(db.session.execute(select(Person.name, Person.erased_at)).all())
        assert people.keys() == {"", "Stine Stay"} and people["Stine Stay"] is None
        assert text_columns_holding(("quixotesdottir", "gone@example.dk")) == {}
        after = row_counts()
        assert after["registrations"] == before["registrations"] == 3
        assert (
            db.session.execute(
                select(func.count()).where(Registration.status == RegistrationStatus.CONFIRMED)
            ).scalar_one()
            == 3
        )
        # The run is in the organisation's audit trail, with counts only.
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "ran")).scalar_one()
        assert json.loads(entry.after)["participants"] == 1
    # The old manage link names nobody now: 404, not the "expired" page.
    with clock.travelled(months_before(ends, -24) + timedelta(hours=2)):
        assert app.test_client().get(f"/tilmelding/{gone.token}").status_code == 404


def test_an_organisation_sets_its_own_period_and_sees_the_runs(
    app, client, create_event, register_person, login_as, create_user
):
    event = create_event(sessions=[{"start": FUTURE}])
    register_person(event.session_id, email="kort@example.dk", name="Kort Tid")
    login_as(event.organisation_id, "admin")
    url = f"/arrangoer/organisationer/{event.organisation_id}/databeskyttelse"
    page = client.get(url)
    text = visible_text(page.data)
    assert "Deltagere i tidligere arrangementer" in text and "Standard: 24 måneder." in text
    assert "Kostbehov kan afsløre helbred eller religion" in text
    assert "Fastsat ved lov" in text

    fields = {"csrf_token": csrf_token(page.data), "participants": "200", "dietary_notes": "1"}
    fields.update({"delivered_emails": "30", "unanswered_invitations": "12"})
    fields.update({"afbud_reasons": "30", "minutes_comments": "6", "member_page_links": "30"})
    refused = client.post(url, data=fields)
    assert refused.status_code == 422
    assert "Vælg mellem 1 og 120." in visible_text(refused.data)
    saved = client.post(url, data=dict(fields, participants="12"))
    assert saved.status_code == 303

    ends = FUTURE + timedelta(hours=6)
    assert {r.step: r.count for r in _run(app, months_before(ends, -12) - timedelta(hours=1))}["participants"] == 0
    assert {r.step: r.count for r in _run(app, months_before(ends, -12) + timedelta(hours=1))}["participants"] == 1
    with clock.travelled(months_before(ends, -12) + timedelta(hours=2)):
        # A year later: a fresh login.
        admin = app.test_client()
        assert log_in(admin, user_email(app, create_user(event.organisation_id, "admin"))).status_code == 303
        again = admin.get(url)
    assert "Deltagere i tidligere arrangementer 1" in visible_text(again.data)

    # Organisers (not administrators) get 404.
    organiser = app.test_client()
    assert log_in(organiser, user_email(app, create_user(event.organisation_id, "organiser"))).status_code == 303
    assert organiser.get(url).status_code == 404


def test_delivered_email_recipients_go_after_30_days_and_the_record_stays(app, create_event, register_person):
    event = create_event()
    register_person(event.session_id, email="post@example.dk", notify=True)
    with app.app_context():
        message = db.session.execute(select(OutboxMessage)).scalar_one()
        message.status, message.sent_at = OutboxStatus.SENT, message.created_at
        created = message.created_at
        db.session.commit()
    _run(app, created + timedelta(days=29))
    with app.app_context():
        assert db.session.execute(select(OutboxMessage.recipient)).scalar_one() == "post@example.dk"
    _run(app, created + timedelta(days=30, hours=1))
    with app.app_context():
        row = db.session.execute(select(OutboxMessage)).scalar_one()
        assert (row.recipient, row.kind, row.status) == ("", MailKind.CONFIRMATION, OutboxStatus.SENT)
        assert row.sent_at is not None


def test_unanswered_invitations_go_after_12_months_and_answered_ones_stay(app, create_event, register_person):
    from eventsite.invitations.models import Invitation, InvitationRound, InvitationState, Member

    event = create_event()
    with app.app_context():
        round_ = InvitationRound(event_id=event.id, idempotency_key="r1")
        db.session.add(round_)
        for index, state in enumerate((InvitationState.SENT, InvitationState.DECLINED)):
            member = Member(organisation_id=event.organisation_id, email=f"m{index}@x.dk", name=f"M {index}")
            db.session.add(member)
            db.session.flush()
            db.session.add(Invitation(round=round_, event_id=event.id, member_id=member.id, state=state))
        db.session.commit()
        queued = db.session.execute(select(func.min(Invitation.queued_at))).scalar_one()
    _run(app, months_before(queued, -12) - timedelta(hours=1))
    assert _count(app, Invitation) == 2
    _run(app, months_before(queued, -12) + timedelta(hours=1))
    with app.app_context():
        assert db.session.execute(select(Invitation.state)).scalars().all() == [InvitationState.DECLINED]


def test_audit_snapshots_lose_personal_details_with_the_participants_and_entries_go_after_5_years(
    app, create_event, register_person
):
    event = create_event()
    registration = register_person(event.session_id)
    with app.test_request_context():
        record_audit(
            event.organisation_id, "registration", registration.id, "moved", before={"name": "Ada Quixotesdottir"}
        )
        record_audit(
            event.organisation_id, "event", event.id, "updated", before={"title": "Gammel"}, after={"title": "Ny"}
        )
        db.session.commit()
        made = db.session.execute(select(func.min(AuditEntry.created_at))).scalar_one()
    _run(app, months_before(made, -24) - timedelta(hours=1))
    with app.app_context():
        assert "audit_entries.before" in text_columns_holding(NEEDLES)
    _run(app, months_before(made, -24) + timedelta(hours=1))
    with app.app_context():
        assert text_columns_holding(NEEDLES) == {}
        entries = dict(db.session.execute(select(AuditEntry.object_type, AuditEntry.after)).all())
        assert json.loads(entries["event"]) == {"title": "Ny"}  # not about a person: kept whole
        assert entries["registration"] == ""
    _run(app, months_before(made, -60) + timedelta(hours=1))
    with app.app_context():
        kinds = db.session.execute(select(AuditEntry.object_type)).scalars().all()
        assert "event" not in kinds and "registration" not in kinds


def test_a_dry_run_prints_what_would_go_per_organisation_and_changes_nothing(
    app, create_event, create_organisation, register_person
):
    org = create_organisation(slug="lederne-sjaelland")
    event = create_event(organisation_id=org, sessions=[{"start": FUTURE}])
    register_person(event.session_id, dietary_needs="Vegetar", name="Dry Quixotesdottir")
    with app.app_context():
        before = (row_counts(), text_columns_holding(NEEDLES))
        db.session.rollback()
    with clock.travelled(months_before(FUTURE, -25)):
        result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("lederne-sjaelland\tparticipants\t1\t(would go") for line in lines), lines
    assert any(line.startswith("lederne-sjaelland\tdietary_notes\t1\t") for line in lines), lines
    assert "quixotesdottir" not in result.output.lower()
    with app.app_context():
        assert (row_counts(), text_columns_holding(NEEDLES)) == before
        db.session.rollback()

    with clock.travelled(months_before(FUTURE, -25)):
        done = app.test_cli_runner().invoke(args=["retention"])
    assert done.exit_code == 0, done.output
    assert "lederne-sjaelland\tparticipants\t1\t(done" in done.output
    with app.app_context():
        assert text_columns_holding(NEEDLES) == {}
        db.session.rollback()
    assert _count(app, DietaryNote) == 0


def test_invoice_details_of_erased_people_keep_the_payer_for_5_years_then_only_amounts_and_dates(
    app, create_event, register_person
):
    from eventsite.payments.models import Billing, PayerKind
    from eventsite.privacy.erasure import erase_person
    from tests.payments.conftest import VALID_CVR, VALID_EAN

    event = create_event(sessions=[{"start": FUTURE}])
    registration = register_person(event.session_id, name="Ib Quixotesdottir")
    with app.test_request_context():
        db.session.add(
            Billing(
                registration_id=registration.id,
                fee_ore=150000,
                payer_kind=PayerKind.EAN,
                ean=VALID_EAN,
                cvr=VALID_CVR,
                invoice_organisation="Næstved Kommune",
                invoice_reference="Ib Quixotesdottir",
                order_number="PO-1",
                invoiced_at=FUTURE,
            )
        )
        db.session.commit()
        erase_person(db.session.get(Person, db.session.execute(select(Person.id)).scalar_one()), reason="Ønske")
        db.session.commit()

    def billing():
        with app.app_context():
            row = db.session.get(Billing, registration.id)
            return (row.invoice_organisation, row.order_number, row.cvr, row.invoice_reference, row.fee_ore)

    assert billing() == ("Næstved Kommune", "PO-1", VALID_CVR, "", 150000)
    _run(app, months_before(FUTURE, -60) - timedelta(hours=1))
    assert billing() == ("Næstved Kommune", "PO-1", VALID_CVR, "", 150000)
    _run(app, months_before(FUTURE, -60) + timedelta(hours=1))
    assert billing() == ("", "", None, "", 150000)
