"""Calendar links for pages: the feed a page points to, "add to calendar" per session."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from eventsite.calendar.entries import PublicSession, public_entries
from eventsite.calendar.ical import google_calendar_link, outlook_calendar_link
from eventsite.events.models import Event
from eventsite.text import absolute_url


@dataclass(frozen=True)
class FeedLink:
    title: str
    #: http(s) address, for <link rel="alternate"> and downloads.
    url: str
    #: The same feed as webcal://, which calendar apps open as a subscription.
    webcal: str


def webcal(url: str) -> str:
    """The webcal:// form of an http(s) feed address."""
    return "webcal://" + url.split("://", 1)[-1]


def feed_link(event=None) -> FeedLink:
    """The feed a page points to: its organisation's, or every organisation's."""
    if isinstance(event, Event) and event.organisation is not None:
        organisation = event.organisation
        url = absolute_url("calendar.organisation_feed", slug=organisation.slug)
        return FeedLink(_("%(name)s – events", name=organisation.name), url, webcal(url))
    url = absolute_url("calendar.site_feed")
    return FeedLink(_("Public events"), url, webcal(url))


#: (the session as the public sees it, language) -> (Google link, Outlook link), per process.
_LINKS: dict[tuple[PublicSession, str], tuple[str, str]] = {}
#: The cache is emptied when it grows past this (a few hundred upcoming sessions is a lot).
_LINKS_MAX = 2000


def session_links(session) -> dict[str, str]:
    """ "Add to calendar" links for one session: .ics download, Google Calendar, Outlook.com.

    The Google and Outlook links carry the whole public entry (description, place,
    organiser): made once per process for each version of the session's public row
    (which holds its and its event's updated_at, its venue and organisation) and
    language, instead of on every view of the event page. What the areas add to the
    description (a meeting's agenda) changes only with the session's updated_at (see
    calendar.entries.add_description_text), so the key follows it too.
    """
    key = (PublicSession.of(session), str(get_locale()))
    links = _LINKS.get(key)
    if links is None:
        entry = public_entries([key[0]])[0]
        links = (google_calendar_link(entry), outlook_calendar_link(entry))
        if len(_LINKS) >= _LINKS_MAX:
            _LINKS.clear()
        _LINKS[key] = links
    return {
        "ics": url_for("calendar.session_ics", event_id=session.event_id, session_id=session.id),
        "google": links[0],
        "outlook": links[1],
    }
