"""Queuing a round: one e-mail per member, written in bulk and in the round's transaction."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.invitations.audience import AudienceSpec
from eventsite.invitations.models import Invitation, InvitationRound, InvitationState
from eventsite.invitations.sending import SendError, send_round
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus


def test_a_round_queues_one_outbox_row_per_member_linked_to_its_invitation(app, create_event, create_member):
    event = create_event()
    for i in range(5):
        create_member(event.organisation_id, f"Medlem {i}", email=f"m{i}@x.dk")
    with app.test_request_context(method="POST"):
        result = send_round(event.id, AudienceSpec(), "key-1" * 4)
        db.session.commit()
        assert (result.created, result.count) == (True, 5)
        rows = db.session.execute(
            select(Invitation, OutboxMessage).join(OutboxMessage, OutboxMessage.id == Invitation.outbox_id)
        ).all()
        assert len(rows) == 5
        for invitation, outbox in rows:
            assert invitation.state is InvitationState.QUEUED
            assert outbox.kind is MailKind.INVITATION
            assert outbox.status is OutboxStatus.QUEUED
            assert outbox.recipient == invitation.member.email
            assert outbox.dedupe_key == f"invitation:{invitation.round_id}:{invitation.member_id}"
        assert len({inv.token_key for inv, _outbox in rows}) == 5, "every invitation has its own secret"


def test_the_same_key_twice_is_the_same_round(app, create_event, create_member):
    event = create_event()
    create_member(event.organisation_id, "Mette")
    with app.test_request_context(method="POST"):
        first = send_round(event.id, AudienceSpec(), "double-click-key")
        db.session.commit()
        second = send_round(event.id, AudienceSpec(), "double-click-key")
        db.session.commit()
        assert second.created is False
        assert second.round.id == first.round.id
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 1


def test_nothing_is_queued_for_a_cancelled_or_unpublished_event(app, create_event, create_member):
    event = create_event(published=False)
    create_member(event.organisation_id, "Mette")
    with app.test_request_context(method="POST"):
        with pytest.raises(SendError):
            send_round(event.id, AudienceSpec(), "k" * 16)
        db.session.rollback()
        assert db.session.execute(select(func.count(InvitationRound.id))).scalar_one() == 0


def test_a_round_that_fails_leaves_no_outbox_rows_behind(app, create_event, create_member):
    event = create_event()
    create_member(event.organisation_id, "Mette")
    with app.test_request_context(method="POST"):
        send_round(event.id, AudienceSpec(), "k" * 16)
        db.session.rollback()  # e.g. the request failed after queuing
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Invitation.id))).scalar_one() == 0


def test_queuing_a_large_round_takes_a_constant_number_of_statements(app, create_event, create_organisation):
    """Bulk INSERTs, not one per member: 600 invitations cost no more round trips than 6."""
    from sqlalchemy import insert

    from eventsite.db import utcnow
    from eventsite.invitations.models import JobLevel, Member

    def statements_for(size: int) -> int:
        event = create_event(organisation_id=create_organisation(slug=f"org-{size}"))
        with app.app_context():
            now = utcnow()
            db.session.execute(
                insert(Member),
                [
                    dict(
                        organisation_id=event.organisation_id,
                        email=f"m{i}@x.dk",
                        name=f"Medlem {i}",
                        job_title="",
                        job_level=JobLevel.OTHER,
                        workplace="",
                        created_at=now,
                        updated_at=now,
                    )
                    for i in range(size)
                ],
            )
            db.session.commit()
        counter = Counter()

        def count(conn, cursor, statement, parameters, context, executemany):
            counter[statement.split()[0].upper()] += 1

        with app.test_request_context(method="POST"):
            engine = db.engine
            sa_event.listen(engine, "before_cursor_execute", count)
            try:
                result = send_round(event.id, AudienceSpec(), f"key-{size}-xxxxxxxxxxxx")
                db.session.commit()
            finally:
                sa_event.remove(engine, "before_cursor_execute", count)
            assert result.count == size
        return sum(counter.values())

    small, large = statements_for(6), statements_for(600)
    assert large <= small + 2, (small, large)
    assert large < 40
