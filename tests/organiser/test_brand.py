"""Each organisation's brand: set in the back office, shown on pages, in emails, on badges.

End to end through the real forms: an administrator uploads a logo and sets a colour;
the public page, an email received over real SMTP and the name badges show both. Bad
input (not an image, too large, a disguised SVG or HTML page, a poor contrast colour,
a name with markup) is refused with a Danish message and nothing is stored.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventsite.accounts.brand import OrganisationBrand, checked_colour, contrast_ratio, relative_luminance
from eventsite.extensions import db
from eventsite.web import UserError
from tests.helpers import csrf_token, visible_text
from tests.mail.smtp_sink import SMTPSink


@pytest.fixture
def organiser(create_organisation, login_as) -> int:
    """An administrator of "Lederne Sjælland" logged in; the organisation's id."""
    organisation = create_organisation(slug="lederne", name="Lederne Sjælland")
    login_as(organisation, "admin")
    return organisation


COLOUR = "#6a1b4d"


def png_bytes(size=(300, 120), colour=(106, 27, 77, 255), with_metadata=False) -> bytes:
    image = Image.new("RGBA", size, colour)
    out = io.BytesIO()
    if with_metadata:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Hemmelig Person")
        info.add_text("Comment", "GPS 55.67,12.56")
        image.save(out, format="PNG", pnginfo=info)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (200, 100), (20, 60, 120))
    exif = Image.Exif()
    exif[0x010E] = "Hemmelig beskrivelse"  # ImageDescription
    exif[0x013B] = "Hemmelig Fotograf"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def settings_url(organisation_id: int) -> str:
    return f"/arrangoer/organisationer/{organisation_id}/profil"


def post_brand(client, organisation_id: int, logo: tuple[bytes, str] | None = None, **fields):
    url = settings_url(organisation_id)
    data = {
        "csrf_token": csrf_token(client.get(url).data),
        "display_name": "",
        "primary_colour": "",
        "email_sender_name": "",
        "contact_email": "",
        "contact_phone": "",
        "contact_address": "",
    } | fields
    if logo is not None:
        data["logo"] = FileStorage(io.BytesIO(logo[0]), logo[1])
    # Encoded in memory: the test client would spool a large body to a temporary file
    # that nobody closes when the server refuses to read it.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored(app, organisation_id: int) -> OrganisationBrand | None:
    with app.app_context():
        row = db.session.get(OrganisationBrand, organisation_id)
        if row is not None:
            db.session.refresh(row)
            _ = (row.logo, row.favicon)  # load the deferred columns before the session ends
            db.session.expunge(row)
        return row


# --- contrast arithmetic (WCAG 2.1) ----------------------------------------------------


def test_relative_luminance_and_contrast_follow_wcag():
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    # The classic AA boundary: #767676 passes on white, #777777 does not.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert checked_colour("#767676") == "#767676"
    assert checked_colour("06c") == "#0066cc"
    with pytest.raises(UserError):
        checked_colour("#777777")


# --- the happy path, end to end -----------------------------------------------------


@pytest.fixture
def smtp(app, monkeypatch):
    sink = SMTPSink().start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    yield sink
    sink.stop()


