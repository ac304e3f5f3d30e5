"""The sign-up: one way to a place, and what other areas contribute to it.

Registration sits below payments and invitations (see [tool.importlinter] in
pyproject.toml), yet a sign-up involves both. They contribute their part here at
start-up, in their `init_app`, as they do with mail's `add_email_context`:

* `add_signup_extras(app, SignupExtras(...))`: fields of their own on the sign-up
  form (payments: days, add-ons, payer, subsidy), answers saved once the place is
  decided, values for the manage page and the receipt, and what the sign-up page
  must load with the event (in the same query);
* `add_voucher(app, resolve)`: what a token in the event page's address
  (``?invitation=...``) grants. A `Voucher` vouches for the person: their own
  invitation identifies them and fills the form in; a colleague link lets them in
  and counts their sign-up against the inviting member's limit.

`sign_up` is the one way to a place: the public form, the invitation links, the
email-confirmed sign-up and an organiser's phone sign-up all go through it. Like
every domain function it flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.base import ExecutableOption

from eventsite.db import utcnow
from eventsite.events.models import Event, EventSession
from eventsite.registration import holds, operations
from eventsite.registration.capacity import SeatCounts
from eventsite.registration.models import Registration
from eventsite.registration.notifications import notify_signup
from eventsite.registration.operations import PersonDetails

_KEY = "eventsite.registration.signup"


class Answers(Protocol):
    """The validated answers to an area's fields on the sign-up form."""

    def record(self, registration: Registration, now: datetime) -> object:
        """Save them for the new registration (flushes); raise RegistrationError to refuse
        the whole sign-up, e.g. for an add-on that filled up meanwhile."""
        ...


class ExtraFields(Protocol):
    """An area's fieldset on the sign-up form, posted with it (without a CSRF token of its own)."""

    #: The template that renders the fieldset; it sees the form as `extras`.
    template: str

    def validate(self, extra_validators: Any = None) -> bool: ...

    def choices(self) -> Answers:
        """The answers, once `validate` has passed."""
        ...

    def review(self) -> Review | None:
        """What the review step shows of the answers, once `validate` has passed; None when
        they need no review (see eventsite.registration.review)."""
        ...


@dataclass(frozen=True)
class Review:
    """An area's part of the sign-up's review page ("Gennemse og bekræft")."""

    #: The partial that shows the answers; it sees `review` (this object).
    template: str
    #: What the partial shows (payments: the itemised price and the payer).
    values: Mapping[str, Any]
    #: What the person agrees to, as text signed into the review page (payments: the
    #: total in øre): when it has changed by the confirm, the review is shown again.
    fingerprint: str


@dataclass(frozen=True)
class SignupExtras:
    """What an area adds to the sign-up form and to the manage page."""

    #: The fieldset for an event's form, or None when the event needs none. It holds
    #: `formdata` when given (a stored sign-up), else what the request posted.
    fields: Callable[[Event, Mapping[str, Any] | None], ExtraFields | None]
    #: Template values for the manage page and the receipt (payments: the price).
    manage_context: Callable[[Registration], Mapping[str, object]]
    #: Loader options for the event a sign-up page loads: what `fields` reads of the
    #: event comes in the same query (payments: `Event.has_offer`).
    event_options: tuple[ExecutableOption, ...] = ()


class Voucher(Protocol):
    """A link that vouches for the person signing up through it (an invitation)."""

    #: The token, carried on to the sign-up form's address.
    @property
    def token(self) -> str: ...

    #: The person's own link: it identifies them (their stored details may be updated,
    #: and a members-only event needs no email confirmation).
    @property
    def personal(self) -> bool: ...

    def prefill(
        self, open_sessions: Sequence[EventSession] = (), counts: Mapping[int, SeatCounts] | None = None
    ) -> dict[str, Any]:
        """The sign-up form's fields, filled in for the person (empty if the link does not know them)."""
        ...

    def record(self, registration: Registration, now: datetime) -> None:
        """Note the sign-up made through the link (flushes); raise RegistrationError to refuse it."""
        ...


#: What a token in an event page's address grants on that event, or None.
Resolver = Callable[[Event, str], Voucher | None]


@dataclass
class _Contributions:
    extras: list[SignupExtras] = field(default_factory=list)
    resolvers: list[Resolver] = field(default_factory=list)
    #: The sign-up page's event query, built once (SQLAlchemy then keeps its cache key).
    event_query: Select[tuple[Event]] | None = None


