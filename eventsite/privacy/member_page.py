""" "Mine tilmeldinger": a member's own page with one organisation, reached through an emailed link.

The way in is eventsite.registration.member_links (a single-use link from the
"send me my link" email, then a short session in the signed cookie). The page
shows every current and past registration of the person with the organisation and
lets them act on each through the same functions and rules as the manage link
(registration.self_service), correct their details, give their calendar feed a new
address, unsubscribe from invitations or subscribe again, decide on participant
lists, download their data (eventsite.privacy.export) and erase it
(eventsite.privacy.erasure).

Every action names a registration by id; one that is not the session's person's is
a 404, whatever the id. Pages are never stored (no-store) and send no Referer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.accounts.brand import use_brand_of
from eventsite.calendar.personal import feed_token, revoke_feed_token
from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ, Event, EventSession
from eventsite.extensions import db
from eventsite.invitations import directory
from eventsite.privacy import export
from eventsite.privacy.erasure import ErasureError, erase_person
from eventsite.privacy.member_forms import ButtonForm, ConsentForm, EnterForm, EraseForm, InvitationsForm
from eventsite.registration import consent, member_links, operations, self_service
from eventsite.registration.forms import CancelForm, DetailsForm, MoveForm
from eventsite.registration.models import MemberLink, Person, Registration
from eventsite.registration.operations import DetailChanges, RegistrationError, SeatWouldBeLost
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url
from eventsite.web import discard, refuse, writes

bp = Blueprint("member", __name__, url_prefix="/mine-tilmeldinger")

#: The member session in Flask's signed cookie: {"link": id, "key": secret, "seen": epoch seconds}.
SESSION_KEY = "member_page"


@bp.after_request
def _private(response: Response) -> Response:
    # Personal data on every page: never stored, never named in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- the way in and out -------------------------------------------------------------


@bp.route("/ind/<token>", methods=["GET", "POST"])
@writes()
def enter(token: str):
    """The emailed link: a button first (mail scanners follow links), then the session starts."""
    now = utcnow()
    link = member_links.link_from_token(token, now)
    if link is None:
        return render_template("privacy/member_link_invalid.html"), 404
    use_brand_of(link.person.organisation_id)
    form = EnterForm()
    if request.method == "GET" or not form.validate():
        return render_template("privacy/member_enter.html", form=form, organisation=link.person.organisation)
    entered = member_links.enter(link, now)
    session[SESSION_KEY] = {"link": entered.link_id, "key": entered.key, "seen": now.timestamp()}
    return redirect(url_for("member.page"), code=303)


def _session_link(now: datetime) -> MemberLink | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        link_id, key, seen = int(data["link"]), str(data["key"]), float(data["seen"])
    except (KeyError, TypeError, ValueError):
        return None
    link = member_links.session_link(link_id, key, datetime.fromtimestamp(seen, tz=now.tzinfo), now)
    if link is None:
        session.pop(SESSION_KEY, None)
        return None
    data["seen"] = now.timestamp()
    session[SESSION_KEY] = data
    # The member's pages (and the page after logging out) in their organisation's brand.
    use_brand_of(link.person.organisation_id)
    return link


class _Ended(Exception):
    pass


def _person(now: datetime) -> Person:
    """The session's person; a page saying the session has ended if there is none."""
    link = _session_link(now)
    if link is None:
        raise _Ended()
    return link.person


@bp.errorhandler(_Ended)
def _ended(_error):
    discard()
    return render_template("privacy/member_ended.html"), 403


@bp.post("/log-ud")
@writes()
def logout():
    now = utcnow()
    link = _session_link(now)
    form = ButtonForm()
    if link is not None and form.validate():
        member_links.end_session(link, now)
    session.pop(SESSION_KEY, None)
    return render_template("privacy/member_logged_out.html")


# --- the page -------------------------------------------------------------------------


@dataclass
class Row:
    """One registration as the page shows it."""

    registration: Registration
    state: self_service.Changeable
    position: int | None
    manage_url: str | None
    list_offered: bool
    consents: bool
    may_see_list: bool
    upcoming: bool


def _registrations(person: Person) -> list[Registration]:
    return list(
        db.session.execute(
            select(Registration)
            .join(EventSession, EventSession.id == Registration.session_id)
            # A held place is not theirs until its own email link is followed.
            .where(Registration.person_id == person.id, Registration.held_until.is_(None))
            .order_by(EventSession.starts_at.desc(), Registration.id)
            .options(
                selectinload(Registration.event).selectinload(Event.sessions),
                selectinload(Registration.session).selectinload(EventSession.venue),
                selectinload(Registration.dietary_note),
            )
        ).scalars()
    )


