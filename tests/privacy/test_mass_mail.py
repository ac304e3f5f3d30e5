"""Mass mail never exposes recipients: every message of an invitation round and of a send to
all of a session's participants goes to one address, over real SMTP, with no Cc or Bcc."""

from __future__ import annotations

from email.utils import getaddresses

from eventsite.events.editing import cancel_session
from eventsite.extensions import db
from eventsite.invitations.audience import AudienceSpec
from eventsite.invitations.sending import send_round
from eventsite.mail.models import OutboxMessage
from eventsite.registration.notifications import notify_session_cancelled
from tests.invitations.conftest import create_member  # noqa: F401 (fixture)


def assert_one_recipient_each(received, expected: set[str]) -> None:
    seen = []
    for message_received in received:
        message = message_received.message()
        to = [address.lower() for _name, address in getaddresses(message.get_all("To", []))]
        assert len(message_received.rcpt_tos) == 1, message_received.rcpt_tos
        assert to == [message_received.rcpt_tos[0]]
        assert message.get_all("Cc") is None and message.get_all("Bcc") is None
        for address in expected - {to[0]}:
            assert address not in message_received.data.decode("utf-8", "replace").lower()
        seen.append(to[0])
    assert sorted(seen) == sorted(expected)


def test_an_invitation_round_sends_one_message_per_member(app, smtp, deliver, create_event, create_member):  # noqa: F811
    event = create_event()
    members = {f"medlem{i}@kommune.dk" for i in range(6)}
    for i, address in enumerate(sorted(members)):
        create_member(event.organisation_id, f"Medlem {i}", email=address)
    with app.test_request_context(method="POST"):
        result = send_round(event.id, AudienceSpec(), "mass-mail-round-1")
        db.session.commit()
    assert result.count == 6
    deliver()
    assert_one_recipient_each(smtp.received, members)


def test_cancelling_a_session_tells_every_participant_in_a_message_of_their_own(
    app, smtp, deliver, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 3}])
    people = {f"deltager{i}@example.dk" for i in range(5)}  # three seats, two on the waiting list
    for address in sorted(people):
        register_person(event.session_id, email=address)
    with app.test_request_context(method="POST"):
        session = cancel_session(event.session_id)
        assert notify_session_cancelled(session) == 5
        db.session.commit()
        assert db.session.query(OutboxMessage).count() == 5
    deliver()
    assert_one_recipient_each(smtp.received, people)
