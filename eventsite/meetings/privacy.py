"""Meetings' personal data: afbud and their reasons, fixed lists, attendance by agenda item,
answers to minutes, and the names in the minutes.

Registered with the personal-data registry (eventsite.personal_data) from
`proceedings.init_app`. What erasure does:

* **Afbud** (`meeting_apologies`): the reason (in the person's words; it may tell of
  illness) is blanked; the row stays, so the meeting's list and the minutes still count
  one "Afbud".
* **Fixed lists** (`meeting_roster`) and **attendance by item** (`meeting_item_attendance`)
  hold no text: the rows stay as anonymous facts (the count of "Deltagere" and of partial
  attendance in the minutes); the person row they point to is anonymised.
* **Answers to minutes** (`minutes_approvals`): the comment (an objection) is blanked and
  the approval link stops working; "approved" or "objected" stays, as the minutes' history.
* **Minutes** (the draft `minutes`/`minutes_items`, every sent `minutes_versions` snapshot
  and the minutes' audit entries): the minutes are the association's record, so they stay,
  decisions and numbers included, but the erased person is named "Slettet deltager"
  instead: in Deltagere, Afbud and Fravær, as dirigent or referent, and where their full
  name was typed into the text. Only minutes of meetings the person had a place at are
  searched. Presenters of agenda items ("v. Morten") are the organisation's programme
  text, not tied to a person row, and are left alone.

Retention: afbud reasons are blanked a number of days after the meeting (default 30),
comments on approved minutes some months after the meeting (default 6).
"""

from __future__ import annotations

import ast
import json
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from eventsite import personal_data
from eventsite.audit import AuditEntry
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.meetings.minutes import erased_name
from eventsite.meetings.minutes_models import (
    Minutes,
    MinutesApproval,
    MinutesItem,
    MinutesState,
    MinutesVersion,
)
from eventsite.meetings.models import AgendaItem
from eventsite.meetings.participation_models import Apology, ItemAttendance, RosterEntry
from eventsite.meetings.presence import sentence, top_items
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration.models import Registration


def _person_ids(subjects: Sequence[Subject]) -> list[int]:
    return [subject.id for subject in subjects]


def _registration_ids(subjects: Sequence[Subject]) -> Any:
    return select(Registration.id).where(Registration.person_id.in_(_person_ids(subjects)))