def _own_registration(person: Person, registration_id: int) -> Registration:
    """The person's registration with this id, or 404 (another's id reveals nothing)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.person_id != person.id or registration.held_until is not None:
        abort(404)
    return registration


def _rows(person: Person, now: datetime) -> list[Row]:
    rows = []
    for registration in _registrations(person):
        state = self_service.changeable(registration, now)
        offered = consent.offered(registration)
        link_works = registration.event.ends_at is None or now <= registration.event.ends_at
        rows.append(
            Row(
                registration=registration,
                state=state,
                position=operations.waitlist_position(registration),
                manage_url=absolute_url("registration.manage", token=manage_token(registration))
                if registration.is_active and link_works
                else None,
                list_offered=offered,
                consents=offered and consent.consents(registration.id),
                may_see_list=consent.may_see_list(registration),
                upcoming=registration.session.starts_at > now,
            )
        )
    return rows


def _upcoming_active(rows: list[Row]) -> list[Registration]:
    return [row.registration for row in rows if row.upcoming and row.registration.is_active]


def _details_form(person: Person, rows: list[Row]) -> DetailsForm:
    form = DetailsForm(formdata=None)
    form.name.data = person.name
    form.job_title.data = person.job_title
    form.workplace.data = person.workplace
    form.municipality_code.data = person.municipality_code or ""
    notes = {r.dietary_note.text for r in _upcoming_active(rows) if r.dietary_note is not None}
    form.dietary_needs.data = notes.pop() if len(notes) == 1 else ""
    return form


def _page(person: Person, now: datetime, *, status: int = 200, **overrides):
    rows = _rows(person, now)
    member = directory.member_for(person.organisation_id, person.email)
    context = dict(
        person=person,
        organisation=person.organisation,
        rows=rows,
        upcoming=_upcoming_active(rows),
        details_form=_details_form(person, rows),
        feed_url=absolute_url("calendar.personal_feed", token=feed_token(person)),
        member=member,
        invitations_form=InvitationsForm(),
        button_form=ButtonForm(),
        consent_wording=consent.wording(),
        erase_form=EraseForm(),
        idle_minutes=int(member_links.idle_limit().total_seconds() // 60),
        now=now,
    )
    context.update(overrides)
    return render_template("privacy/member_page.html", **context), status


@bp.get("/")
def page():
    now = utcnow()
    person = _person(now)
    return _page(person, now)


def _back():
    return redirect(url_for("member.page"), code=303)


# --- actions on a registration (the manage link's rules) ---------------------------------


@bp.post("/tilmelding/<int:registration_id>/afmeld")
@writes()
def cancel(registration_id: int):
    """First POST: the confirmation page. The POST from that page cancels."""
    now = utcnow()
    person = _person(now)
    registration = _own_registration(person, registration_id)
    form = CancelForm()
    if not form.validate():
        abort(400)
    try:
        self_service.check_cancel(registration, now)
        if not form.is_confirmed:
            return render_template(
                "privacy/member_confirm_cancel.html", registration=registration, form=CancelForm(formdata=None)
            )
        self_service.cancel_own(registration, now)
    except self_service.AlreadyCancelled as replay:
        flash(str(replay.message), "info")
        return _back()
    except RegistrationError as error:
        refuse(error)
        return _back()
    flash(_("Your registration has been cancelled."), "success")
    return _back()


@bp.post("/tilmelding/<int:registration_id>/flyt")
@writes()
def move(registration_id: int):
    now = utcnow()
    person = _person(now)
    registration = _own_registration(person, registration_id)
    try:
        self_service.check_move(registration, now)
    except RegistrationError as error:
        refuse(error)
        return _back()
    state = self_service.changeable(registration, now)
    form = MoveForm(sessions=state.other_sessions)
    if not form.validate():
        flash(_("Choose a venue and date."), "error")
        return _back()
    try:
        position = self_service.move_own(
            registration, form.session_id.data, give_up_seat=form.give_up_seat.data == "yes", now=now
        )
    except SeatWouldBeLost as lost:
        discard()
        target = next(s for s in state.other_sessions if s.id == form.session_id.data)
        return render_template(
            "privacy/member_confirm_move.html",
            registration=registration,
            target=target,
            new_position=lost.position,
            form=MoveForm(formdata=None, sessions=state.other_sessions),
        )
    except RegistrationError as error:
        refuse(error)
        return _back()
    if position is None:
        flash(_("Your registration has been moved."), "success")
    else:
        flash(
            _("Your registration has been moved. You are number %(position)d on the waiting list.", position=position),
            "success",
        )
    return _back()


@bp.post("/tilmelding/<int:registration_id>/samtykke")
@writes()
def set_consent(registration_id: int):
    """Appear on the session's participant list, or no longer (at once)."""
    now = utcnow()
    person = _person(now)
    registration = _own_registration(person, registration_id)
    form = ConsentForm()
    if not form.validate() or not consent.offered(registration):
        abort(400)
    given = form.given.data == "yes"
    consent.record(registration, given, now)
    flash(
        _("You are now shown on the participant list.")
        if given
        else _("You are no longer shown on the participant list."),
        "success",
    )
    return _back()


