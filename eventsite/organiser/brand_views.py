"""Administrators' page for the organisation's brand: name, logo, colour, sender, contact, footer links."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, Optional

from eventsite.accounts import brand
from eventsite.accounts.access import (
    ADMIN_ROLES,
    bp,
    current_organisations,
    organisation_for_current_user_or_404,
    role_required,
)
from eventsite.extensions import csrf, db
from eventsite.forms import BaseForm, _max, _strip
from eventsite.web import refuse, writes

#: The largest request this page reads: a logo too large for MAX_LOGO_BYTES still gets
#: the page's own message up to here (the site-wide limit is MAX_CONTENT_LENGTH).
UPLOAD_REQUEST_MAX = 8 * 1024 * 1024


class BrandForm(BaseForm):
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        validators=[_max(200)],
        description=_l("Shown on the pages, in emails and on badges. Empty: the organisation's name."),
    )
    logo = FileField(
        _l("Logo"),
        description=_l("PNG, JPEG or WebP, at most 2 MB. It is converted and stored without metadata; SVG is refused."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    primary_colour = StringField(
        _l("Primary colour"),
        filters=[_strip],
        validators=[_max(7)],
        description=_l("A hex code such as #004b87. White text on it must have a contrast of at least 4.5:1."),
    )
    email_sender_name = StringField(
        _l("Sender name in emails"),
        filters=[_strip],
        validators=[_max(200)],
        description=_l("The name people see as the sender. Empty: the display name."),
    )
    contact_email = EmailField(
        _l("Contact e-mail"),
        filters=[_strip],
        validators=[Optional(), Email(message=_l("Enter a valid e-mail address.")), _max(254)],
    )
    contact_phone = StringField(_l("Contact phone"), filters=[_strip], validators=[_max(40)])
    contact_address = TextAreaField(_l("Postal address"), filters=[_strip], validators=[_max(300)])
    submit = SubmitField(_l("Save"))


#: Footer links: label and address fields, numbered 1..MAX_FOOTER_LINKS.
for _number in range(1, brand.MAX_FOOTER_LINKS + 1):
    setattr(BrandForm, f"link_label_{_number}", StringField(_l("Link text %(n)d", n=_number), filters=[_strip]))
    setattr(BrandForm, f"link_url_{_number}", StringField(_l("Link address %(n)d", n=_number), filters=[_strip]))


def _link_pairs(form: BrandForm) -> list[tuple[str, str]]:
    return [
        (getattr(form, f"link_label_{n}").data or "", getattr(form, f"link_url_{n}").data or "")
        for n in range(1, brand.MAX_FOOTER_LINKS + 1)
    ]


def _fill(form: BrandForm, organisation) -> None:
    row = db.session.get(brand.OrganisationBrand, organisation.id)
    if row is None:
        return
    form.display_name.data = row.display_name
    form.primary_colour.data = row.primary_colour
    form.email_sender_name.data = row.email_sender_name
    form.contact_email.data = row.contact_email
    form.contact_phone.data = row.contact_phone
    form.contact_address.data = row.contact_address
    for number, link in enumerate(brand.decoded_links(row.footer_links), start=1):
        getattr(form, f"link_label_{number}").data = link["label"]
        getattr(form, f"link_url_{number}").data = link["url"]


def _upload(form: BrandForm) -> bytes | None:
    """The uploaded logo's bytes (at most one byte over the limit is read), or None."""
    storage = form.logo.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(brand.MAX_LOGO_BYTES + 1) or b""


@bp.get("/profil")
@role_required(*ADMIN_ROLES)
def brand_home():
    """The brand page of the first organisation the account administers."""
    organisations = current_organisations(*ADMIN_ROLES)
    return redirect(url_for("organiser.brand_settings", organisation_id=organisations[0].id), code=303)


@bp.route("/organisationer/<int:organisation_id>/profil", methods=["GET", "POST"])
@writes()
@role_required(*ADMIN_ROLES)
def brand_settings(organisation_id: int):
    organisation = organisation_for_current_user_or_404(organisation_id, *ADMIN_ROLES)
    if request.method == "POST":
        # A logo a little over its limit should get the page's own message, not the
        # site-wide 413: this view alone reads bodies up to UPLOAD_REQUEST_MAX, before
        # anything reads the body (hence the CSRF check here; see csrf.exempt below).
        request.max_content_length = UPLOAD_REQUEST_MAX
        try:
            csrf.protect()
            request.files  # noqa: B018  (parse the body now, inside the try)
        except RequestEntityTooLarge:
            form = BrandForm(formdata=None)
            _fill(form, organisation)
            form.logo.errors = [str(brand.logo_too_large())]
            return _page(form, organisation, 413)
    form = BrandForm()
    if request.method == "GET":
        _fill(form, organisation)
    elif form.validate():
        data = brand.BrandData(
            display_name=form.display_name.data or "",
            primary_colour=form.primary_colour.data or "",
            email_sender_name=form.email_sender_name.data or "",
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
            contact_address=form.contact_address.data or "",
            footer_links=_link_pairs(form),
            logo_upload=_upload(form),
            remove_logo=bool(form.remove_logo.data),
        )
        try:
            brand.save_brand(organisation, data)
        except brand.BrandError as error:
            refuse(error, form)
        else:
            flash(_("The organisation's profile has been saved."), "success")
            return redirect(url_for("organiser.brand_settings", organisation_id=organisation.id), code=303)
    return _page(form, organisation, 422 if request.method == "POST" else 200)


def _page(form: BrandForm, organisation, status: int):
    return render_template(
        "organiser/brand.html",
        form=form,
        organisation=organisation,
        current=brand.brand_for(organisation),
        organisations=current_organisations(*ADMIN_ROLES),
        link_numbers=range(1, brand.MAX_FOOTER_LINKS + 1),
    ), status


csrf.exempt(brand_settings)
