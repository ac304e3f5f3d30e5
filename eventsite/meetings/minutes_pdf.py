"""The minutes as a branded PDF (WeasyPrint), from a version's frozen text."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from weasyprint import HTML

from eventsite.events.models import Organisation
from eventsite.meetings import pdf as agenda_pdf


def minutes_pdf(minutes: dict[str, Any], organisation: Organisation) -> bytes:
    """The PDF of the minutes (a version's `data`), in the organisation's name."""
    html = render_template("meetings/minutes_pdf.html", minutes=minutes, organisation=organisation)
    # The agenda PDF's path: its brand stylesheet, and nothing fetched from outside.
    document = HTML(string=html, url_fetcher=agenda_pdf._refuse_fetch, base_url=None)
    return bytes(document.write_pdf(stylesheets=[agenda_pdf._stylesheet()]))


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
