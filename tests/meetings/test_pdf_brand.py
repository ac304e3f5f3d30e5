"""The agenda and minutes PDFs in the organisation's brand: its name, its logo (from the
database) and its colour on the headings, parsed back with pypdf."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from eventsite.accounts.brand import BrandData, save_brand
from eventsite.accounts.models import Organisation
from eventsite.extensions import db
from tests.meetings.conftest import add_item

COLOUR = "#6a1b4d"


def png_logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 120), (106, 27, 77, 255)).save(out, format="PNG")
    return out.getvalue()


def set_brand(app, organisation_id: int, *, logo: bool) -> None:
    with app.test_request_context(method="POST"):
        organisation = db.session.get(Organisation, organisation_id)
        save_brand(
            organisation,
            BrandData(
                display_name="Skoleledernes Netværk",
                primary_colour=COLOUR,
                email_sender_name="",
                contact_email="",
                contact_phone="",
                contact_address="",
                footer_links=[],
                logo_upload=png_logo() if logo else None,
            ),
        )
        db.session.commit()


def images_on_first_page(pdf: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    objects = page["/Resources"].get("/XObject") or {}
    return [name for name, ref in objects.items() if ref.get_object()["/Subtype"] == "/Image"]


def first_page_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def fills_with(pdf: bytes, colour: str) -> bool:
    """Does the first page draw in `colour` ("#rrggbb")? (an "r g b rg" fill in its content stream)"""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    wanted = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content):
        if all(abs(float(found) - want) < 0.01 for found, want in zip(match.groups(), wanted)):
            return True
    return False


@pytest.fixture
def meeting(app, client, organiser, create_event):
    event = create_event(title="Bestyrelsesmøde", organisation_id=organiser)
    add_item(client, event.session_id, "Velkomst")
    return event


@pytest.mark.parametrize("kind", ["agenda", "minutes"])
def test_the_meeting_pdfs_carry_the_organisations_logo_name_and_colour(app, client, organiser, meeting, kind):
    set_brand(app, organiser, logo=True)
    url = {
        "agenda": f"/arrangementer/{meeting.id}/sessioner/{meeting.session_id}/dagsorden.pdf",
        "minutes": f"/arrangoer/sessioner/{meeting.session_id}/referat.pdf",
    }[kind]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(images_on_first_page(response.data)) == 1
    text = first_page_text(response.data)
    assert "Skoleledernes Netværk" in text and "Bestyrelsesmøde" in text
    assert fills_with(response.data, COLOUR)


@pytest.mark.parametrize("kind", ["agenda", "minutes"])
def test_without_a_logo_the_pdfs_show_the_name_and_no_image(app, client, organiser, meeting, kind):
    url = {
        "agenda": f"/arrangementer/{meeting.id}/sessioner/{meeting.session_id}/dagsorden.pdf",
        "minutes": f"/arrangoer/sessioner/{meeting.session_id}/referat.pdf",
    }[kind]
    plain = client.get(url)
    assert plain.status_code == 200
    assert images_on_first_page(plain.data) == []
    assert not fills_with(plain.data, COLOUR)
    set_brand(app, organiser, logo=False)
    branded = client.get(url)
    assert images_on_first_page(branded.data) == []
    assert "Skoleledernes Netværk" in first_page_text(branded.data)
    assert fills_with(branded.data, COLOUR)


def test_the_pdf_renderer_loads_nothing_but_the_logo(app):
    from weasyprint.urls import FatalURLFetchingError

    from eventsite.meetings.pdf import LOGO_URL, PdfBrand, render_pdf

    brand = PdfBrand("Skoleledernes Netværk", COLOUR, (png_logo(), "image/png"))
    with app.test_request_context():
        assert images_on_first_page(render_pdf(f'<p>x</p><img src="{LOGO_URL}" alt="">', brand))
        for url in ("https://example.com/tracker.png", "file:///etc/passwd", "data:image/png;base64,AAAA"):
            with pytest.raises(FatalURLFetchingError):
                render_pdf(f'<p>x</p><img src="{url}" alt="">', brand)
