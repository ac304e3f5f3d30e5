"""The agenda as a PDF (WeasyPrint), in the organisation's brand.

The brand is the organisation's display name, its logo (from the database) and its
primary colour on the headings and the rule under the header, as on badges and print
lists; the minutes' PDF (meetings.minutes_pdf) uses the same. Nothing is fetched
while rendering: the HTML comes from our own template and sanitised Markdown, the
logo is handed to WeasyPrint (`meetings.weasy`, loaded only to render) under one fixed name, and any other
URL WeasyPrint would load stops the rendering.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import current_app, render_template

from eventsite.accounts.brand import brand_of, stored_logo
from eventsite.accounts.models import Organisation
from eventsite.events.models import EventSession
from eventsite.meetings.display import AgendaView
from eventsite.text import slug

_STYLESHEET = "meetings/agenda_pdf.css"
#: The one address the PDFs' HTML may load: the organisation's logo.
LOGO_URL = "eventsite-brand:logo"


@dataclass(frozen=True)
class PdfBrand:
    """What the meeting PDFs show of the organisation."""

    name: str
    #: "#rrggbb", checked against white for WCAG AA (accounts.brand).
    colour: str
    #: (bytes, content type) of the stored logo, or None.
    logo: tuple[bytes, str] | None = None


def pdf_brand(organisation: Organisation) -> PdfBrand:
    """The organisation's name, colour and logo (read from the database only if it has one)."""
    brand = brand_of(organisation.id)
    stored = stored_logo(organisation.slug) if brand.logo_hash else None
    return PdfBrand(brand.display_name, brand.primary_colour, (stored[0], stored[1]) if stored else None)


def render_pdf(html: str, brand: PdfBrand) -> bytes:
    """A meeting PDF from our own HTML, with the brand's logo as its only resource."""
    # Imported here, not at the top: WeasyPrint and its font machinery take about 40 MB
    # in every process that loads them, and only a request for a PDF needs them (not
    # the mail worker, not most web requests).
    from eventsite.meetings import weasy

    folder = current_app.template_folder or "templates"
    stylesheet = os.path.join(current_app.root_path, folder, _STYLESHEET)
    return weasy.render(html, stylesheet, logo=brand.logo, logo_url=LOGO_URL)


def agenda_html(view: AgendaView, brand: PdfBrand) -> str:
    session = view.session
    return render_template(
        "meetings/agenda_pdf.html", view=view, session=session, event=session.event, brand=brand, logo_url=LOGO_URL
    )


def agenda_pdf(view: AgendaView) -> bytes:
    """The agenda of `view` (as its reader may see it) as PDF bytes."""
    brand = pdf_brand(view.session.event.organisation)
    return render_pdf(agenda_html(view, brand), brand)


def pdf_filename(session: EventSession) -> str:
    """ "dagsorden-bestyrelsesmoede-2027-03-12.pdf"."""
    return f"dagsorden-{slug(session.event.title, max_length=60)}-{session.local_start:%Y-%m-%d}.pdf"
