""".ics downloads, the public feeds per organisation and the personal feed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from wtforms import SubmitField

from eventsite.calendar import feeds
from eventsite.calendar.cache import public_events
from eventsite.calendar.entries import last_change, personal_entry, public_entries
from eventsite.calendar.ical import PUBLISH, build_calendar, join_calendar
from eventsite.calendar.links import webcal
from eventsite.calendar.personal import feed_token, person_from_feed_token, revoke_feed_token
from eventsite.db import utcnow
from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.forms import BaseForm
from eventsite.registration.pages import visible_event_or_404
from eventsite.registration.tokens import manage_token, registration_or_abort
from eventsite.text import absolute_url, slug
from eventsite.web import writes

bp = Blueprint("calendar", __name__)

#: How often subscribed calendars should fetch a feed again.
REFRESH = timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str, *, inline: bool = False) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.get("/arrangementer/<int:event_id>/kalender.ics")
def event_ics(event_id: int):
    """Every session of an event, for "Tilføj til kalender"."""
    event = visible_event_or_404(event_id)
    return _ics(build_calendar(public_entries(event.sessions), method=PUBLISH), event_filename(event))


@bp.get("/arrangementer/<int:event_id>/kalender/<int:session_id>.ics")
def session_ics(event_id: int, session_id: int):
    """One session of an event."""
    event = visible_event_or_404(event_id)
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    return _ics(build_calendar(public_entries([session]), method=PUBLISH), event_filename(event, session))


def event_filename(event, session=None) -> str:
    """A readable download name: "temadag-for-mellemledere-naestved-2027-05-11.ics"."""
    if session is None:
        return slug(event.title) + ".ics"
    return slug(event.title, session.place_name, session.local_start.date().isoformat()) + ".ics"


@bp.get("/kalender.ics")
def site_feed():
    """Every organisation's public events: the feed pages without an organisation point to."""
    _statements_without_transaction()
    return _public_feed(None, _("Public events"), "arrangementer.ics")


_ORGANISATIONS = Organisation.__table__
#: Only what a feed needs, as a plain row: part of every 304, so kept cheap.
_ORGANISATION_BY_SLUG = select(
    _ORGANISATIONS.c.id,
    _ORGANISATIONS.c.slug,
    _ORGANISATIONS.c.name,
    _ORGANISATIONS.c.created_at,
    _ORGANISATIONS.c.sender_email,
).where(_ORGANISATIONS.c.slug == bindparam("slug"))


def _statements_without_transaction() -> None:
    """Feeds only read, and are polled by every subscribed calendar: on PostgreSQL run
    their statements in autocommit, which spares the BEGIN and ROLLBACK round trips of
    a transaction (each statement sees the newest commits, as at READ COMMITTED)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@bp.get("/kalender/<slug>.ics")
def organisation_feed(slug: str):
    """One organisation's public events, filtered by ?type= and ?region=."""
    _statements_without_transaction()
    organisation = db.session.execute(_ORGANISATION_BY_SLUG, {"slug": slug}).one_or_none()
    if organisation is None:
        abort(404)
    return _public_feed(organisation, organisation.name, f"{organisation.slug}.ics")


def _public_feed(organisation, title: str, filename: str) -> Response:
    """`organisation`: a row with id, slug, name and created_at, or None for every organisation."""
    now = utcnow()
    feed_filter = feeds.FeedFilter.from_args(request.args)
    validators = feeds.public_validators(organisation, feed_filter, now)
    if _not_modified(validators):
        response = Response(status=304)
    else:
        sessions = feeds.public_sessions(organisation.id if organisation else None, feed_filter, now)
        body = join_calendar(public_events(sessions), name=title, refresh=REFRESH)
        response = _ics(body, filename, inline=True)
    response.set_etag(validators.etag)
    response.last_modified = validators.last_modified
    response.headers["Cache-Control"] = "public, max-age=900"
    return response


def _not_modified(validators: feeds.Validators) -> bool:
    """A conditional GET that matches: If-None-Match wins over If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(validators.etag)
    since = request.if_modified_since
    return since is not None and validators.last_modified.replace(microsecond=0) <= since


@bp.get("/kalender/mine/<token>.ics")
def personal_feed(token: str):
    """A person's active registrations, through the secret link in their emails."""
    person = person_from_feed_token(token)
    if person is None:
        abort(404)
    now = utcnow()
    entries = [
        personal_entry(
            registration,
            stamp=last_change(registration.session, registration.event),
            manage_url=absolute_url("registration.manage", token=manage_token(registration)),
        )
        for registration in feeds.personal_registrations(person, now)
    ]
    body = build_calendar(entries, name=_("My registrations"), refresh=REFRESH)
    response = _ics(body, "mine-tilmeldinger.ics", inline=True)
    response.set_etag(hashlib.sha1(body).hexdigest()[:24])
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    # Personal data: the link must not leak through the Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


class _RotateFeedForm(BaseForm):
    """CSRF only: "Ny kalenderadresse"."""

    submit = SubmitField(_l("Give my calendar a new address"))


@bp.route("/tilmelding/<token>/kalender", methods=["GET", "POST"])
@writes()
def personal_calendar(token: str):
    """The person's own feed address, reached from their manage link, and a way to
    replace it (the old address then answers 404, e.g. after sharing it by mistake)."""
    registration = registration_or_abort(token, utcnow())
    person = registration.person
    form = _RotateFeedForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        revoke_feed_token(person)
        flash(
            _("Your calendar has a new address; the old one no longer works. Subscribe again with the new one."),
            "success",
        )
        return redirect(url_for("calendar.personal_calendar", token=token), code=303)
    feed_url = absolute_url("calendar.personal_feed", token=feed_token(person))
    return render_template(
        "calendar/personal.html",
        registration=registration,
        token=token,
        feed_url=feed_url,
        webcal_url=webcal(feed_url),
        form=form,
    )
