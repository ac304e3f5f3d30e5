"""Back-office pages for venues (per organisation; the region is derived from the municipality)."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.accounts.access import (
    bp,
    current_organisations,
    listed_organisation_ids,
    role_required,
)
from eventsite.clock import local_today
from eventsite.events import editing as operations
from eventsite.events.access import venue_for_current_user_or_404
from eventsite.events.editing import EditError, VenueData
from eventsite.events.forms import VenueForm
from eventsite.events.models import Venue
from eventsite.extensions import db
from eventsite.web import id_arg, refuse, writes


def _venue_data(form: VenueForm) -> VenueData:
    return VenueData(
        name=form.name.data or "",
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        city=form.city.data or "",
        municipality_code=form.municipality_code.data or "",
    )


@bp.get("/steder")
@role_required()
def venues():
    found = list(
        db.session.execute(
            select(Venue)
            .where(Venue.organisation_id.in_(listed_organisation_ids()))
            .options(selectinload(Venue.organisation))
            .order_by(Venue.city, Venue.name)
        ).scalars()
    )
    return render_template("organiser/venues.html", venues=found, today=local_today())


@bp.route("/steder/ny", methods=["GET", "POST"])
@writes()
@role_required()
def venue_new():
    form = VenueForm(organisations=current_organisations())
    # From a session form: back to it afterwards, with the new venue chosen.
    back = _back_path(request.values.get("tilbage"))
    if request.method == "GET" and id_arg("organisation"):
        form.organisation_id.data = id_arg("organisation")
    if request.method == "POST":
        if form.validate():
            try:
                venue = operations.create_venue(form.organisation_id.data, _venue_data(form))
            except EditError as error:
                refuse(error, form)
            else:
                flash(_("The venue has been added."), "success")
                if back:
                    return redirect(f"{back}?sted={venue.id}", code=303)
                return redirect(url_for("organiser.venues"), code=303)
        return render_template("organiser/venue_form.html", form=form, venue=None, back=back), 422
    return render_template("organiser/venue_form.html", form=form, venue=None, back=back)


#: Where "Tilføj et sted" may return to: the session forms of the back office.
_SESSION_FORM = re.compile(r"^/arrangoer/(arrangementer/\d+/sessioner/ny|sessioner/\d+/rediger)$")


def _back_path(value: str | None) -> str | None:
    """A session form's path to return to, or None: never an address elsewhere."""
    return value if value and _SESSION_FORM.fullmatch(value) else None


@bp.route("/steder/<int:venue_id>/rediger", methods=["GET", "POST"])
@writes()
@role_required()
def venue_edit(venue_id: int):
    venue = venue_for_current_user_or_404(venue_id)
    form = VenueForm(obj=venue if request.method == "GET" else None, organisations=[venue.organisation])
    form.organisation_id.data = venue.organisation_id  # a venue stays with its organisation
    if request.method == "POST":
        if form.validate():
            try:
                operations.update_venue(venue, _venue_data(form))
            except EditError as error:
                refuse(error, form)
            else:
                flash(_("The venue has been saved."), "success")
                return redirect(url_for("organiser.venues"), code=303)
        return render_template("organiser/venue_form.html", form=form, venue=venue, today=local_today()), 422
    return render_template("organiser/venue_form.html", form=form, venue=venue, today=local_today())
