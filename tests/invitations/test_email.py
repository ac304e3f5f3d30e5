"""The invitation e-mail, delivered through the outbox to a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.models import Invitation, InvitationState, Member
from eventsite.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import FUTURE


def body_parts(received):
    message = received.message()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return message, text, html


def two_venue_event(create_event, **fields):
    return create_event(
        title="Temadag: Ledelse i forandring",
        sessions=[
            {
                "city": "Næstved",
                "municipality_code": "0370",
                "programme": [("09:30", "Velkomst"), ("10:00", "Oplæg om forandringsledelse"), ("12:00", "Frokost")],
            },
            {"city": "Aarhus", "municipality_code": "0751", "postcode": "8000", "programme": [("09:30", "Velkomst")]},
        ],
        registration_closes_at=FUTURE - timedelta(days=2),
        target_group="mellemledere",
        **fields,
    )


def test_an_invitation_is_personal_danish_and_carries_one_click_unsubscribe(
    app, smtp, deliver, create_event, create_member, send_round
):
    event = two_venue_event(create_event)
    create_member(event.organisation_id, "Søren Ærø-Åkjær", email="soren@naestved.dk", municipality_code="0370")
    round_id = send_round(event.id)
    report = deliver()
    assert report.sent == 1
    (received,) = smtp.received
    message, text, html = body_parts(received)
    assert received.rcpt_tos == ["soren@naestved.dk"]
    assert message["Subject"] == "Invitation: Temadag: Ledelse i forandring"
    assert text.startswith("Kære Søren Ærø-Åkjær")
    for expected in (
        "Næstved",
        "Aarhus",
        "09.30",
        "Oplæg om forandringsledelse",
        "Tilmeldingsfrist",
        "mellemledere",
        "Jeg kan ikke deltage",
        "mellemledere",
        "egen bekræftelse",
    ):
        assert expected in text, expected
    assert "Ærø-Åkjær" in html
    # The HTML part uses the shared email layout: greeting, sign-off and the invitation's own footer.
    assert "Kære Søren Ærø-Åkjær" in html
    assert "Med venlig hilsen" in html and html.count("</html>") == 1
    signup = re.search(r"Tilmeld: (\S+)", text).group(1)
    assert signup.startswith(f"http://localhost/arrangementer/{event.id}?invitation=")
    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://localhost/invitation/[\w.-]+/afmeld>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire as a plain URL, not folded into encoded words a mail client cannot follow.
    assert f"\r\nList-Unsubscribe: {unsubscribe}\r\n".encode() in received.data
    assert unsubscribe.strip("<>") in text
    assert unsubscribe.strip("<>") in html and "Ingen flere invitationer" in html
    with app.app_context():
        outbox = db.session.execute(select(OutboxMessage)).scalar_one()
        assert outbox.status is OutboxStatus.SENT
        assert message["Message-ID"] == outbox.message_id
        invitation = db.session.execute(select(Invitation).where(Invitation.round_id == round_id)).scalar_one()
        assert invitation.outbox_id == outbox.id


def test_a_reminder_says_so(app, smtp, deliver, create_event, create_member, send_round):
    event = create_event(title="Lederforum")
    member = create_member(event.organisation_id, "Mette")
    send_round(event.id, added_ids=[member])
    app.config["INVITATION_REMINDER_INTERVAL_HOURS"] = 0
    try:
        send_round(event.id, reminder=True)
    finally:
        app.config["INVITATION_REMINDER_INTERVAL_HOURS"] = 72
    deliver()
    subjects = sorted(r.message()["Subject"] for r in smtp.received)
    assert subjects == ["Invitation: Lederforum", "Påmindelse – invitation: Lederforum"]


def test_queued_invitations_are_skipped_when_the_member_has_answered_or_unsubscribed(
    app, smtp, deliver, create_event, create_member, send_round, register_person
):
    event = create_event()
    org = event.organisation_id
    create_member(org, "Will Sign Up", email="signs@x.dk")
    gone = create_member(org, "Will Unsubscribe", email="gone@x.dk")
    create_member(org, "Still Keen", email="keen@x.dk")
    send_round(event.id)
    register_person(event.session_id, email="signs@x.dk")
    with app.app_context():
        db.session.get(Member, gone).opted_out_at = utcnow()
        db.session.commit()
    report = deliver()
    assert (report.sent, report.skipped) == (1, 2)
    assert [r.rcpt_tos for r in smtp.received] == [["keen@x.dk"]]


def test_a_cancelled_event_sends_no_invitations(app, smtp, deliver, create_event, create_member, send_round):
    event = create_event()
    create_member(event.organisation_id, "Mette")
    send_round(event.id)
    with app.app_context():
        db.session.get(Event, event.id).cancelled_at = utcnow()
        db.session.commit()
    assert deliver().skipped == 1
    assert smtp.received == []


def test_a_refused_address_is_tracked_as_bounced(app, smtp, deliver, create_event, create_member, send_round):
    from eventsite.invitations import tracking

    event = create_event()
    create_member(event.organisation_id, "Gone Away", email="gone@x.dk")
    create_member(event.organisation_id, "Here", email="here@x.dk")
    smtp.refuse("gone@x.dk")
    round_id = send_round(event.id)
    report = deliver()
    assert (report.sent, report.failed) == (1, 1)
    with app.test_request_context():
        from eventsite.invitations.models import InvitationRound

        figures = tracking.round_figures(db.session.get(InvitationRound, round_id))
        assert (figures.invited, figures.delivered, figures.bounced, figures.no_answer) == (2, 1, 1, 1)
        tracking.refresh_states(db.session.get(Event, event.id))
        db.session.commit()
        states = dict(
            db.session.execute(
                select(Member.email, Invitation.state).join(Member, Member.id == Invitation.member_id)
            ).all()
        )
    assert states == {"gone@x.dk": InvitationState.BOUNCED, "here@x.dk": InvitationState.SENT}


def test_invitations_are_spread_at_the_mail_rate_so_other_mail_can_pass(app, create_event, create_member, send_round):
    event = create_event()
    for i in range(3):
        create_member(event.organisation_id, f"M{i}")
    app.config["MAIL_RATE"] = 2
    try:
        send_round(event.id)
    finally:
        app.config["MAIL_RATE"] = 0
    with app.app_context():
        due = sorted(db.session.execute(select(OutboxMessage.due_at)).scalars())
    assert [round((d - due[0]).total_seconds(), 1) for d in due] == [0.0, 0.5, 1.0]
