"""An event's public page, which is its sign-up form.

`visible_event_or_404` loads the event a visitor may open (also for its calendar
downloads); `render_event_page` shows it with the sign-up form, which the event
page (eventsite.events.views) and the sign-up views here (again, with what was
posted and why it was refused) both render.
"""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from eventsite.accounts.brand import use_brand, use_brand_of
from eventsite.db import utcnow
from eventsite.events.models import LISTED, Event, ProgrammeItem
from eventsite.extensions import db
from eventsite.registration.capacity import waitlist_only
from eventsite.registration.forms import LINK_FORM_PREFIX, SendLinkForm, SignupForm
from eventsite.registration.operations import seat_counts_for
from eventsite.registration.signup import ExtraFields, event_query, extra_fields, voucher_for


def visible_event_or_404(event_id: int) -> Event:
    """A published event, with its sessions and what its sign-up form needs (one query)."""
    event = db.session.execute(event_query(), {"event_id": event_id}).unique().scalar_one_or_none()
    if event is None or not event.published:
        abort(404)
    # An invitation-only event opens to a valid invitation link for it (?invitation=...).
    if event.visibility not in LISTED and voucher_for(event, request.args.get("invitation")) is None:
        abort(404)
    # Its pages (check-email, send-link, errors) show the organisation of the event in
    # the address, never that of a person looked up: those answers stay neutral.
    use_brand_of(event.organisation_id)
    return event


def load_programmes(event: Event) -> None:
    """Every session's programme in one query (the sign-up POST, which needs none, skips it)."""
    sessions = [s for s in event.sessions if "programme" not in s.__dict__]
    if not sessions:
        return
    items: dict[int, list[ProgrammeItem]] = {s.id: [] for s in sessions}
    query = (
        select(ProgrammeItem)
        .where(ProgrammeItem.session_id.in_(list(items)))
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)
    )
    for item in db.session.execute(query).scalars():
        items[item.session_id].append(item)
    for s in sessions:
        set_committed_value(s, "programme", items[s.id])


def render_event_page(
    event: Event,
    form: SignupForm | None = None,
    status: int = 200,
    extras: list[ExtraFields] | None = None,
    offer_link: bool = False,
) -> tuple[str, int]:
    """The event's page: `form` and `extras` as posted, if given, else fresh ones."""
    now = utcnow()
    use_brand(event.organisation)
    open_sessions = [s for s in event.active_sessions if s.starts_at > now]
    # A personal invitation link fills the form in from the member directory.
    invitation = voucher_for(event, request.args.get("invitation"))
    counts = seat_counts_for([s.id for s in event.sessions])
    load_programmes(event)
    form = form or SignupForm(
        sessions=open_sessions, data=invitation.prefill(open_sessions, counts) if invitation else None
    )
    # The areas' fieldsets (payments: fee, days, add-ons, payer, subsidy); none for most events.
    extras = extras if extras is not None else extra_fields(event)
    return (
        render_template(
            "events/event.html",
            event=event,
            form=form,
            open_sessions=open_sessions,
            counts=counts,
            # Sessions where a newcomer joins the waiting list: the button says so.
            waitlist_ids={s.id for s in open_sessions if s.id in counts and waitlist_only(counts[s.id])},
            registration_open=bool(open_sessions) and event.registration_is_open(now) and not event.is_cancelled,
            now=now,
            extra_fields=extras,
            invitation=invitation,
            link_form=SendLinkForm(prefix=LINK_FORM_PREFIX, formdata=None),
            # "Already signed up": point at the form that sends the link again.
            offer_link=offer_link,
        ),
        status,
    )
