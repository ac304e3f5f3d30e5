"""Calendar links for pages: the feed a page points to, "add to calendar" per session."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from eventsite.calendar.entries import public_entry
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


def session_links(session) -> dict[str, str]:
    """ "Add to calendar" links for one session: .ics download, Google Calendar, Outlook.com."""
    entry = public_entry(session)
    return {
        "ics": url_for("calendar.session_ics", event_id=session.event_id, session_id=session.id),
        "google": google_calendar_link(entry),
        "outlook": outlook_calendar_link(entry),
    }