def _meeting_rows(model: Any, subject: Subject) -> Any:
    """`model` rows of the person's registrations, with the event's title and the session's start."""
    return (
        select(model, Event.title, EventSession.starts_at)
        .join(Registration, Registration.id == model.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .where(Registration.person_id == subject.id)
        .order_by(EventSession.starts_at, Registration.id)
    )


# --- afbud -------------------------------------------------------------------------------


def export_apologies(subject: Subject) -> list[dict[str, Any]]:
    """The afbud the person sent (or an organiser took by phone), with the reason."""
    return [
        {
            "event": title,
            "session_starts_at": personal_data.iso(starts_at),
            "reason": apology.reason,
            "channel": apology.channel.label,
            "created_at": personal_data.iso(apology.created_at),
        }
        for apology, title, starts_at in db.session.execute(_meeting_rows(Apology, subject)).all()
    ]


def erase_apologies(subjects: Sequence[Subject]) -> int:
    """Blank the reasons; the afbud itself stays (the meeting's list and minutes count it)."""
    if not subjects:
        return 0
    result = db.session.execute(
        update(Apology)
        .where(Apology.registration_id.in_(_registration_ids(subjects)), Apology.reason != "")
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _due_reasons(organisation_id: int, cutoff: datetime) -> Any:
    """Afbud of the organisation's meetings that ended before `cutoff` and still hold a reason."""
    return (
        select(Apology.registration_id)
        .join(EventSession, EventSession.id == Apology.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Event.organisation_id == organisation_id, EventSession.ends_at < cutoff, Apology.reason != "")
    )


def count_reasons(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_due_reasons(organisation_id, cutoff))


def clear_reasons(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Blank up to `limit` afbud reasons of meetings that ended before `cutoff`."""
    ids = due_batch(_due_reasons(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            update(Apology)
            .where(Apology.registration_id.in_(ids))
            .values(reason="")
            .execution_options(synchronize_session=False)
        )
    return len(ids)


AFBUD_REASON_STEP = RetentionStep(
    name="afbud_reasons",
    label=_l("Reasons given for afbud"),
    reason=_l(
        "A reason for afbud may tell of illness or family matters and is only needed to plan the "
        "meeting: it is deleted 30 days after the meeting. That the person sent afbud stays on the "
        "meeting's list and in the minutes."
    ),
    default=30,
    unit=Unit.DAYS,
    count=count_reasons,
    apply=clear_reasons,
    minimum=0,
    maximum=365,
)


# --- fixed lists ----------------------------------------------------------------------------


def export_roster(subject: Subject) -> list[dict[str, Any]]:
    """The closed meetings whose fixed list the person was put on, and their answer."""
    rows = db.session.execute(
        select(RosterEntry, Event.title, EventSession.starts_at)
        .join(EventSession, EventSession.id == RosterEntry.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(RosterEntry.person_id == subject.id)
        .order_by(EventSession.starts_at, RosterEntry.id)
    ).all()
    return [
        {
            "event": title,
            "session_starts_at": personal_data.iso(starts_at),
            "added_at": personal_data.iso(entry.added_at),
            "accepted_at": personal_data.iso(entry.accepted_at),
        }
        for entry, title, starts_at in rows
    ]


def keep_facts(subjects: Sequence[Subject]) -> int:
    """Nothing to scrub: the rows hold no text and point to the anonymised person row."""
    return 0


# --- attendance by agenda item -----------------------------------------------------------


def export_item_attendance(subject: Subject) -> list[dict[str, Any]]:
    """Partial or online attendance recorded at check-in, in the minutes' words."""
    result = []
    items_by_session: dict[int, list[tuple[str, AgendaItem]]] = {}
    for row, title, starts_at in db.session.execute(_meeting_rows(ItemAttendance, subject)).all():
        registration = db.session.get(Registration, row.registration_id)
        session = registration.session
        if session.id not in items_by_session:
            items_by_session[session.id] = top_items(session)
        titles = {item.id: f"{number}. {item.title}" for number, item in items_by_session[session.id]}
        result.append(
            {
                "event": title,
                "session_starts_at": personal_data.iso(starts_at),
                "attendance": sentence(row, items_by_session[session.id]),
                "arrived_at_item": titles.get(row.arrived_item_id) if row.arrived_item_id else None,
                "left_at_item": titles.get(row.left_item_id) if row.left_item_id else None,
                "online": row.online,
                "updated_at": personal_data.iso(row.updated_at),
            }
        )
    return result


# --- answers to minutes ------------------------------------------------------------------------


def export_approvals(subject: Subject) -> list[dict[str, Any]]:
    """The minutes sent to the person for approval, and their answers and comments."""
    rows = db.session.execute(
        select(MinutesApproval, MinutesVersion, Event.title, EventSession.starts_at)
        .join(MinutesVersion, MinutesVersion.id == MinutesApproval.version_id)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(EventSession, EventSession.id == Minutes.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(MinutesApproval.person_id == subject.id)
        .order_by(MinutesVersion.sent_at, MinutesApproval.id)
    ).all()
    return [
        {
            "event": title,
            "session_starts_at": personal_data.iso(starts_at),
            "version": version.number,
            "sent_at": personal_data.iso(version.sent_at),
            "deadline": personal_data.iso(version.deadline),
            "response": approval.response.label,
            "comment": approval.comment,
            "responded_at": personal_data.iso(approval.responded_at),
        }
        for approval, version, title, starts_at in rows
    ]


def erase_approvals(subjects: Sequence[Subject]) -> int:
    """Blank the comments and end the approval links; the answers stay as the minutes' history."""
    if not subjects:
        return 0
    result = db.session.execute(
        update(MinutesApproval)
        .where(MinutesApproval.person_id.in_(_person_ids(subjects)))
        .values(comment="", token_key=secrets.token_urlsafe(12)[:20])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _due_comments(organisation_id: int, cutoff: datetime) -> Any:
    """Comments on the organisation's approved minutes of meetings that ended before `cutoff`."""
    return (
        select(MinutesApproval.id)
        .join(MinutesVersion, MinutesVersion.id == MinutesApproval.version_id)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(EventSession, EventSession.id == Minutes.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(
            Event.organisation_id == organisation_id,
            EventSession.ends_at < cutoff,
            Minutes.state.in_((MinutesState.APPROVED, MinutesState.PUBLISHED)),
            MinutesApproval.comment != "",
        )
    )


def count_comments(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_due_comments(organisation_id, cutoff))


def clear_comments(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Blank up to `limit` comments on approved minutes of meetings that ended before `cutoff`."""
    ids = due_batch(_due_comments(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            update(MinutesApproval)
            .where(MinutesApproval.id.in_(ids))
            .values(comment="")
            .execution_options(synchronize_session=False)
        )
    return len(ids)


COMMENT_STEP = RetentionStep(
    name="minutes_comments",
    label=_l("Comments on minutes"),
    reason=_l(
        "Comments and objections are needed until the minutes are approved: on approved minutes "
        "they are deleted 6 months after the meeting. Who approved or objected stays."
    ),
    default=6,
    unit=Unit.MONTHS,
    count=count_comments,
    apply=clear_comments,
    minimum=1,
    maximum=120,
)


# --- names in the minutes ------------------------------------------------------------------------


def _same(value: str, names: set[str]) -> bool:
    return value.strip().casefold() in names


def _full_name_pattern(names: set[str]) -> re.Pattern[str] | None:
    """Full names (two words or more) as whole words; a lone first name is too common to replace."""
    full = sorted((name for name in names if len(name.split()) >= 2), key=len, reverse=True)
    if not full:
        return None
    return re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, name.split())) for name in full) + r")\b", re.I)


class _Scrubber:
    """Replaces the names of erased people in the minutes' texts; counts whether anything changed."""

    def __init__(self, names: set[str]) -> None:
        self.names = {name.strip().casefold() for name in names if name.strip()}
        self.pattern = _full_name_pattern(self.names)
        self.placeholder = erased_name()

    def name(self, value: str) -> str:
        return self.placeholder if value and _same(value, self.names) else self.text(value)

    def text(self, value: str) -> str:
        if not value or self.pattern is None:
            return value
        return self.pattern.sub(self.placeholder, value)

    def snapshot(self, content: dict[str, Any]) -> dict[str, Any]:
        """A version's JSON (eventsite.meetings.minutes.snapshot) with the names replaced."""
        result = dict(content)
        for key in ("chair", "secretary"):
            if isinstance(result.get(key), str):
                result[key] = self.name(result[key])
        if isinstance(result.get("preamble"), str):
            result["preamble"] = self.text(result["preamble"])
        result["attending"] = [
            {**entry, "name": self.name(entry.get("name", ""))} if isinstance(entry, dict) else entry
            for entry in result.get("attending", [])
        ]
        for key in ("afbud", "absent"):
            result[key] = [self.name(name) if isinstance(name, str) else name for name in result.get(key, [])]
        result["items"] = [
            {**item, "summary": self.text(item.get("summary", "")), "decision": self.text(item.get("decision", ""))}
            if isinstance(item, dict)
            else item
            for item in result.get("items", [])
        ]
        return result


def _names_by_session(subjects: Sequence[Subject]) -> dict[int, set[str]]:
    """The erased people's names per session they had a place at."""
    names = {subject.id: subject.name for subject in subjects if subject.name.strip()}
    if not names:
        return {}
    by_session: dict[int, set[str]] = {}
    for session_id, person_id in db.session.execute(
        select(Registration.session_id, Registration.person_id).where(Registration.person_id.in_(list(names)))
    ):
        by_session.setdefault(session_id, set()).add(names[person_id])
    return by_session


def export_mentions(subject: Subject) -> list[dict[str, Any]]:
    """The minutes sent out that name the person: as participant, afbud, absent, dirigent or referent."""
    if not subject.name.strip():
        return []
    sessions = select(Registration.session_id).where(Registration.person_id == subject.id)
    rows = db.session.execute(
        select(MinutesVersion, Event.title, EventSession.starts_at)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(EventSession, EventSession.id == Minutes.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Minutes.session_id.in_(sessions))
        .order_by(EventSession.starts_at, MinutesVersion.number)
    ).all()
    names = {subject.name.strip().casefold()}
    result = []
    for version, title, starts_at in rows:
        data = version.data
        named = []
        for entry in data.get("attending", []):
            if _same(entry.get("name", ""), names):
                named.append(_("Participants") + (f" ({entry['note']})" if entry.get("note") else ""))
        if any(_same(name, names) for name in data.get("afbud", [])):
            named.append(_("Afbud"))
        if any(_same(name, names) for name in data.get("absent", [])):
            named.append(_("Absent"))
        if _same(data.get("chair", ""), names):
            named.append(_("Chair"))
        if _same(data.get("secretary", ""), names):
            named.append(_("Minute-taker"))
        if named:
            result.append(
                {
                    "event": title,
                    "session_starts_at": personal_data.iso(starts_at),
                    "version": version.number,
                    "sent_at": personal_data.iso(version.sent_at),
                    "named_as": ", ".join(named),
                }
            )
    return result


def _audited_content(value: Any) -> dict[str, Any] | None:
    """A version's text as the audit trail holds it: JSON, or (entries written before it was
    JSON) the Python repr of the dict."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
    return parsed if isinstance(parsed, dict) else None


def erase_mentions(subjects: Sequence[Subject]) -> int:
    """Name the erased people "Slettet deltager" in the minutes of their meetings (drafts, versions, audit)."""
    by_session = _names_by_session(subjects)
    if not by_session:
        return 0
    all_minutes = (
        db.session.execute(
            select(Minutes)
            .where(Minutes.session_id.in_(list(by_session)))
            .options(selectinload(Minutes.items), selectinload(Minutes.versions))
        )
        .scalars()
        .all()
    )
    minutes_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    scrubbers: dict[int, _Scrubber] = {}
    for minutes in all_minutes:
        scrub = scrubbers[minutes.id] = _Scrubber(by_session[minutes.session_id])
        values = {
            "chair": scrub.name(minutes.chair),
            "secretary": scrub.name(minutes.secretary),
            "preamble": scrub.text(minutes.preamble),
        }
        if values != {"chair": minutes.chair, "secretary": minutes.secretary, "preamble": minutes.preamble}:
            minutes_rows.append({"id": minutes.id, **values})
        for item in minutes.items:
            summary, decision = scrub.text(item.summary), scrub.text(item.decision)
            if (summary, decision) != (item.summary, item.decision):
                item_rows.append({"id": item.id, "summary": summary, "decision": decision})
        for version in minutes.versions:
            content = json.dumps(scrub.snapshot(version.data), ensure_ascii=False, sort_keys=True)
            if content != version.content:
                version_rows.append({"id": version.id, "content": content})
    # The versions as sent are also in the minutes' audit entries ("version_sent").
    audit_rows: list[dict[str, Any]] = []
    for entry in db.session.execute(
        select(AuditEntry).where(
            AuditEntry.object_type == "minutes",
            AuditEntry.object_id.in_(list(scrubbers)),
            AuditEntry.action == "version_sent",
            AuditEntry.after != "",
        )
    ).scalars():
        after = json.loads(entry.after)
        content = _audited_content(after.get("content"))
        if content is not None:
            after["content"] = json.dumps(
                scrubbers[entry.object_id].snapshot(content), ensure_ascii=False, sort_keys=True
            )
            text = json.dumps(after, ensure_ascii=False, sort_keys=True)
            if text != entry.after:
                audit_rows.append({"id": entry.id, "after": text})
    # One UPDATE per table, executed for many rows (by primary key).
    for model, rows in ((Minutes, minutes_rows), (MinutesItem, item_rows), (MinutesVersion, version_rows)):
        if rows:
            db.session.execute(update(model), rows)
    if audit_rows:
        db.session.execute(update(AuditEntry), audit_rows)
    return len(minutes_rows) + len(item_rows) + len(version_rows) + len(audit_rows)


def init_app(app: Flask) -> None:
    """Register the meetings' categories of personal data."""
    categories = (
        Category(
            name="meeting_afbud",
            label=_l("Afbud for meetings"),
            export=export_apologies,
            erase=erase_apologies,
            erasure_note=_l(
                "The reason is removed; that afbud was sent stays on the meeting's list and in the minutes."
            ),
            retention=(AFBUD_REASON_STEP,),
        ),
        Category(
            name="meeting_roster",
            label=_l("Fixed meeting lists"),
            export=export_roster,
            erase=keep_facts,
            erasure_note=_l("Stays without the name, so the meeting's numbers stay right."),
        ),
        Category(
            name="meeting_item_attendance",
            label=_l("Attendance by agenda item"),
            export=export_item_attendance,
            erase=keep_facts,
            erasure_note=_l("Stays without the name, so the minutes' numbers stay right."),
        ),
        Category(
            name="minutes_approvals",
            label=_l("Answers to minutes"),
            export=export_approvals,
            erase=erase_approvals,
            erasure_note=_l("The comment is removed and the link stops working; approved or objected stays."),
            retention=(COMMENT_STEP,),
        ),
        Category(
            name="minutes_mentions",
            label=_l("Named in minutes"),
            export=export_mentions,
            erase=erase_mentions,
            erasure_note=_l(
                "Minutes are the association's record and stay, with their decisions and numbers; the person "
                'is named "Erased participant" in them instead.'
            ),
        ),
    )
    for category in categories:
        personal_data.add_category(app, category)
