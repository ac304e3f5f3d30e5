"""Administrators' pages: accounts and roles, and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventsite.accounts import links, second_factor
from eventsite.accounts import logins as accounts
from eventsite.accounts.access import (
    ADMIN_ROLES,
    bp,
    current_organisation_ids,
    current_organisations,
    has_role,
    organisation_for_current_user_or_404,
    role_required,
    user_for_current_admin_or_404,
)
from eventsite.accounts.models import Membership, Role, User
from eventsite.audit import AuditEntry, readable
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.organiser.account_email import queue_link_email
from eventsite.organiser.forms import AccountStatusForm, MembershipForm, UserCreateForm
from eventsite.web import id_arg, refuse, writes

AUDIT_PAGE_SIZE = 100


@bp.get("/brugere")
@role_required(*ADMIN_ROLES)
def users():
    org_ids = current_organisation_ids()
    found = list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id.in_(org_ids))
            .options(selectinload(User.memberships).selectinload(Membership.organisation))
            .order_by(User.email)
            .distinct()
        ).scalars()
    )
    invited = links.open_invitation_user_ids([u.id for u in found], utcnow())
    return render_template("organiser/users.html", users=found, org_ids=set(org_ids), invited=invited)


@bp.route("/brugere/ny", methods=["GET", "POST"])
@writes()
@role_required(*ADMIN_ROLES)
def user_new():
    """Invite an account by email (the invitee chooses the password), or add a role to an existing one."""
    form = UserCreateForm(organisations=current_organisations(*ADMIN_ROLES))
    if request.method == "GET":
        form.role.data = Role.ORGANISER.value
        return render_template("organiser/user_form.html", form=form)
    if not form.validate():
        return render_template("organiser/user_form.html", form=form), 422
    organisation = organisation_for_current_user_or_404(form.organisation_id.data, *ADMIN_ROLES)
    try:
        link = links.invite(form.email.data, form.name.data or "", organisation, Role(form.role.data), utcnow())
    except accounts.AccountError as error:
        refuse(error, form)
        return render_template("organiser/user_form.html", form=form), 422
    if link is None:
        flash(
            _("The account already existed; it now has the role in %(organisation)s.", organisation=organisation.name),
            "success",
        )
    else:
        queue_link_email(link)
        flash(_("The invitation has been sent to %(email)s.", email=link.user.email), "success")
    return redirect(url_for("organiser.users"), code=303)


@bp.post("/brugere/<int:user_id>/inviter-igen")
@writes()
@role_required(*ADMIN_ROLES)
def user_reinvite(user_id: int):
    """A new invitation link for an account that has not chosen its password yet."""
    user = user_for_current_admin_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    organisation_id = next(m.organisation_id for m in user.memberships if has_role(m.organisation_id, *ADMIN_ROLES))
    try:
        link = links.reinvite(user, organisation_id, utcnow())
    except accounts.AccountError as error:
        refuse(error)
        return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)
    queue_link_email(link)
    flash(_("The invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)


@bp.route("/brugere/<int:user_id>", methods=["GET", "POST"])
@writes()
@role_required(*ADMIN_ROLES)
def user_edit(user_id: int):
    user = user_for_current_admin_or_404(user_id)
    org_ids = set(current_organisation_ids())
    memberships = [m for m in user.memberships if m.organisation_id in org_ids]
    form = MembershipForm(organisations=[m.organisation for m in memberships])
    if request.method == "POST":
        if not form.validate():
            return _edit_page(user, memberships, form), 422
        membership = next((m for m in memberships if m.organisation_id == form.organisation_id.data), None)
        if membership is None:
            abort(404)
        try:
            if form.remove.data:
                accounts.remove_membership(membership)
                message = _("The account has been removed from the organisation.")
            else:
                accounts.change_role(membership, Role(form.role.data))
                message = _("The role has been changed.")
        except accounts.AccountError as error:
            refuse(error)
            return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)
        flash(message, "success")
        return redirect(url_for("organiser.users"), code=303)
    return _edit_page(user, memberships, form)


def _edit_page(user: User, memberships: list[Membership], form: MembershipForm) -> str:
    return render_template(
        "organiser/user_edit.html", user=user, memberships=memberships, form=form, status_form=AccountStatusForm()
    )


@bp.post("/brugere/<int:user_id>/luk")
@writes()
@role_required(*ADMIN_ROLES)
def user_deactivate(user_id: int):
    """Close an account: no more logins, and every open session of it ends now."""
    user = user_for_current_admin_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        accounts.deactivate_user(user, set(current_organisation_ids(*ADMIN_ROLES)))
    except accounts.AccountError as error:
        refuse(error)
        return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)
    flash(_("The account has been closed and logged out everywhere."), "success")
    return redirect(url_for("organiser.users"), code=303)


@bp.post("/brugere/<int:user_id>/nulstil-tofaktor")
@writes()
@role_required(*ADMIN_ROLES)
def user_reset_second_factor(user_id: int):
    """Take away a lost second factor: the account is logged out and sets it up again at the next login."""
    user = user_for_current_admin_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        second_factor.reset(user, set(current_organisation_ids(*ADMIN_ROLES)))
    except accounts.AccountError as error:
        refuse(error)
        return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)
    flash(_("The second factor has been reset. The account sets it up again at its next login."), "success")
    return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)


@bp.post("/brugere/<int:user_id>/genaabn")
@writes()
@role_required(*ADMIN_ROLES)
def user_reactivate(user_id: int):
    user = user_for_current_admin_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        accounts.reactivate_user(user, set(current_organisation_ids(*ADMIN_ROLES)))
    except accounts.AccountError as error:
        refuse(error)
        return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)
    flash(_("The account has been reopened."), "success")
    return redirect(url_for("organiser.user_edit", user_id=user.id), code=303)


@bp.get("/log")
@role_required(*ADMIN_ROLES)
def audit_log():
    org_ids = current_organisation_ids()
    page = id_arg("side") or 1
    query = select(AuditEntry).where(AuditEntry.organisation_id.in_(org_ids))
    object_type = request.args.get("type") or None
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    entries = list(
        db.session.execute(
            query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        ).scalars()
    )
    return render_template(
        "organiser/audit.html",
        lines=readable(entries),
        page=page,
        has_next=page * AUDIT_PAGE_SIZE < total,
        object_type=object_type,
        organisations={o.id: o.name for o in current_organisations(*ADMIN_ROLES)},
    )
