"""Emails about subsidies, written to the outbox in the decision's transaction."""

from __future__ import annotations

from eventsite.mail.models import MailKind
from eventsite.mail.outbox import enqueue
from eventsite.payments.models import SubsidyRequest


def notify_subsidy_decision(request: SubsidyRequest) -> None:
    """Queue the email telling the person the organiser's decision and note."""
    # The email is rendered when sent, from the request as it is then: a decision
    # changed while the email waited is told as it stands.
    enqueue(MailKind.SUBSIDY_DECISION, request.registration)
