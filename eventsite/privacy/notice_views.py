"""Back office: the organisation's privacy notice (administrators edit it) and its record of processing (art. 30)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from eventsite.accounts.access import (
    ADMIN_ROLES,
    bp,
    current_organisation_ids,
    current_organisations,
    organisation_for_current_user_or_404,
    role_required,
)
from eventsite.clock import LOCAL_TZ
from eventsite.db import utcnow
from eventsite.forms import BaseForm
from eventsite.privacy import notice, record
from eventsite.web import writes


class NoticeForm(BaseForm):
    body = TextAreaField(
        _l("Privacy notice (Markdown)"),
        validators=[Length(max=notice.NOTICE_MAX, message=_l("At most %(max)d characters.", max=notice.NOTICE_MAX))],
        render_kw={"rows": 30},
    )
    submit = SubmitField(_l("Save the privacy notice"))


@bp.get("/privatlivspolitik")
@role_required()
def privacy_home():
    """The organisations' privacy notices (administrators edit) and records of processing (staff download)."""
    return render_template(
        "privacy/admin_home.html",
        organisations=current_organisations(),
        admin_of=set(current_organisation_ids(*ADMIN_ROLES)),
    )


@bp.route("/organisationer/<int:organisation_id>/privatlivspolitik", methods=["GET", "POST"])
@writes()
@role_required(*ADMIN_ROLES)
def privacy_notice_edit(organisation_id: int):
    organisation = organisation_for_current_user_or_404(organisation_id)
    form = NoticeForm()
    if not form.is_submitted():
        form.body.data = notice.notice_markdown(organisation)
    elif form.validate():
        notice.save_notice(organisation, form.body.data or "", current_user, utcnow())
        flash(_("The privacy notice has been saved."), "success")
        return redirect(url_for("organiser.privacy_notice_edit", organisation_id=organisation.id), code=303)
    own = notice.notice_for(organisation.id)
    return render_template(
        "privacy/admin_notice.html",
        organisation=organisation,
        form=form,
        own=own,
        status=422 if form.errors else 200,
    ), (422 if form.errors else 200)


@bp.get("/organisationer/<int:organisation_id>/fortegnelse.xlsx")
@role_required()
def processing_record(organisation_id: int):
    """The record of processing (art. 30) as a workbook, for the organisation's organisers."""
    organisation = organisation_for_current_user_or_404(organisation_id)
    filename = f"fortegnelse-{organisation.slug}-{utcnow().astimezone(LOCAL_TZ):%Y-%m-%d}.xlsx"
    return Response(
        record.to_xlsx(organisation),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