@bp.get("/tilmelding/<int:registration_id>/deltagerliste")
def participant_list(registration_id: int):
    now = utcnow()
    person = _person(now)
    registration = _own_registration(person, registration_id)
    try:
        listed = consent.participant_list(registration)
    except consent.ListRefused as refused:
        return render_template("registration/participant_list_refused.html", message=refused.message), 403
    return render_template(
        "registration/participant_list.html",
        registration=registration,
        listed=listed,
        back_url=url_for("member.page"),
        consents=consent.consents(registration.id),
    )


# --- the person -----------------------------------------------------------------------------


@bp.post("/oplysninger")
@writes()
def details():
    now = utcnow()
    person = _person(now)
    form = DetailsForm()
    if not form.validate():
        return _page(person, now, status=422, details_form=form)
    upcoming = _upcoming_active(_rows(person, now))
    changes = DetailChanges.from_form(form, with_dietary=bool(upcoming))
    operations.correct_person(person, changes, upcoming, now)
    flash(_("Your details have been saved."), "success")
    return _back()


@bp.post("/kalender/ny-adresse")
@writes()
def new_feed_address():
    """ "Ny kalenderadresse": the old feed address stops working."""
    now = utcnow()
    person = _person(now)
    if not ButtonForm().validate():
        abort(400)
    revoke_feed_token(person)
    flash(_("Your calendar has a new address. The old one no longer works."), "success")
    return _back()


@bp.post("/invitationer")
@writes()
def invitations():
    now = utcnow()
    person = _person(now)
    form = InvitationsForm()
    member = directory.member_for(person.organisation_id, person.email)
    if not form.validate() or member is None:
        abort(400)
    if form.wanted.data == "yes":
        directory.opt_in(member)
        flash(_("You will receive invitations again."), "success")
    else:
        directory.opt_out(member, now)
        flash(_("You will no longer receive invitations."), "success")
    return _back()


# --- data: export and erasure (eventsite.privacy.export / .erasure) -------------------------

#: The reason kept in the audit trail when a person erases themselves (no personal data).
SELF_ERASURE_REASON = _l('At the person\'s own request, on their page "My registrations"')

_EXPORTS = {
    "json": (export.to_json, "application/json"),
    "xlsx": (export.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (export.to_csv, "text/csv; charset=utf-8"),
}


@bp.get("/mine-data.<fmt>")
def export_data(fmt: str):
    """ "Hent mine data": everything held about the session's person (art. 15 and 20).

    Whose data is decided by the session alone: no id in the address or the query is read.
    """
    now = utcnow()
    person = _person(now)
    if fmt not in _EXPORTS:
        abort(404)
    write, mimetype = _EXPORTS[fmt]
    body = write(export.collect(person))
    filename = f"mine-data-{person.organisation.slug}-{now.astimezone(LOCAL_TZ):%Y-%m-%d}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/slet")
@writes()
def erase():
    """ "Slet mine oplysninger": a page that explains first, then the second click erases (art. 17)."""
    now = utcnow()
    person = _person(now)
    form = EraseForm()
    if not form.validate():
        abort(400)
    if not form.is_confirmed:
        return render_template(
            "privacy/member_confirm_erase.html",
            person=person,
            organisation=person.organisation,
            rows=_rows(person, now),
            form=EraseForm(formdata=None),
        )
    organisation = person.organisation
    try:
        erase_person(person, reason=str(SELF_ERASURE_REASON))
    except ErasureError as error:
        refuse(error)
        return _back()
    # The registry deleted the member links (registration.consent_data): the session is over.
    session.pop(SESSION_KEY, None)
    return render_template("privacy/member_erased.html", organisation=organisation)


def init_app(app: Flask) -> None:
    """The member page's blueprint, and its entrance in the "send me my link" email."""
    app.register_blueprint(bp)
    member_links.set_entrance(app, "member.enter")
