"""Minutes approved by email: versions sent with a deadline, personal links, the deadline job.

`send_for_approval` freezes the draft as a new version and queues one email per
recipient (bulk INSERTs, as invitation rounds do: 200 recipients queue in a few
hundred milliseconds); each email carries a personal signed link (`approval_token`)
where the recipient approves or objects with a comment until the deadline. A new
version (a revision) supersedes the earlier one, whose links then only say so. When
the deadline of the newest version has passed with no objection on it, the worker's
job (`approve_due`) approves the minutes; an organiser may approve by hand. Every
version's text is kept in its row and written to the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import new_message_id
from eventsite.meetings import content
from eventsite.meetings.minutes import MinutesError, snapshot
from eventsite.meetings.minutes_models import (
    COMMENT_MAX,
    ApprovalResponse,
    Minutes,
    MinutesApproval,
    MinutesState,
    MinutesVersion,
    new_approval_key,
)
from eventsite.registration.models import Person
from eventsite.text import absolute_url

#: Days to object, as the seed board decided ("syv dage").
DEFAULT_DEADLINE_DAYS = 7
#: Rows per INSERT statement.
CHUNK = 1000
_SALT = "eventsite.minutes-approval"


class ApprovalRefused(MinutesError):
    """An answer through an approval link that cannot be taken, with a message for the person."""


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def approval_token(approval: MinutesApproval) -> str:
    """The token in a recipient's personal approval link."""
    return str(_serializer_for(current_app.config["SECRET_KEY"]).dumps([approval.id, approval.token_key]))


def approval_from_token(token: str) -> MinutesApproval | None:
    """The approval a token names; None if forged, altered or revoked."""
    try:
        approval_id, key = _serializer_for(current_app.config["SECRET_KEY"]).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(approval_id, int):
        return None
    approval = db.session.get(MinutesApproval, approval_id)
    if approval is None or approval.token_key != key:
        return None
    return approval


def send_for_approval(
    minutes: Minutes,
    people: list[Person],
    *,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    user: Any = None,
    now: datetime | None = None,
) -> MinutesVersion:
    """Freeze the draft as a new version and queue its approval email to each person (flushes)."""
    now = now or utcnow()
    if minutes.state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        raise MinutesError(_l("Approved minutes can no longer be changed."))
    if not people:
        raise MinutesError(_l("Choose at least one recipient."), "recipients")
    if not 1 <= deadline_days <= 60:
        raise MinutesError(_l("The deadline must be between 1 and 60 days."), "deadline_days")
    content = snapshot(minutes)
    number = (minutes.latest_version.number if minutes.latest_version else 0) + 1
    version = MinutesVersion(
        minutes_id=minutes.id,
        number=number,
        content=json.dumps(content, ensure_ascii=False, sort_keys=True),
        sent_at=now,
        deadline=now + timedelta(days=deadline_days),
        sent_by_id=user.id if user is not None else None,
    )
    minutes.versions.append(version)
    minutes.state = MinutesState.SENT
    db.session.flush()
    _queue(minutes, version, people, now)
    record_audit(
        minutes.session.event.organisation_id,
        "minutes",
        minutes.id,
        "version_sent",
        # The text as JSON (the trail keeps flat values; a dict would be stored as its repr).
        after={"version": number, "recipients": len(people), "deadline": version.deadline, "content": version.content},
        user=user,
    )
    return version


def _queue(minutes: Minutes, version: MinutesVersion, people: list[Person], now: datetime) -> None:
    """Bulk-insert one outbox row and one approval row per person."""
    unique = list({person.id: person for person in people}.values())
    organisation_id = minutes.session.event.organisation_id
    rate = current_app.config.get("MAIL_RATE") or 0
    spacing = 1.0 / rate if rate > 0 else 0.0
    outbox_rows = [
        {
            "organisation_id": organisation_id,
            "kind": MailKind.MINUTES_APPROVAL,
            "recipient": person.email,
            "session_id": minutes.session_id,
            "status": OutboxStatus.QUEUED,
            "attempts": 0,
            "due_at": now + timedelta(seconds=index * spacing),
            "message_id": new_message_id(),
            "dedupe_key": f"minutes:{version.id}:{person.id}",
            "last_error": "",
            "created_at": now,
        }
        for index, person in enumerate(unique)
    ]
    ids_by_key: dict[str, int] = {}
    for begin in range(0, len(outbox_rows), CHUNK):
        chunk = outbox_rows[begin : begin + CHUNK]
        db.session.execute(insert(OutboxMessage), chunk)
        ids_by_key.update(
            db.session.execute(  # type: ignore[arg-type]
                select(OutboxMessage.dedupe_key, OutboxMessage.id).where(
                    OutboxMessage.dedupe_key.in_([row["dedupe_key"] for row in chunk])
                )
            ).all()
        )
    approval_rows = [
        {
            "version_id": version.id,
            "person_id": person.id,
            "token_key": new_approval_key(),
            "outbox_id": ids_by_key[row["dedupe_key"]],
            "response": ApprovalResponse.PENDING,
            "comment": "",
        }
        for person, row in zip(unique, outbox_rows)
    ]
    for begin in range(0, len(approval_rows), CHUNK):
        db.session.execute(insert(MinutesApproval), approval_rows[begin : begin + CHUNK])
    db.session.flush()


