"""Every email is an outbox row written in the transaction of the change that causes it."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.registration.models import Registration, RegistrationStatus
from tests.helpers import csrf_token, sign_up, visible_text


def outbox(app) -> list[tuple[str, str, int | None]]:
    """(kind, recipient, registration id) of every row, oldest first.

    Without the "Bekræft din tilmelding" rows of anonymous sign-ups (issue 13): the
    `sign_up` helper follows their link, and the emails below come after it.
    """
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.kind != MailKind.CONFIRM_HOLD).order_by(OutboxMessage.id)
        ).scalars()
        return [(row.kind.value, row.recipient, row.registration_id) for row in rows]


def registration_for(app, email: str) -> Registration:
    with app.app_context():
        registration = db.session.execute(
            select(Registration).join(Registration.person).where(Registration.person.has(email=email))
        ).scalar_one()
        db.session.expunge(registration)
        return registration


def manage_token_for(client, receipt_location: str) -> str:
    return receipt_location.split("/tilmelding/", 1)[1].split("/", 1)[0]


def test_a_sign_up_queues_one_confirmation_and_sends_nothing_itself(app, client, create_event):
    event = create_event()
    response = sign_up(client, event.id, session_id=event.session_id, email="Mette@Example.dk")
    assert response.status_code == 303

    registration = registration_for(app, "mette@example.dk")
    assert outbox(app) == [("confirmation", "mette@example.dk", registration.id)]
    with app.app_context():
        row = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == MailKind.CONFIRMATION)).scalar_one()
        assert row.status is OutboxStatus.QUEUED
        assert row.attempts == 0
        assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")
        assert row.organisation_id == event.organisation_id


def test_a_refused_sign_up_queues_no_email(app, client, create_event):
    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    sign_up(client, event.id, session_id=event.session_ids[0], email="a@example.dk")
    refused = sign_up(client, event.id, session_id=event.session_ids[1], email="a@example.dk")
    # By design (issue 13): the page answers as for any address; only the address's
    # owner is told, by the email with the manage link, and no second place is made.
    assert refused.status_code == 303
    assert [kind for kind, _to, _id in outbox(app)] == ["confirmation", "already_signed_up"]


def test_a_sign_up_to_a_full_session_queues_a_waiting_list_notice(app, client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}])
    register_person(event.session_id)
    sign_up(client, event.id, session_id=event.session_id, email="venter@example.dk")
    assert [(kind, to) for kind, to, _id in outbox(app)] == [("waitlisted", "venter@example.dk")]


def test_cancelling_queues_a_cancellation_and_the_promotion_of_the_next_in_line(app, client, create_event):
    event = create_event(sessions=[{"capacity": 1}])
    first = sign_up(client, event.id, session_id=event.session_id, email="forst@example.dk")
    sign_up(client, event.id, session_id=event.session_id, email="naest@example.dk")
    token = manage_token_for(client, first.headers["Location"])

    page = client.get(f"/tilmelding/{token}")
    response = client.post(
        f"/tilmelding/{token}/afmeld", data={"csrf_token": csrf_token(page.data), "confirmed": "yes"}
    )
    client.post(
        f"/tilmelding/{token}/afmeld", data={"csrf_token": csrf_token(page.data), "confirmed": "yes"}
    )  # a second click

    assert response.status_code == 303
    cancelled, promoted = registration_for(app, "forst@example.dk"), registration_for(app, "naest@example.dk")
    assert outbox(app) == [
        ("confirmation", "forst@example.dk", cancelled.id),
        ("waitlisted", "naest@example.dk", promoted.id),
        ("cancelled", "forst@example.dk", cancelled.id),
        ("promoted", "naest@example.dk", promoted.id),
    ]
    assert promoted.status is RegistrationStatus.CONFIRMED
    # The invitation went out at 0; the cancellation outranks it, one step up per
    # calendar email after the first.
    assert cancelled.calendar_sequence == 1


def test_moving_queues_the_move_and_the_promotion_in_the_session_left_behind(app, client, create_event):
    event = create_event(sessions=[{"capacity": 1}, {"city": "Silkeborg", "municipality_code": "0740", "capacity": 5}])
    mover = sign_up(client, event.id, session_id=event.session_ids[0], email="flytter@example.dk")
    sign_up(client, event.id, session_id=event.session_ids[0], email="venter@example.dk")
    token = manage_token_for(client, mover.headers["Location"])

    page = client.get(f"/tilmelding/{token}")
    response = client.post(
        f"/tilmelding/{token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": event.session_ids[1]}
    )

    assert response.status_code == 303
    kinds = [(kind, to) for kind, to, _id in outbox(app)]
    assert kinds[2:] == [("moved", "flytter@example.dk"), ("promoted", "venter@example.dk")]
    assert registration_for(app, "flytter@example.dk").session_id == event.session_ids[1]


def test_a_refused_move_queues_nothing(app, client, create_event):
    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    mover = sign_up(client, event.id, session_id=event.session_ids[0], email="flytter@example.dk")
    token = manage_token_for(client, mover.headers["Location"])
    page = client.get(f"/tilmelding/{token}")
    response = client.post(
        f"/tilmelding/{token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": event.session_ids[0]}
    )
    assert response.status_code == 422
    assert [kind for kind, _to, _id in outbox(app)] == ["confirmation"]


def test_a_tampered_manage_link_changes_nothing_and_queues_nothing(app, client, create_event):
    event = create_event()
    first = sign_up(client, event.id, session_id=event.session_id, email="forst@example.dk")
    token = manage_token_for(client, first.headers["Location"])
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    page = client.get(f"/tilmelding/{forged}")
    response = client.post(
        f"/tilmelding/{forged}/afmeld", data={"csrf_token": csrf_token(client.get(f"/tilmelding/{token}").data)}
    )

    assert page.status_code == 404
    assert "Siden findes ikke" in visible_text(page.data)
    assert response.status_code == 404
    assert registration_for(app, "forst@example.dk").status is RegistrationStatus.CONFIRMED
    assert [kind for kind, _to, _id in outbox(app)] == ["confirmation"]


def test_notifications_are_rolled_back_with_the_change(app, create_event, register_person):
    event = create_event()
    created = register_person(event.session_id)
    with app.test_request_context(method="POST"):
        from eventsite.registration import operations
        from eventsite.registration.notifications import notify_cancelled

        registration = db.session.get(Registration, created.id)
        operations.cancel(registration)
        notify_cancelled(registration)
        db.session.rollback()  # the request failed after the domain call
    assert outbox(app) == []
    with app.app_context():
        assert db.session.get(Registration, created.id).is_active


def test_an_expired_manage_link_gets_a_danish_message_and_changes_nothing(app, client, create_event):
    from datetime import timedelta

    from eventsite.events.models import EventSession

    event = create_event()
    first = sign_up(client, event.id, session_id=event.session_id, email="forst@example.dk")
    token = manage_token_for(client, first.headers["Location"])
    page = client.get(f"/tilmelding/{token}")
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        session.starts_at = utcnow() - timedelta(days=10)
        session.ends_at = session.starts_at + timedelta(hours=3)
        db.session.commit()

    expired = client.get(f"/tilmelding/{token}")
    refused = client.post(f"/tilmelding/{token}/afmeld", data={"csrf_token": csrf_token(page.data), "confirmed": "yes"})

    assert expired.status_code == 410
    assert "Linket er udløbet" in visible_text(expired.data)
    assert "arrangementet er slut" in visible_text(expired.data)
    assert refused.status_code == 410
    assert registration_for(app, "forst@example.dk").status is RegistrationStatus.CONFIRMED
    assert [kind for kind, _to, _id in outbox(app)] == ["confirmation"]


def test_every_kind_has_a_text_and_an_html_template():
    import os

    from eventsite import ROOT

    for kind in MailKind:
        for suffix in ("txt", "html"):
            assert os.path.exists(os.path.join(ROOT, "templates", "emails", f"{kind.value}.{suffix}")), (kind, suffix)
