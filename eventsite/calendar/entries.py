"""From sessions and registrations to `CalendarEntry` values for the iCal builder.

Public entries (downloads, organisation feeds) never carry the online link of a
webinar; a person's own entries (invitations, personal feed) do, once the place is
confirmed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import gettext as _

from eventsite.calendar.ical import (
    CANCELLED,
    CONFIRMED,
    TENTATIVE,
    CalendarEntry,
    Party,
    invitation_uid,
    public_uid,
)
from eventsite.events.models import LOCAL_TZ, Event, EventKind, EventSession, Organisation
from eventsite.formatting import location_text
from eventsite.geo.municipalities import region_for
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.text import absolute_url, markdown_to_text

#: Event descriptions are cut to this length in calendars (as plain text from their Markdown).
DESCRIPTION_MAX = 1500


#: app.extensions key of the description texts the areas above add (see add_description_text).
_DESCRIPTION_TEXTS = "eventsite.calendar.description_texts"

#: provider(session ids, for_participant) -> {session id: plain text}; sessions without
#: anything to add are left out of the result.
DescriptionText = Callable[[Sequence[int], bool], Mapping[int, str]]


def add_description_text(app: Flask, provider: DescriptionText) -> None:
    """Add text to calendar entries' descriptions, per session (meetings: the agenda).

    `provider` is called once per feed or download with all its session ids (so it can
    load what it needs in a few queries); `for_participant` is True for a person's own
    confirmed entry (invitation, personal feed), which may show more than the public's.
    A public entry's text must change only with the session's updated_at, which the
    feeds' cache and validators follow.
    """
    app.extensions.setdefault(_DESCRIPTION_TEXTS, []).append(provider)


def description_texts(session_ids: Sequence[int], for_participant: bool) -> dict[int, str]:
    """The added texts of each session, joined (empty without any provider or text)."""
    providers: list[DescriptionText] = current_app.extensions.get(_DESCRIPTION_TEXTS, [])
    if not providers or not session_ids:
        return {}
    found: dict[int, list[str]] = {}
    for provider in providers:
        for session_id, text in provider(session_ids, for_participant).items():
            if text:
                found.setdefault(session_id, []).append(text)
    return {session_id: "\n\n".join(texts) for session_id, texts in found.items()}


def calendar_host() -> str:
    """The host part of every UID: EVENTSITE_BASE_URL's host name."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def organizer_for(organisation: Organisation) -> Party:
    """The organisation as ORGANIZER and as the email sender."""
    return Party(organisation.name, organisation.sender_email or current_app.config["MAIL_DEFAULT_SENDER"])


def session_sequence(session: EventSession) -> int:
    return session.sequence or 0


def invitation_sequence(registration: Registration, session: EventSession) -> int:
    """SEQUENCE of a person's entry: the session's changes plus the registration's own."""
    return (session.sequence or 0) + (registration.calendar_sequence or 0)


def last_change(session: EventSession, event: Event) -> datetime:
    """The newest of the session's and the event's changes (for DTSTAMP in feeds)."""
    return _newest(event.updated_at, session.updated_at, session.cancelled_at, event.cancelled_at)


def _newest(*values: datetime | None) -> datetime:
    return max(value for value in values if value is not None)


def public_description(event: Event, event_url: str) -> str:
    return _description(event.kind, event.target_group, event.description, event_url)


def _description(kind: EventKind, target_group: str, description: str, event_url: str) -> str:
    parts = [kind.label]
    if target_group:
        parts[0] += " · " + _("For %(group)s", group=target_group)
    # Markdown is for the web page; a calendar shows plain text (no ** or #).
    text = markdown_to_text(description) if description else ""
    if text:
        parts.append(text if len(text) <= DESCRIPTION_MAX else text[:DESCRIPTION_MAX].rstrip() + " …")
    parts.append(event_url)
    return "\n\n".join(parts)


class PublicSession(NamedTuple):
    """What a public calendar shows of a session, as one flat row.

    Feeds select exactly these columns (see eventsite.calendar.feeds), which is much
    cheaper than loading 1,000 sessions with their events as ORM objects; downloads
    make the same row from a loaded session with `of()`.
    """

    session_id: int
    starts_at: datetime
    ends_at: datetime
    sequence: int
    session_cancelled_at: datetime | None
    session_updated_at: datetime | None
    event_id: int
    title: str
    kind: EventKind
    description: str
    target_group: str
    event_updated_at: datetime
    event_cancelled_at: datetime | None
    organisation_name: str
    sender_email: str | None
    venue_name: str | None
    venue_address: str | None
    venue_postcode: str | None
    venue_city: str | None
    municipality_code: str | None

    @classmethod
    def of(cls, session: EventSession) -> PublicSession:
        event, venue = session.event, session.venue
        return cls(
            session.id,
            session.starts_at,
            session.ends_at,
            session.sequence or 0,
            session.cancelled_at,
            session.updated_at,
            event.id,
            event.title,
            event.kind,
            event.description,
            event.target_group,
            event.updated_at,
            event.cancelled_at,
            event.organisation.name,
            event.organisation.sender_email,
            venue.name if venue else None,
            venue.address if venue else None,
            venue.postcode if venue else None,
            venue.city if venue else None,
            venue.municipality_code if venue else None,
        )

    @property
    def region(self) -> str | None:
        """The venue's region on the day of the session (dated, like EventSession.region)."""
        return region_for(self.municipality_code, self.starts_at.astimezone(LOCAL_TZ).date())

    @property
    def location(self) -> str:
        if self.venue_name is None:
            return str(_("Online"))
        # The same text as Venue.full_address.
        return f"{self.venue_name}, {self.venue_address}, {self.venue_postcode} {self.venue_city}"


