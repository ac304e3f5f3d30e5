"""The minutes as a branded PDF (WeasyPrint), from a version's frozen text."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template

from eventsite.events.models import Organisation
from eventsite.meetings.pdf import LOGO_URL, pdf_brand, render_pdf


def minutes_pdf(minutes: dict[str, Any], organisation: Organisation) -> bytes:
    """The PDF of the minutes (a version's `data`), in the organisation's brand (name, logo, colour)."""
    brand = pdf_brand(organisation)
    html = render_template("meetings/minutes_pdf.html", minutes=minutes, brand=brand, logo_url=LOGO_URL)
    # The agenda PDF's path: its stylesheet, and nothing fetched but the logo.
    return render_pdf(html, brand)


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
