"""Back-office privacy pages: an organiser erases a participant; an administrator sets retention.

Registered on the organiser blueprint (VIEW_MODULES in eventsite/organiser), so its
login guard and access rules apply; objects are loaded with the 404 loaders.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from eventsite.accounts.access import (
    ADMIN_ROLES,
    bp,
    current_organisation_ids,
    listed_organisation_ids,
    organisation_for_current_user_or_404,
    role_required,
)
from eventsite.audit import AuditEntry, decoded
from eventsite.extensions import db
from eventsite.mail.models import JobRun
from eventsite.personal_data import Unit
from eventsite.privacy import retention
from eventsite.privacy.erasure import ErasureError, erase_person
from eventsite.privacy.forms import EraseForm, retention_form
from eventsite.registration.access import registration_for_current_user_or_404
from eventsite.registration.models import Registration
from eventsite.web import refuse, writes

#: Units after a period, in words.
UNIT_LABELS = {Unit.DAYS.value: _l("days"), Unit.MONTHS.value: _l("months"), Unit.YEARS.value: _l("years")}


def _back_to(registration: Registration):
    return redirect(url_for("organiser.registration_detail", registration_id=registration.id), code=303)


@bp.route("/tilmeldinger/<int:registration_id>/slet-oplysninger", methods=["GET", "POST"])
@writes()
@role_required()
def person_erase(registration_id: int):
    """Erase the person behind a registration: a page that explains, a reason, a second click."""
    registration = registration_for_current_user_or_404(registration_id)
    person = registration.person
    if person.erased_at is not None:
        flash(_("This person's data has already been erased."), "info")
        return _back_to(registration)
    form = EraseForm()
    if request.method == "POST" and form.validate() and form.confirmed.data == "yes":
        try:
            erase_person(person, reason=form.reason.data, by_user=current_user)
        except ErasureError as error:
            refuse(error, form)
        else:
            flash(_("The person's data has been erased. The registrations still count in the statistics."), "success")
            return _back_to(registration)
    status = 422 if form.errors or form.form_errors else 200
    count = db.session.execute(select(Registration.id).where(Registration.person_id == person.id)).all()
    return (
        render_template(
            "privacy/erase.html",
            registration=registration,
            person=person,
            form=form,
            registration_count=len(count),
            # The second step: the reason is valid and the organiser must confirm.
            confirming=request.method == "POST" and form.validate() and form.confirmed.data != "yes",
        ),
        status,
    )


@bp.get("/databeskyttelse")
@role_required(*ADMIN_ROLES)
def retention_home():
    ids = listed_organisation_ids(*ADMIN_ROLES) or current_organisation_ids(*ADMIN_ROLES)
    return redirect(url_for("organiser.retention_settings", organisation_id=ids[0]), code=303)


@bp.route("/organisationer/<int:organisation_id>/databeskyttelse", methods=["GET", "POST"])
@writes()
@role_required(*ADMIN_ROLES)
def retention_settings(organisation_id: int):
    """The organisation's retention periods, with the defaults and why, and the last runs."""
    organisation = organisation_for_current_user_or_404(organisation_id)
    in_force = retention.periods(organisation.id)
    editable = [
        (p.step.name, p.step.label, p.value, p.step.minimum, p.step.maximum)
        for p in in_force
        if p.step.configurable and not p.follows
    ]
    form = retention_form(editable)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name, *_rest in editable}
        try:
            changed = retention.save_periods(organisation.id, values, user=current_user)
        except retention.RetentionError as error:
            refuse(error, form)
        else:
            flash(_("The retention periods have been saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("organiser.retention_settings", organisation_id=organisation.id), code=303)
    job = db.session.execute(select(JobRun).where(JobRun.name == "retention")).scalar_one_or_none()
    runs = db.session.execute(
        select(AuditEntry)
        .where(
            AuditEntry.organisation_id == organisation.id,
            AuditEntry.object_type == "retention",
            AuditEntry.action == "ran",
        )
        .order_by(AuditEntry.created_at.desc())
        .limit(10)
    ).scalars()
    status = 422 if form.errors or form.form_errors else 200
    return (
        render_template(
            "privacy/retention.html",
            organisation=organisation,
            periods=in_force,
            form=form,
            job=job,
            runs=[(entry, decoded(entry)[1]) for entry in runs],
            step_labels={p.step.name: p.step.label for p in in_force},
            unit_labels=UNIT_LABELS,
        ),
        status,
    )