def public_entries(sessions: Iterable[EventSession | PublicSession]) -> list[CalendarEntry]:
    """Sessions as the public sees them: downloads and organisation feeds.

    What an event's sessions share (link, description, organiser) is made once per
    event: a feed of 1,000 sessions would otherwise spend most of its time making the
    same translations and links again.
    """
    host = calendar_host()
    default_sender = current_app.config["MAIL_DEFAULT_SENDER"]
    online = _("Online")
    shared: dict[int, tuple[str, str, Party, str]] = {}
    entries = []
    rows = [item if isinstance(item, PublicSession) else PublicSession.of(item) for item in sessions]
    added = description_texts([row.session_id for row in rows], False)
    for row in rows:
        parts = shared.get(row.event_id)
        if parts is None:
            url = absolute_url("events.event_page", event_id=row.event_id)
            parts = shared[row.event_id] = (
                url,
                _description(row.kind, row.target_group, row.description, url),
                Party(row.organisation_name, row.sender_email or default_sender),
                row.kind.label,
            )
        url, description, organizer, category = parts
        cancelled = row.session_cancelled_at is not None or row.event_cancelled_at is not None
        changed = _newest(
            row.event_updated_at, row.session_updated_at, row.session_cancelled_at, row.event_cancelled_at
        )
        title = f"{row.title} – {row.venue_city}" if row.venue_city is not None else row.title
        entries.append(
            CalendarEntry(
                uid=public_uid(row.session_id, host),
                sequence=row.sequence or 0,
                summary=_("Cancelled: %(title)s", title=title) if cancelled else title,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                stamp=changed,
                last_modified=changed,
                status=CANCELLED if cancelled else CONFIRMED,
                location=row.location if row.venue_name is not None else online,
                description=description + "\n\n" + added[row.session_id] if row.session_id in added else description,
                url=url,
                organizer=organizer,
                categories=category,
            )
        )
    return entries


def public_entry(session: EventSession) -> CalendarEntry:
    """One session as the public sees it."""
    return public_entries([session])[0]


def personal_entry(
    registration: Registration,
    *,
    stamp: datetime,
    cancel: bool = False,
    manage_url: str | None = None,
    host: str | None = None,
) -> CalendarEntry:
    """A person's own entry: the email invitation and the personal feed.

    `cancel` makes it the CANCEL version (the place, the session or the event is
    gone). A waiting-list place shows as TENTATIVE and without the online link.
    """
    session = registration.session
    event = registration.event
    event_url = absolute_url("events.event_page", event_id=event.id)
    session_cancelled = session.is_cancelled or event.is_cancelled
    confirmed = registration.status is RegistrationStatus.CONFIRMED and not session_cancelled and not cancel
    if cancel or session_cancelled or registration.status is RegistrationStatus.CANCELLED:
        status = CANCELLED
    elif registration.status is RegistrationStatus.WAITLISTED:
        status = TENTATIVE
    else:
        status = CONFIRMED
    location = location_text(session.venue)
    lines = [public_description(event, event_url)]
    if confirmed and session.online_url:
        # Only people with a confirmed place ever get the meeting link.
        location = session.online_url if session.venue is None else location
        lines.insert(0, _("Online link: %(url)s", url=session.online_url))
    if session.programme:
        programme = [_("Programme")] + [
            f"{item.starts_at.strftime('%H.%M')} {item.title}" + (f" ({item.speaker})" if item.speaker else "")
            for item in session.programme
        ]
        lines.append("\n".join(programme))
    added = description_texts([session.id], confirmed).get(session.id)
    if added:
        lines.append(added)
    if manage_url:
        lines.append(_("See, change or cancel your registration: %(url)s", url=manage_url))
    summary = _summary(event, session, cancelled=status == CANCELLED)
    if status == TENTATIVE:
        summary = _("Waiting list: %(title)s", title=summary)
    return CalendarEntry(
        uid=invitation_uid(registration.id, host or calendar_host()),
        sequence=invitation_sequence(registration, session),
        summary=summary,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stamp=stamp,
        last_modified=last_change(session, event),
        status=status,
        location=location,
        description="\n\n".join(lines),
        url=event_url,
        organizer=organizer_for(event.organisation),
        attendee=Party(registration.person.name, registration.person.email),
        categories=event.kind.label,
    )


def _summary(event: Event, session: EventSession, *, cancelled: bool) -> str:
    title = f"{event.title} – {session.place_name}" if session.venue is not None else event.title
    if cancelled:
        return str(_("Cancelled: %(title)s", title=title))
    return title
