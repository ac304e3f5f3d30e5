"""What the public and a participant see of a meeting: its agenda and bilag, with links.

A participant is a person with a confirmed place in the session, reached through
their personal manage link; the public sees a session's agenda only when it is
marked public, and only the bilag marked public.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings import content
from eventsite.meetings.agenda import NumberedItem, agenda_for, agenda_shown_to, number_items
from eventsite.meetings.files import files_of_session
from eventsite.meetings.models import AgendaItem, Meeting, MeetingFile, ShownTo
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url


@dataclass(frozen=True)
class FileLink:
    file: MeetingFile
    url: str


@dataclass
class AgendaView:
    """A session's agenda and bilag as one reader may see them."""

    session: EventSession
    items: list[NumberedItem]
    #: Bilag of the whole meeting.
    meeting_files: list[FileLink] = field(default_factory=list)
    #: Bilag of an agenda item, by the item's id.
    item_files: dict[int, list[FileLink]] = field(default_factory=dict)
    #: The agenda as a PDF (None when there is no agenda).
    pdf_url: str | None = None
    #: The agenda exists but only participants may see it (shown as a hint).
    for_participants_only: bool = False

    @property
    def files(self) -> list[FileLink]:
        return self.meeting_files + [link for links in self.item_files.values() for link in links]

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.meeting_files and not self.item_files


def is_participant(registration: Registration, session: EventSession) -> bool:
    """A confirmed place in this session (a waiting-list or held place is not one yet)."""
    return (
        registration.session_id == session.id
        and registration.status is RegistrationStatus.CONFIRMED
        and not registration.is_held
    )


def _view(
    session: EventSession,
    files: list[MeetingFile],
    file_url: Callable[[MeetingFile], str],
    pdf_url: str | None,
    *,
    with_agenda: bool = True,
) -> AgendaView:
    items = agenda_for(session) if with_agenda else []
    view = AgendaView(session, items, pdf_url=pdf_url if items else None)
    known = {numbered.item.id for numbered in items}
    for file in files:
        link = FileLink(file, file_url(file))
        if file.agenda_item_id is not None and file.agenda_item_id in known:
            view.item_files.setdefault(file.agenda_item_id, []).append(link)
        else:
            view.meeting_files.append(link)
    return view


def public_view(session: EventSession, *, absolute: bool = False) -> AgendaView:
    """The agenda and public bilag as anyone who can see the event sees them."""
    if not content.with_content([session.id], content.AGENDA, content.FILES):
        # Not a meeting (most sessions): nothing to show, and nothing to look up.
        return AgendaView(session, [])
    link = absolute_url if absolute else _relative
    public_files = [f for f in files_of_session(session) if f.shown_to is ShownTo.PUBLIC]

    def public_file_url(file: MeetingFile) -> str:
        return link("meetings.public_file", event_id=session.event_id, file_id=file.id)

    if agenda_shown_to(session) is not ShownTo.PUBLIC:
        has_agenda = bool(agenda_for(session))
        view = _view(session, public_files, public_file_url, None, with_agenda=False)
        view.for_participants_only = has_agenda
        return view
    return _view(
        session,
        public_files,
        public_file_url,
        link("meetings.public_agenda_pdf", event_id=session.event_id, session_id=session.id),
    )


def participant_view(registration: Registration, *, absolute: bool = False, token: str | None = None) -> AgendaView:
    """What the person behind a manage link sees: everything if they are a participant."""
    session = registration.session
    if not is_participant(registration, session):
        return public_view(session, absolute=absolute)
    link = absolute_url if absolute else _relative
    token = token or manage_token(registration)
    return _view(
        session,
        files_of_session(session),
        lambda f: link("meetings.participant_file", token=token, file_id=f.id),
        link("meetings.participant_agenda_pdf", token=token),
    )


def _relative(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, **values)


# --- emails and calendars -------------------------------------------------------------------


def _sessions_with_meeting_content(session_ids: Sequence[int]) -> set[int]:
    """The sessions among these with an agenda item or a bilag (two small queries)."""
    ids = list(session_ids)
    with_items = db.session.scalars(select(AgendaItem.session_id).where(AgendaItem.session_id.in_(ids)).distinct())
    with_files = db.session.scalars(select(MeetingFile.session_id).where(MeetingFile.session_id.in_(ids)).distinct())
    return set(with_items) | set(with_files)


def email_view(registration: Registration) -> AgendaView | None:
    """The agenda and bilag links for an email about the registration (None: nothing to show)."""
    return email_views([registration]).get(registration.id)


def email_views(registrations: list[Registration]) -> dict[int, AgendaView | None]:
    """`email_view` for a batch: one look-up for the sessions without a meeting."""
    found = _sessions_with_meeting_content([r.session_id for r in registrations])
    views: dict[int, AgendaView | None] = {}
    for registration in registrations:
        view = participant_view(registration, absolute=True) if registration.session_id in found else None
        views[registration.id] = view if view is not None and not view.is_empty else None
    return views


def agenda_text(items: Sequence[NumberedItem]) -> str:
    """The agenda as plain text lines: "1. Title", "   1.1 Sub-item" (for calendars)."""
    lines = [str(_("Agenda")) + ":"]
    for numbered in items:
        indent = "   " if numbered.depth else ""
        time_slot = f"{numbered.item.starts_at:%H.%M} " if numbered.item.starts_at else ""
        lines.append(f"{indent}{numbered.number}. {time_slot}{numbered.item.title}")
    return "\n".join(lines)


def calendar_texts(session_ids: Sequence[int], for_participant: bool) -> dict[int, str]:
    """The agenda of each session for calendar descriptions: the public's, or a participant's."""
    session_ids = content.with_content(session_ids, content.AGENDA)
    if not session_ids:
        return {}
    found = db.session.scalars(select(AgendaItem).where(AgendaItem.session_id.in_(session_ids))).all()
    if not found:
        return {}
    hidden: set[int] = set()
    if not for_participant:
        hidden = set(
            db.session.scalars(
                select(Meeting.session_id).where(
                    Meeting.session_id.in_({item.session_id for item in found}),
                    Meeting.agenda_shown_to != ShownTo.PUBLIC,
                )
            )
        )
    by_session: dict[int, list[AgendaItem]] = {}
    for item in found:
        if item.session_id not in hidden:
            by_session.setdefault(item.session_id, []).append(item)
    return {session_id: agenda_text(number_items(items)) for session_id, items in by_session.items()}