def _contributions(app: Flask | None = None) -> _Contributions:
    extensions = (app or current_app).extensions
    contributions: _Contributions | None = extensions.get(_KEY)
    if contributions is None:
        contributions = extensions[_KEY] = _Contributions()
    return contributions


def add_signup_extras(app: Flask, extras: SignupExtras) -> None:
    """Add an area's fields to the sign-up form (and its values to the manage page)."""
    contributions = _contributions(app)
    if extras not in contributions.extras:
        contributions.extras.append(extras)
        contributions.event_query = None


def add_voucher(app: Flask, resolve: Resolver) -> None:
    """Let `resolve(event, token)` say who vouches for a person arriving with a token."""
    contributions = _contributions(app)
    if resolve not in contributions.resolvers:
        contributions.resolvers.append(resolve)


def extra_fields(event: Event, formdata: Mapping[str, Any] | None = None) -> list[ExtraFields]:
    """The fieldsets the areas add to this event's sign-up form (usually none)."""
    found = (extras.fields(event, formdata) for extras in _contributions().extras)
    return [fields for fields in found if fields is not None]


def voucher_for(event: Event, token: str | None) -> Voucher | None:
    """Who vouches for a person arriving at the event's page with `token`, or None."""
    if not token:
        return None
    for resolve in _contributions().resolvers:
        voucher = resolve(event, token)
        if voucher is not None:
            return voucher
    return None


def manage_context(registration: Registration) -> dict[str, object]:
    """The areas' template values for a registration's manage page and receipt."""
    values: dict[str, object] = {}
    for extras in _contributions().extras:
        values.update(extras.manage_context(registration))
    return values


def event_query() -> Select[tuple[Event]]:
    """The query for an event's sign-up page: the event with its organisation, its
    sessions with their venues, and what the areas' fields need of it, in one round
    trip (parameter: ``event_id``). The page loads the programmes (pages.py)."""
    contributions = _contributions()
    if contributions.event_query is None:
        options = [option for extras in contributions.extras for option in extras.event_options]
        sessions = joinedload(Event.sessions)
        contributions.event_query = (
            select(Event)
            .options(
                # The page shows each session's venue and the organisation's name:
                # loaded here rather than one lazy query per session.
                sessions.joinedload(EventSession.venue),
                joinedload(Event.organisation),
                *options,
            )
            .where(Event.id == bindparam("event_id"))
        )
    return contributions.event_query


def sign_up(
    session_id: int,
    details: PersonDetails,
    *,
    comment: str = "",
    dietary_needs: str = "",
    answers: Sequence[Answers] = (),
    voucher: Voucher | None = None,
    identified: bool = False,
    by_organiser: bool = False,
    held_until: datetime | None = None,
    now: datetime | None = None,
) -> Registration:
    """Give a person a place (a seat, else the waiting list) with all that comes with it. Flushes.

    After `operations.register` has decided the place, each area's `answers` are
    saved (a full add-on refuses the whole sign-up), the `voucher` notes the sign-up
    made through its link, and the confirmation email goes into the outbox.

    `identified`: the person has shown the address is theirs (by email, or with their
    own invitation link; an organiser's sign-up counts as identified), so the stored
    details of a known person may be updated; an anonymous form must not rewrite them.
    Raises RegistrationError (refused), LookupError (no such session) and, when the
    same person signs up twice at once, IntegrityError.

    `held_until`: an anonymous sign-up from the public form. The place is held until
    then, awaiting the email confirmation (eventsite.registration.holds): the typed
    details stay on the registration, and the email sent is the confirmation link.
    A place already held by the address raises operations.AlreadySignedUp.
    """
    now = now or utcnow()
    registration = operations.register(
        session_id,
        details,
        comment=comment,
        dietary_needs=dietary_needs,
        now=now,
        by_organiser=by_organiser,
        update_person=held_until is None and (by_organiser or identified or (voucher is not None and voucher.personal)),
        held_until=held_until,
        held_details=holds.details_json(details) if held_until is not None else None,
    )
    for answer in answers:
        answer.record(registration, now)
    if voucher is not None:
        voucher.record(registration, now)
    if held_until is not None:
        # The link that confirms the held place instead: the notice follows it.
        holds.queue_confirmation(registration)
        return registration
    # The confirmation or waiting-list notice, in the outbox in the same transaction.
    notify_signup(registration)
    return registration
