"""Back-office pages for the member directory: list and search, add, edit, import.

Registered on the organiser blueprint (see VIEW_MODULES in eventsite/organiser), so
its login guard and access rules apply; every object is loaded through a loader that
answers 404 outside the user's organisations.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from eventsite import limits
from eventsite.accounts.access import (
    bp,
    current_organisation_ids,
    has_role,
    listed_organisation_ids,
    organisation_for_current_user_or_404,
    role_required,
)
from eventsite.extensions import csrf, db
from eventsite.geo import known_regions
from eventsite.invitations import directory, importing
from eventsite.invitations.directory import MemberData, MemberError, MemberSearch
from eventsite.invitations.forms import ConfirmImportForm, ImportForm, MemberForm
from eventsite.invitations.importing import ImportRefused
from eventsite.invitations.models import JobLevel, Member
from eventsite.sorting import sort_from_args
from eventsite.web import discard, id_arg, refuse, writes

#: Report lines shown on the preview page (the summary counts every row).
REPORT_LIMIT = 1000


def member_for_current_user_or_404(member_id: int) -> Member:
    """The member, if it belongs to an organisation where the user is staff."""
    member = db.session.get(Member, member_id)
    if member is None or not has_role(member.organisation_id):
        abort(404)
    return member


@bp.get("/medlemmer")
@role_required()
def members_home():
    ids = listed_organisation_ids() or current_organisation_ids()
    return redirect(url_for("organiser.members", organisation_id=ids[0]), code=303)


def _search_from_args() -> MemberSearch:
    return MemberSearch(
        text=(request.args.get("q") or "").strip()[:200],
        region=request.args.get("region") or "",
        job_level=request.args.get("level") or "",
        tag=request.args.get("tag") or "",
        opted_out=request.args.get("opted_out") or "",
    )


@bp.get("/organisationer/<int:organisation_id>/medlemmer")
@role_required()
def members(organisation_id: int):
    organisation = organisation_for_current_user_or_404(organisation_id)
    search = _search_from_args()
    page = id_arg("side") or 1
    order = sort_from_args(request.args, directory.SORT_COLUMNS, default="name")
    found, total = directory.search_members(organisation.id, search, page, order)
    pages = max(1, -(-total // directory.PAGE_SIZE))

    def page_url(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "side"}
        return url_for("organiser.members", organisation_id=organisation.id, side=number, **args)

    return render_template(
        "invitations/members.html",
        organisation=organisation,
        members=found,
        total=total,
        page=page,
        pages=pages,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
        search=search,
        order=order,
        sort_args={k: v for k, v in request.args.items() if k not in ("side", "sort", "dir")}
        | {"organisation_id": organisation.id},
        regions=known_regions(),
        levels=list(JobLevel),
        tags=directory.distinct_tags(organisation.id),
        directory_size=directory.member_count(organisation.id),
    )


def _data_from(form: MemberForm) -> MemberData:
    return MemberData(
        name=form.name.data,
        email=form.email.data,
        member_number=form.member_number.data or None,
        job_title=form.job_title.data or "",
        job_level=JobLevel(form.job_level.data),
        workplace=form.workplace.data or "",
        municipality_code=form.municipality_code.data or None,
        region=form.region.data or None,
        tags=[form.tags.data or ""],
        opted_out=form.opted_out.data,
    )


@bp.route("/organisationer/<int:organisation_id>/medlemmer/ny", methods=["GET", "POST"])
@writes()
@role_required()
def member_new(organisation_id: int):
    organisation = organisation_for_current_user_or_404(organisation_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = directory.create_member(organisation.id, _data_from(form))
        except MemberError as error:
            refuse(error, form)
        except IntegrityError:
            discard()
            form.form_errors.append(_("Another member already has this e-mail address or member number."))
        else:
            flash(_("%(name)s has been added to the member directory.", name=member.name), "success")
            return redirect(url_for("organiser.members", organisation_id=organisation.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("invitations/member_form.html", form=form, organisation=organisation, member=None), status


@bp.route("/medlemmer/<int:member_id>", methods=["GET", "POST"])
@writes()
@role_required()
def member_edit(member_id: int):
    member = member_for_current_user_or_404(member_id)
    form = MemberForm(obj=None if request.method == "POST" else member)
    if request.method == "GET":
        form.job_level.data = member.job_level.value
        form.municipality_code.data = member.municipality_code or ""
        form.region.data = member.region if not member.municipality_code and member.region else ""
        form.tags.data = ", ".join(member.tags)
        form.opted_out.data = member.opted_out
    if form.validate_on_submit():
        try:
            directory.update_member(member, _data_from(form))
        except MemberError as error:
            refuse(error, form)
        except IntegrityError:
            discard()
            form.form_errors.append(_("Another member already has this e-mail address or member number."))
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("organiser.members", organisation_id=member.organisation_id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return (
        render_template("invitations/member_form.html", form=form, organisation=member.organisation, member=member),
        status,
    )


# --- import -----------------------------------------------------------------


def _max_upload_mb() -> int:
    return current_app.config["MEMBER_IMPORT_MAX_MB"]


def _render_upload(organisation, form: ImportForm, status: int = 200, problem: str | None = None):
    return (
        render_template(
            "invitations/import_upload.html",
            organisation=organisation,
            form=form,
            problem=problem,
            max_mb=_max_upload_mb(),
        ),
        status,
    )


@bp.route("/organisationer/<int:organisation_id>/medlemmer/import", methods=["GET", "POST"])
@limits.per_client("member_import")
@writes()
@role_required()
def member_import(organisation_id: int):
    organisation = organisation_for_current_user_or_404(organisation_id)
    if request.method == "GET":
        return _render_upload(organisation, ImportForm())
    # A member file may be far larger than the site-wide MAX_CONTENT_LENGTH: this
    # view alone raises the limit, before anything reads the body (hence the CSRF
    # check here rather than in CSRFProtect's before_request; see csrf.exempt below).
    request.max_content_length = _max_upload_mb() * 1024 * 1024
    try:
        csrf.protect()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _render_upload(
            organisation,
            ImportForm(formdata=None),
            413,
            _(
                "The file is too large: at most %(max)d MB. Split the member list into smaller files.",
                max=_max_upload_mb(),
            ),
        )
    form = ImportForm()
    if upload is None or not upload.filename:
        return _render_upload(organisation, form, 422, _("Choose a file to import."))
    data = upload.read()
    preview = importing.check_file(organisation.id, upload.filename, data)
    stored = importing.store_preview(organisation.id, preview, current_user.id)
    return redirect(
        url_for("organiser.member_import_preview", organisation_id=organisation.id, token=stored.token), code=303
    )


csrf.exempt(member_import)


def _preview_or_404(organisation_id: int, token: str):
    organisation = organisation_for_current_user_or_404(organisation_id)
    loaded = importing.load_preview(organisation.id, token)
    if loaded is None:
        abort(404)
    return organisation, loaded[0], loaded[1]


@bp.route("/organisationer/<int:organisation_id>/medlemmer/import/<token>", methods=["GET", "POST"])
@limits.per_client("member_import")
@writes()
@role_required()
def member_import_preview(organisation_id: int, token: str):
    organisation, stored, preview = _preview_or_404(organisation_id, token)
    form = ConfirmImportForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = importing.apply_preview(organisation.id, preview, valid_only=form.valid_only.data)
            db.session.delete(stored)
        except ImportRefused as refused:
            discard()
            form.form_errors.append(refused.message)
            preview.report.extend(line for line in refused.report if line not in preview.report)
            status = 409
        except IntegrityError:
            discard()
            form.form_errors.append(
                _("The member directory changed while importing; nothing was imported. Upload the file again.")
            )
            status = 409
        else:
            flash(
                _(
                    "Import done: %(created)d new, %(updated)d updated, %(skipped)d rows skipped.",
                    created=result.created,
                    updated=result.updated,
                    skipped=result.skipped,
                ),
                "success",
            )
            return redirect(url_for("organiser.members", organisation_id=organisation.id), code=303)
    return (
        render_template(
            "invitations/import_preview.html",
            organisation=organisation,
            preview=preview,
            form=form,
            token=token,
            sample=preview.valid_rows[:20],
            report_limit=REPORT_LIMIT,
        ),
        status,
    )
