"""The confirmation and the subsidy decision emails carry the itemised price and the decision."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.render import render
from eventsite.mail.worker import link_context
from eventsite.payments.models import SubsidyRequest
from eventsite.payments.operations import Choices, InvoiceDetails, SubsidyWish
from eventsite.payments.subsidies import decide
from tests.payments.conftest import VALID_EAN


def rendered(app, kind: MailKind, registration_id: int):
    with app.app_context(), link_context():
        row = (
            db.session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.kind == kind, OutboxMessage.registration_id == registration_id
                )
            )
            .scalars()
            .first()
        )
        assert row is not None, f"no {kind} email queued"
        message = render(row, utcnow())
        return message.subject, message.body, message.html


def test_the_confirmation_email_shows_the_itemised_price_and_the_ean_payer(app, create_conference, register_person):
    conference = create_conference()
    registration_id = register_person(
        conference.session_id,
        choices=Choices(
            True,
            frozenset(conference.day_ids),
            frozenset({conference.addons["Workshop: Svære samtaler"]}),
            invoice=InvoiceDetails(VALID_EAN, "Næstved Kommune", "ABCDE"),
        ),
        notify=True,
    ).id
    _subject, body, html = rendered(app, MailKind.CONFIRMATION, registration_id)
    assert "Deltagergebyr, 2 dage, medlem: 3.304,00\u00a0kr." in body
    assert "Workshop: Svære samtaler: 450,00\u00a0kr." in body
    assert "I alt: 3.754,00\u00a0kr." in body
    assert f"EAN-faktura til Næstved Kommune, EAN {VALID_EAN}, personreference ABCDE" in body
    assert "3.754,00\u00a0kr." in html


def test_a_free_event_confirmation_says_nothing_about_prices(app, client, create_event):
    from eventsite.registration.models import Registration
    from tests.helpers import sign_up

    event = create_event()
    assert sign_up(client, event.id, session_id=str(event.session_id)).status_code == 303
    with app.app_context():
        registration_id = db.session.execute(select(Registration.id)).scalar_one()
    _subject, body, _html = rendered(app, MailKind.CONFIRMATION, registration_id)
    assert "I alt" not in body and "Deltagergebyr" not in body


def test_the_decision_email_tells_the_grant_and_the_organisers_note(app, create_conference, register_person):
    conference = create_conference()
    registration_id = register_person(
        conference.session_id,
        choices=Choices(True, frozenset(conference.day_ids[:1]), subsidy=SubsidyWish(fee=True, reason="Lav løn")),
        notify=True,
    ).id
    with app.test_request_context(method="POST"):
        request = db.session.execute(select(SubsidyRequest)).scalar_one()
        decide(request, True, granted_ore=150000, note="Vi glæder os til at se dig.")
        db.session.commit()
    subject, body, html = rendered(app, MailKind.SUBSIDY_DECISION, registration_id)
    assert subject.startswith("Din ansøgning om tilskud: Lederkonference 2027")
    assert "Din ansøgning om tilskud til deltagelse i Lederkonference 2027 er bevilget." in body
    assert "Du har fået bevilget 1.500,00\u00a0kr." in body
    assert "Vi glæder os til at se dig." in body and "Vi glæder os til at se dig." in html
    # The grant is set against the price: 2.133 kr. less 1.500 kr.
    assert "I alt: 633,00\u00a0kr." in body