def test_logo_and_colour_appear_on_the_public_page_in_an_email_and_on_badges(
    app, client, organiser, create_event, register_person, smtp
):
    event = create_event(organisation_id=organiser)
    response = post_brand(
        client,
        organiser,
        logo=(png_bytes(with_metadata=True), "logo.png"),
        display_name="Lederne i Sjælland",
        primary_colour=COLOUR,
        email_sender_name="Lederne Sjælland – arrangementer",
        contact_email="kontakt@lederne.example",
        contact_phone="70 11 22 33",
        link_label_1="Foreningens hjemmeside",
        link_url_1="https://lederne.example/",
    )
    assert response.status_code == 303, visible_text(response.data)
    row = stored(app, organiser)
    assert row.primary_colour == COLOUR and row.display_name == "Lederne i Sjælland"

    # The public page: the logo in the header, the name, the colour's stylesheet, the favicon.
    page = client.get("/").get_data(as_text=True)
    logo_path = re.search(r'<img class="brand-logo" src="([^"]+)"', page).group(1)
    assert logo_path == f"/o/lederne/logo/{row.logo_hash[:16]}"
    assert "Lederne i Sjælland" in visible_text(page)
    css_path = re.search(r'<link rel="stylesheet" href="([^"]+brand\.css[^"]*)"', page).group(1)
    css = client.get(css_path)
    assert f"--brand-primary: {COLOUR};" in css.get_data(as_text=True)
    assert css.mimetype == "text/css"
    event_page = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert f'<img class="brand-logo" src="{logo_path}"' in event_page and css_path in event_page
    favicon_path = re.search(r'<link rel="icon" type="image/png" sizes="64x64" href="([^"]+)"', page).group(1)
    assert "Foreningens hjemmeside" in visible_text(page) and 'href="https://lederne.example/"' in page

    # The logo is served re-encoded, without the uploaded text chunks, cached for a year.
    logo = client.get(logo_path)
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert "immutable" in logo.headers["Cache-Control"] and "max-age=31536000" in logo.headers["Cache-Control"]
    assert logo.headers["ETag"] == f'"{row.logo_hash}"'
    served = Image.open(io.BytesIO(logo.data))
    assert served.format == "PNG" and served.size == (300, 120)
    assert b"Hemmelig" not in logo.data and not served.text
    assert client.get(logo_path, headers={"If-None-Match": logo.headers["ETag"]}).status_code == 304
    icon = client.get(favicon_path)
    assert Image.open(io.BytesIO(icon.data)).size == (64, 64) and icon.mimetype == "image/png"

    # An email received over SMTP: the sender name, the logo as an absolute address, the colour.
    register_person(event.session_id, "mette@example.dk", notify=True)
    with app.app_context():
        from eventsite.mail.worker import deliver_all

        assert deliver_all().sent == 1
    (received,) = smtp.received
    message = received.message()
    assert message["From"].addresses[0].display_name == "Lederne Sjælland – arrangementer"
    html = message.get_body(("html",)).get_content()
    assert f'src="{app.config["BASE_URL"]}{logo_path}"' in html
    assert COLOUR in html and "Lederne i Sjælland" in html
    text = message.get_body(("plain",)).get_content()
    assert "Lederne i Sjælland" in text

    # The name badges and the print list carry the logo and the name.
    for url in (f"/arrangoer/arrangementer/{event.id}/navneskilte", f"/arrangoer/arrangementer/{event.id}/udskriv"):
        printed = client.get(url).get_data(as_text=True)
        assert f'src="{logo_path}"' in printed
        assert "Lederne i Sjælland" in visible_text(printed)


def test_a_jpeg_keeps_its_format_and_loses_its_exif(app, client, organiser):
    assert post_brand(client, organiser, logo=(jpeg_with_exif(), "foto.jpg")).status_code == 303
    row = stored(app, organiser)
    assert row.logo_content_type == "image/jpeg"
    image = Image.open(io.BytesIO(row.logo))
    assert image.format == "JPEG" and not image.getexif()
    assert b"Hemmelig" not in row.logo


def test_the_logo_can_be_removed(app, client, organiser):
    post_brand(client, organiser, logo=(png_bytes(), "logo.png"))
    assert stored(app, organiser).logo is not None
    assert post_brand(client, organiser, remove_logo="y").status_code == 303
    row = stored(app, organiser)
    assert row.logo is None and row.logo_hash == ""
    assert 'class="brand-logo"' not in client.get("/").get_data(as_text=True)


# --- bad input: refused with a message, nothing stored ------------------------------------


def _svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


BAD_LOGOS = {
    "not an image": (b"Dette er bare tekst, ikke et billede.", "logo.png", "er ikke et PNG-, JPEG- eller WebP-billede"),
    "svg": (_svg(), "logo.svg", "er ikke et PNG-, JPEG- eller WebP-billede"),
    "svg renamed .png": (_svg(), "logo.png", "er ikke et PNG-, JPEG- eller WebP-billede"),
    "html renamed .png": (b"<html><body><script>alert(1)</script></body></html>", "logo.png", "er ikke et PNG"),
    "png with its end cut off": (png_bytes()[:60], "logo.png", "er ikke et PNG"),
}


@pytest.mark.parametrize("case", list(BAD_LOGOS))
def test_a_logo_that_is_not_a_real_image_is_refused_and_nothing_is_stored(app, client, organiser, case):
    content, filename, message = BAD_LOGOS[case]
    response = post_brand(client, organiser, logo=(content, filename), display_name="Nyt navn", primary_colour=COLOUR)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert stored(app, organiser) is None


