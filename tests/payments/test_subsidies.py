"""Subsidy requests: decisions within the budget, the queue, the report and the "Tilskud" marks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.payments.models import SubsidyRequest, SubsidyStatus
from eventsite.payments.operations import Choices, SubsidyWish
from eventsite.payments.subsidies import (
    BudgetUse,
    SubsidyError,
    approval_problem,
    decide,
    subsidised_registration_ids,
    subsidy_report,
)
from tests.helpers import csrf_token, visible_text

WISH = SubsidyWish(fee=True, accommodation=True, reason="Min afdeling har ingen kursusmidler.")


@pytest.fixture
def applicant(create_conference, register_person):
    """A conference and a function that signs someone up with a subsidy application; returns the request id."""

    def _apply(conference, name: str = "Birgitte Lund") -> int:
        return register_person(
            conference.session_id,
            choices=Choices(True, frozenset(conference.day_ids), subsidy=WISH),
            notify=True,
            name=name,
        ).id

    return _apply


def request_for(app, registration_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            select(SubsidyRequest.id).where(SubsidyRequest.registration_id == registration_id)
        ).scalar_one()


def decide_now(app, request_id: int, approve: bool, granted: int | None = None, note: str = ""):
    with app.test_request_context(method="POST"):
        request = db.session.get(SubsidyRequest, request_id)
        try:
            decide(request, approve, granted_ore=granted, note=note)
            db.session.commit()
        except SubsidyError as error:
            db.session.rollback()
            return str(error.message)
        return None


# --- pure budget arithmetic --------------------------------------------------------


def test_a_budget_of_places_refuses_one_approval_too_many(app):
    with app.test_request_context():
        assert approval_problem(BudgetUse(places=2, amount=None, places_used=1), None) is None
        assert str(approval_problem(BudgetUse(places=2, amount=None, places_used=2), None)) == (
            "Alle budgettets 2 pladser med tilskud er bevilget."
        )


def test_a_budget_of_an_amount_needs_an_amount_and_refuses_to_overspend(app):
    with app.test_request_context():
        use = BudgetUse(places=None, amount=500000, amount_used=400000)
        assert str(approval_problem(use, None)) == "Budgettet er et beløb: angiv, hvor meget der bevilges."
        assert approval_problem(use, 100000) is None
        assert str(approval_problem(use, 100001)) == (
            "Tilskuddet overskrider budgettet: der er 1.000,00\u00a0kr. tilbage af 5.000,00\u00a0kr."
        )


# --- decisions ----------------------------------------------------------------------


def test_approvals_stop_at_the_budget_and_nothing_is_saved_beyond_it(app, create_conference, applicant):
    conference = create_conference(budget=(2, None))
    requests = [request_for(app, applicant(conference, f"Leder {n}")) for n in range(3)]
    assert decide_now(app, requests[0], True) is None
    assert decide_now(app, requests[1], True) is None
    assert decide_now(app, requests[2], True) == "Alle budgettets 2 pladser med tilskud er bevilget."
    with app.app_context():
        statuses = [db.session.get(SubsidyRequest, r).status for r in requests]
    assert statuses == [SubsidyStatus.APPROVED, SubsidyStatus.APPROVED, SubsidyStatus.REQUESTED]


def test_declining_frees_nothing_and_a_cancelled_registration_gives_its_place_back(app, create_conference, applicant):
    from eventsite.registration.models import Registration
    from eventsite.registration.operations import cancel

    conference = create_conference(budget=(1, None))
    first = applicant(conference, "Første")
    second = applicant(conference, "Anden")
    assert decide_now(app, request_for(app, first), True) is None
    assert decide_now(app, request_for(app, second), True) is not None
    with app.test_request_context(method="POST"):
        cancel(db.session.get(Registration, first))
        db.session.commit()
    assert decide_now(app, request_for(app, second), True) is None


def test_an_amount_budget_is_never_overspent(app, create_conference, applicant):
    conference = create_conference(budget=(None, 500000))
    a, b = (request_for(app, applicant(conference, n)) for n in ("A", "B"))
    assert decide_now(app, a, True, granted=330400) is None
    assert decide_now(app, b, True, granted=330400).startswith("Tilskuddet overskrider budgettet")
    assert decide_now(app, b, True, granted=169600) is None
    report_year = None
    with app.app_context():
        from eventsite.events.models import Event
        from eventsite.payments.subsidies import event_year

        report_year = event_year(db.session.get(Event, conference.id))
        report = subsidy_report([conference.organisation_id], report_year)
    (row,) = report.rows
    assert (row.requested, row.approved, row.pending, row.declined) == (2, 2, 0, 0)
    assert row.spent == 500000 and row.amount_left == 0


def test_a_declined_request_is_flagged_and_the_person_sees_the_note(app, client, create_conference, applicant):
    conference = create_conference()
    registration_id = applicant(conference)
    assert decide_now(app, request_for(app, registration_id), False, note="Budgettet er brugt op i år.") is None
    with app.test_request_context():
        from eventsite.registration.models import Registration
        from eventsite.registration.tokens import manage_token

        token = manage_token(db.session.get(Registration, registration_id))
    text = visible_text(client.get(f"/tilmelding/{token}").data)
    assert "Status: Afslået" in text
    assert "Besked fra arrangøren: Budgettet er brugt op i år." in text


def test_a_decision_is_queued_as_an_email_in_the_same_transaction(app, create_conference, applicant):
    from eventsite.mail.models import MailKind, OutboxMessage

    conference = create_conference()
    request_id = request_for(app, applicant(conference))
    assert decide_now(app, request_id, True, granted=100000, note="God fornøjelse.") is None
    with app.app_context():
        kinds = db.session.execute(select(OutboxMessage.kind, OutboxMessage.registration_id)).all()
        registration_id = db.session.get(SubsidyRequest, request_id).registration_id
    assert (MailKind.SUBSIDY_DECISION, registration_id) in kinds


def test_only_approved_requests_mark_registrations_as_subsidised(app, create_conference, applicant):
    conference = create_conference()
    approved, declined, waiting = (applicant(conference, n) for n in ("A", "B", "C"))
    decide_now(app, request_for(app, approved), True, granted=100000)
    decide_now(app, request_for(app, declined), False)
    with app.app_context():
        assert subsidised_registration_ids([conference.id]) == {approved}
        assert subsidised_registration_ids([]) == set()


# --- the back office -----------------------------------------------------------------


def test_an_organiser_approves_from_the_queue_within_the_budget(app, client, create_conference, applicant, login_as):
    conference = create_conference(budget=(1, 300000))
    first = request_for(app, applicant(conference, "Birgitte Lund"))
    second = request_for(app, applicant(conference, "Søren Æbelø"))
    login_as(conference.organisation_id)
    queue = visible_text(client.get(f"/arrangoer/tilskud?arrangement={conference.id}").data)
    assert "Birgitte Lund" in queue and "Søren Æbelø" in queue and "deltagergebyr, indkvartering" in queue
    page = client.get(f"/arrangoer/tilskud/{first}")
    response = client.post(
        f"/arrangoer/tilskud/{first}",
        data={
            "csrf_token": csrf_token(page.data),
            "decision": "approve",
            "granted": "2.500",
            "note": "Velkommen!",
        },
    )
    assert response.status_code == 303
    page = client.get(f"/arrangoer/tilskud/{second}")
    response = client.post(
        f"/arrangoer/tilskud/{second}",
        data={
            "csrf_token": csrf_token(page.data),
            "decision": "approve",
            "granted": "500",
        },
    )
    assert response.status_code == 409
    assert "Alle budgettets 1 pladser med tilskud er bevilget." in visible_text(response.data)
    with app.app_context():
        assert db.session.get(SubsidyRequest, first).granted_ore == 250000
        assert db.session.get(SubsidyRequest, second).status is SubsidyStatus.REQUESTED


@pytest.mark.parametrize(
    "granted, message", [("-100", "En pris kan ikke være negativ."), ("9999999", "Prisen er for høj")]
)
def test_a_negative_or_absurd_grant_is_refused(app, client, create_conference, applicant, login_as, granted, message):
    conference = create_conference()
    request_id = request_for(app, applicant(conference))
    login_as(conference.organisation_id)
    page = client.get(f"/arrangoer/tilskud/{request_id}")
    response = client.post(
        f"/arrangoer/tilskud/{request_id}",
        data={
            "csrf_token": csrf_token(page.data),
            "decision": "approve",
            "granted": granted,
        },
    )
    assert response.status_code == 422
    assert message in visible_text(response.data)
    with app.app_context():
        assert db.session.get(SubsidyRequest, request_id).status is SubsidyStatus.REQUESTED


def test_another_organisations_request_is_not_found(
    app, client, create_conference, create_organisation, applicant, login_as
):
    conference = create_conference()
    request_id = request_for(app, applicant(conference))
    login_as(create_organisation(slug="andre"))
    assert client.get(f"/arrangoer/tilskud/{request_id}").status_code == 404


def test_the_report_per_year_shows_requested_approved_declined_and_spent(
    app, client, create_conference, applicant, login_as
):
    conference = create_conference(budget=(3, 600000))
    a, b, c = (request_for(app, applicant(conference, n)) for n in ("A", "B", "C"))
    decide_now(app, a, True, granted=200000)
    decide_now(app, b, False)
    login_as(conference.organisation_id)
    text = visible_text(client.get("/arrangoer/tilskud/rapport").data)
    assert "Lederkonference 2027 3 1 1 1 3 1 6.000,00 kr. 2.000,00 kr. 4.000,00 kr." in text


def test_the_queue_shows_decided_requests_in_a_second_list(app, client, create_conference, applicant, login_as):
    conference = create_conference(budget=(3, None))
    decided = request_for(app, applicant(conference, "Birgitte Lund"))
    request_for(app, applicant(conference, "Søren Æbelø"))
    assert decide_now(app, decided, True) is None
    login_as(conference.organisation_id)

    html = client.get(f"/arrangoer/tilskud?arrangement={conference.id}").get_data(as_text=True)

    waiting, done = html.split("<h2>Afgjorte</h2>")
    assert "<h2>Afventer afgørelse</h2>" in waiting
    assert "Søren Æbelø" in waiting and "Birgitte Lund" not in waiting
    assert "Birgitte Lund" in done and "Bevilget" in visible_text(done)


def test_the_amount_field_is_marked_required_only_when_the_budget_is_an_amount(
    app, client, create_conference, applicant, login_as
):
    places_only = create_conference(budget=(3, None))
    amount = create_conference(budget=(None, 500000), organisation_id=places_only.organisation_id)
    login_as(places_only.organisation_id)
    pages = {}
    for name, conference in (("places", places_only), ("amount", amount)):
        request_id = request_for(app, applicant(conference, f"Ansøger {name}"))
        pages[name] = visible_text(client.get(f"/arrangoer/tilskud/{request_id}").data)

    assert "Bevilget beløb (valgfrit)" in pages["places"]
    assert "Bevilget beløb (skal udfyldes)" in pages["amount"] and "valgfrit" not in pages["amount"]


def test_the_budget_summary_never_ends_an_amount_with_a_second_full_stop(
    app, client, create_conference, applicant, login_as
):
    conference = create_conference(budget=(3, 500000))
    request_id = request_for(app, applicant(conference))
    assert decide_now(app, request_id, True, granted=405400) is None
    login_as(conference.organisation_id)

    text = visible_text(client.get(f"/arrangoer/arrangementer/{conference.id}/betaling").data)

    assert "Bevilget indtil nu 1 plads, 4.054,00 kr." in text
    assert "kr.." not in text