def is_current(approval: MinutesApproval) -> bool:
    """Whether the approval belongs to the newest version (earlier ones are superseded)."""
    latest = approval.version.minutes.latest_version
    return latest is not None and latest.id == approval.version_id


def check_can_answer(approval: MinutesApproval, now: datetime) -> None:
    minutes = approval.version.minutes
    if minutes.state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        raise ApprovalRefused(_l("These minutes have already been approved."))
    if not is_current(approval):
        raise ApprovalRefused(
            _l("The minutes have been revised since this email. Use the link in the newest email about them.")
        )
    if now > approval.version.deadline:
        raise ApprovalRefused(_l("The deadline for objections has passed."))


def respond(
    approval: MinutesApproval, approve: bool, comment: str = "", *, now: datetime | None = None
) -> MinutesApproval:
    """Record the recipient's answer (they may change it until the deadline; flushes)."""
    now = now or utcnow()
    check_can_answer(approval, now)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ApprovalRefused(_l("At most %(max)d characters.", max=COMMENT_MAX), "comment")
    if not approve and not comment:
        raise ApprovalRefused(_l("Say what should be changed."), "comment")
    approval.response = ApprovalResponse.APPROVED if approve else ApprovalResponse.OBJECTED
    approval.comment = comment
    approval.responded_at = now
    db.session.flush()
    record_audit(
        approval.version.minutes.session.event.organisation_id,
        "minutes",
        approval.version.minutes_id,
        "approved_by_recipient" if approve else "objected",
        after={"version": approval.version.number, "person_id": approval.person_id},
    )
    return approval


def open_objections(version: MinutesVersion) -> int:
    return sum(1 for approval in version.approvals if approval.response is ApprovalResponse.OBJECTED)


def approve(minutes: Minutes, *, user: Any = None, now: datetime | None = None) -> None:
    """Approve the minutes (an organiser by hand, or the deadline job with user None; flushes)."""
    now = now or utcnow()
    if minutes.state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        raise MinutesError(_l("These minutes have already been approved."))
    if minutes.latest_version is None:
        raise MinutesError(_l("Send the minutes for approval before approving them."))
    minutes.state = MinutesState.APPROVED
    minutes.approved_at = now
    minutes.approved_by_id = user.id if user is not None else None
    db.session.flush()
    record_audit(
        minutes.session.event.organisation_id,
        "minutes",
        minutes.id,
        "approved",
        after={"version": minutes.latest_version.number, "by_deadline": user is None},
        user=user,
    )


def approve_due(now: datetime) -> int:
    """The worker's job: approve minutes whose newest version's deadline passed without objection."""
    # Few minutes are out for approval at once: their versions load with them.
    candidates = (
        db.session.execute(
            select(Minutes)
            .where(Minutes.state == MinutesState.SENT)
            .options(joinedload(Minutes.versions).selectinload(MinutesVersion.approvals))
        )
        .unique()
        .scalars()
        .all()
    )
    count = 0
    for minutes in candidates:
        version = minutes.latest_version
        if version is None or version.deadline > now or open_objections(version):
            continue
        approve(minutes, now=now)
        count += 1
    return count


def publish(minutes: Minutes, *, user: Any = None, now: datetime | None = None) -> None:
    """Make approved minutes public: the event page, the calendar feed and the PDF (flushes)."""
    now = now or utcnow()
    if minutes.state is MinutesState.PUBLISHED:
        return
    if minutes.state is not MinutesState.APPROVED:
        raise MinutesError(_l("Only approved minutes can be published."))
    minutes.state = MinutesState.PUBLISHED
    minutes.published_at = now
    # The calendar feeds' caches and validators follow the session's updated_at: the
    # minutes now in its description are a change of the session's public entry.
    minutes.session.updated_at = now
    db.session.flush()
    record_audit(minutes.session.event.organisation_id, "minutes", minutes.id, "published", user=user)


def published_version(session_id: int) -> MinutesVersion | None:
    """The text of the session's published minutes (the version approved), or None."""
    if not content.with_content([session_id], content.MINUTES):
        return None
    minutes = db.session.execute(
        select(Minutes).where(Minutes.session_id == session_id, Minutes.state == MinutesState.PUBLISHED)
    ).scalar_one_or_none()
    return minutes.latest_version if minutes is not None else None


def calendar_texts(session_ids: Sequence[int], for_participant: bool) -> dict[int, str]:
    """The published minutes' decisions and PDF link for calendar descriptions (public and personal)."""
    session_ids = content.with_content(session_ids, content.MINUTES)
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Minutes).where(Minutes.session_id.in_(session_ids), Minutes.state == MinutesState.PUBLISHED)
    ).scalars()
    texts = {}
    for minutes in rows:
        version = minutes.latest_version
        if version is None:
            continue
        lines = [
            _("Minutes: %(url)s", url=absolute_url("meeting_replies.published_pdf", session_id=minutes.session_id))
        ]
        for item in version.data["items"]:
            if item["decision"]:
                lines.append(
                    _(
                        "Item %(number)s. %(title)s – decision: %(decision)s",
                        number=item["number"],
                        title=item["title"],
                        decision=item["decision"],
                    )
                )
        texts[minutes.session_id] = "\n".join(lines)
    return texts
