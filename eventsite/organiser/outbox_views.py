"""Back office: emails that could not be delivered (/arrangoer/post).

Registered on the organiser blueprint (listed in eventsite.organiser.VIEW_MODULES),
so the organiser access rules apply: staff see their own organisations' emails only.
The outbox itself (eventsite.mail) sits below the back office and knows nothing of it.
"""

from __future__ import annotations

from flask import render_template

from eventsite.accounts.access import bp, listed_organisation_ids, role_required
from eventsite.mail.models import OutboxStatus
from eventsite.mail.outbox import queue_counts, undeliverable


@bp.get("/post")
@role_required()
def mail_status():
    organisation_ids = listed_organisation_ids()
    counts = queue_counts(organisation_ids)
    return render_template(
        "mail/status.html",
        failures=undeliverable(organisation_ids),
        waiting=counts[OutboxStatus.QUEUED] + counts[OutboxStatus.SENDING],
        sent=counts[OutboxStatus.SENT],
        failed=counts[OutboxStatus.FAILED],
    )