def test_a_logo_too_large_in_bytes_is_refused(app, client, organiser, monkeypatch):
    monkeypatch.setattr("eventsite.accounts.brand.MAX_LOGO_BYTES", 10_000)
    noisy = Image.effect_noise((200, 200), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 10_000
    response = post_brand(client, organiser, logo=(out.getvalue(), "stor.png"))
    assert response.status_code == 422
    assert "Logoet er for stort" in visible_text(response.data)
    assert stored(app, organiser) is None


@pytest.mark.parametrize("megabytes, status", [(3, 422), (9, 413)])
def test_a_file_over_the_limits_gets_the_pages_own_message(app, client, organiser, megabytes, status):
    # Over the logo limit (2 MB), and over the whole request limit this page reads (8 MB).
    response = post_brand(client, organiser, logo=(b"\x89PNG" + b"0" * (megabytes * 1024 * 1024), "stor.png"))
    assert response.status_code == status
    assert "Logoet er for stort: højst 2 MB." in visible_text(response.data)
    assert stored(app, organiser) is None


def test_a_post_without_the_csrf_token_is_refused(app, client, organiser):
    response = client.post(settings_url(organiser), data={"display_name": "Ny"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored(app, organiser) is None


def test_a_logo_with_too_many_pixels_is_refused_before_it_is_decoded(app, client, organiser):
    # 6000 × 5000 = 30 million pixels of one colour: a few kilobytes on disk.
    image = Image.new("1", (6000, 5000))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 100_000
    response = post_brand(client, organiser, logo=(out.getvalue(), "bombe.png"))
    assert response.status_code == 422
    assert "Logoet har for mange pixels" in visible_text(response.data)
    assert stored(app, organiser) is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"primary_colour": "#ffcc00"}, "Farven #ffcc00 er for lys"),
        ({"primary_colour": "#777777"}, "kontrast på kun 4,47:1"),
        ({"primary_colour": "rød"}, "Skriv farven som en hex-kode"),
        ({"display_name": "<b>Lederne</b>"}, "Navnet må ikke indeholde < eller >"),
        ({"email_sender_name": "Lederne <x@evil.example>"}, "Navnet må ikke indeholde < eller >"),
        ({"link_label_1": "Hjemmeside", "link_url_1": "javascript:alert(1)"}, "https://"),
        ({"link_label_1": "Hjemmeside", "link_url_1": "http://lederne.example"}, "https://"),
    ],
)
def test_bad_settings_are_refused_with_a_danish_message_and_nothing_is_stored(app, client, organiser, fields, message):
    response = post_brand(client, organiser, logo=(png_bytes(), "logo.png"), **fields)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert stored(app, organiser) is None
    assert "<b>Lederne</b>" not in client.get("/").get_data(as_text=True)


def test_a_refused_change_keeps_the_earlier_settings(app, client, organiser):
    post_brand(client, organiser, logo=(png_bytes(), "logo.png"), display_name="Første navn", primary_colour=COLOUR)
    before = stored(app, organiser)
    response = post_brand(
        client, organiser, logo=(_svg(), "ny.png"), display_name="Andet navn", primary_colour="#003300"
    )
    assert response.status_code == 422
    after = stored(app, organiser)
    assert (after.display_name, after.primary_colour, after.logo_hash) == (
        "Første navn",
        COLOUR,
        before.logo_hash,
    )


def test_only_administrators_of_the_organisation_reach_the_page(app, client, organiser, create_organisation, login_as):
    other = create_organisation(slug="andre", name="Andre Ledere")
    assert client.get(settings_url(other)).status_code == 404
    assert client.get("/arrangoer/profil").headers["Location"].endswith(settings_url(organiser))


# --- several organisations, the accessibility statement -------------------------------------


def test_a_site_with_several_organisations_lists_them_on_a_neutral_front_page(
    app, client, organiser, create_organisation, create_event
):
    post_brand(
        client, organiser, logo=(png_bytes(), "logo.png"), display_name="Lederne i Sjælland", primary_colour=COLOUR
    )
    other = create_organisation(slug="kommunaldirektoerer", name="Kommunaldirektørforeningen")
    create_event(organisation_id=other, title="Direktørmøde")
    create_event(organisation_id=organiser, title="Temadag")

    page = client.get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "Foreningerne" in text
    assert 'href="/o/lederne"' in page and 'href="/o/kommunaldirektoerer"' in page
    # Neutral: the site's name in the header, not one association's logo or colour.
    assert 'class="brand-logo"' not in page and 'href="/brand.css' in page

    own = client.get("/o/lederne").get_data(as_text=True)
    assert "Temadag" in visible_text(own) and "Direktørmøde" not in visible_text(own)
    assert 'class="brand-logo"' in own and 'href="/o/lederne/brand.css' in own
    assert client.get("/o/findes-ikke").status_code == 404


def test_the_accessibility_statement_is_linked_in_the_footer_with_the_contact(app, client, organiser):
    post_brand(client, organiser, contact_email="tilgaengelighed@lederne.example", contact_phone="70 11 22 33")
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Tilgængelighedserklæring</a>', page).group(1)
    statement = visible_text(client.get(link).data)
    assert "Tilgængelighedserklæring for Lederne Sjælland" in statement
    assert "WCAG 2.1" in statement and "tilgaengelighed@lederne.example" in statement


def test_the_change_is_in_the_change_log(app, client, organiser):
    post_brand(client, organiser, primary_colour=COLOUR)
    with app.app_context():
        from eventsite.audit import AuditEntry

        (entry,) = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "brand")).scalars()
        assert COLOUR in entry.after
