"""The agenda as a PDF (WeasyPrint), in the organisation's brand.

The brand is, for now, the organisation's name in the header; a brand context
(colours, logo) can be passed in `brand` when the organisations have one. Nothing
is fetched while rendering: the HTML comes from our own template and sanitised
Markdown, and any URL WeasyPrint would load is refused.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from flask import current_app, render_template
from weasyprint import CSS, HTML

from eventsite.events.models import EventSession
from eventsite.meetings.display import AgendaView
from eventsite.text import slug

_STYLESHEET = "meetings/agenda_pdf.css"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the agenda PDF loads nothing from outside ({url!r} refused)")


def _stylesheet() -> CSS:
    folder = current_app.template_folder or "templates"
    return CSS(filename=os.path.join(current_app.root_path, folder, _STYLESHEET), url_fetcher=_refuse_fetch)


def agenda_html(view: AgendaView, brand: Mapping[str, Any] | None = None) -> str:
    session = view.session
    organisation = session.event.organisation
    return render_template(
        "meetings/agenda_pdf.html",
        view=view,
        session=session,
        event=session.event,
        brand=dict(brand or {}) | {"name": (brand or {}).get("name") or organisation.name},
    )


def agenda_pdf(view: AgendaView, brand: Mapping[str, Any] | None = None) -> bytes:
    """The agenda of `view` (as its reader may see it) as PDF bytes."""
    html = HTML(string=agenda_html(view, brand), url_fetcher=_refuse_fetch, base_url=None)
    pdf: bytes = html.write_pdf(stylesheets=[_stylesheet()])
    return pdf


def pdf_filename(session: EventSession) -> str:
    """ "dagsorden-bestyrelsesmoede-2027-03-12.pdf"."""
    return f"dagsorden-{slug(session.event.title, max_length=60)}-{session.local_start:%Y-%m-%d}.pdf"
