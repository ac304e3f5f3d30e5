"""Each organisation's own brand: display name, logo, colour, sender name, contact, footer links.

Low in the layers (accounts), so every area above may show it: the public pages and
the back office through the `brand` template value (a `Brand`), emails through the
`brand_for(organisation)` template global and `sender_name`, badges and print lists
through the same `brand`.

Template names the design branch may place (all on `brand`):
``display_name``, ``logo_url``, ``favicon_url``, ``stylesheet_url`` (a tiny generated
stylesheet with the ``--brand-primary`` and ``--brand-on-primary`` custom properties),
``primary_colour``, ``contact`` (``email``, ``phone``, ``address``), ``footer_links``
(``label``, ``url``), ``home_url``, ``accessibility_url``; and ``logo_absolute_url``
for emails.

Which organisation a page belongs to: the view says so with `use_brand(organisation)`
(public event pages, an organisation's front page); otherwise the back office shows
the logged-in account's current organisation (the header's switcher), and a site with one organisation shows
that one everywhere. A site with several organisations shows the neutral site brand.

The logo is stored in the database, not in an upload directory: the upload is decoded
(PNG, JPEG or WebP only), checked against byte and pixel limits before its pixels
are decoded (no decompression bomb), re-encoded without any metadata, and kept with
a small PNG favicon and a hash that serves as the ETag and the cache-busting URL part.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, LargeBinary, String, Text, func, select
from sqlalchemy.orm import Mapped, aliased, deferred, mapped_column

from eventsite.accounts.access import current_organisation_id
from eventsite.accounts.models import Organisation
from eventsite.audit import changed_only, record_audit
from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.extensions import db
from eventsite.web import UserError

#: The largest logo file accepted, in bytes.
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: The most pixels a logo may have (checked from the header, before decoding).
MAX_LOGO_PIXELS = 25_000_000
#: The stored logo fits within this box (pixels); larger uploads are scaled down.
LOGO_BOX = (800, 400)
#: The favicon's side in pixels (square PNG).
FAVICON_SIZE = 64
#: Formats accepted, as Pillow names them. No SVG: it can carry scripts.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
#: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5
MAX_FOOTER_LINKS = 5
#: The site's own colour when an organisation has chosen none (contrast 7.6:1 on white).
DEFAULT_PRIMARY = "#004b87"

_HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class BrandError(UserError):
    """A brand setting refused (bad logo, poor contrast, markup in a name)."""


class OrganisationBrand(Base):
    """An organisation's brand settings; one row per organisation, made on first save."""

    __tablename__ = "organisation_brands"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    #: Shown instead of Organisation.name on pages and in emails ("" = the name).
    display_name: Mapped[str] = mapped_column(String(200), default="")
    #: "#rrggbb", or "" for the site's colour. Always passes WCAG AA against white.
    primary_colour: Mapped[str] = mapped_column(String(7), default="")
    #: The From display name of emails ("" = the display name).
    email_sender_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_address: Mapped[str] = mapped_column(String(300), default="")
    #: JSON list of {"label": ..., "url": "https://..."}.
    footer_links: Mapped[str] = mapped_column(Text, default="")
    #: The re-encoded logo (no metadata); deferred so a page's brand does not load it.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: "image/png" or "image/jpeg" (WebP uploads are stored as PNG: Outlook shows no WebP).
    logo_content_type: Mapped[str] = mapped_column(String(20), default="")
    #: SHA-256 of `logo`, hex: the ETag and the cache-busting part of its URL.
    logo_hash: Mapped[str] = mapped_column(String(64), default="")
    favicon: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- what templates see ------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    address: str = ""

    def __bool__(self) -> bool:
        return bool(self.email or self.phone or self.address)


@dataclass(frozen=True)
class FooterLink:
    label: str
    url: str


@dataclass(frozen=True)
class Brand:
    """What a page, an email or a badge shows of an organisation (or of the site)."""

    organisation_id: int | None
    slug: str | None
    display_name: str
    sender_name: str
    primary_colour: str
    logo_hash: str
    contact: Contact
    footer_links: tuple[FooterLink, ...]
    #: How many organisations the site has (one: its front page is the organisation's).
    site_organisations: int = 1

    @property
    def is_site(self) -> bool:
        return self.organisation_id is None

    @property
    def logo_url(self) -> str | None:
        if not self.logo_hash or not self.slug:
            return None
        return url_for("brand.logo", slug=self.slug, digest=self.logo_hash[:16])

    @property
    def logo_absolute_url(self) -> str | None:
        """The logo for an email: an absolute address on EVENTSITE_BASE_URL."""
        path = self.logo_url
        return current_app.config["BASE_URL"] + path if path else None

    @property
    def favicon_url(self) -> str | None:
        if not self.logo_hash or not self.slug:
            return None
        return url_for("brand.favicon", slug=self.slug, digest=self.logo_hash[:16])

    @property
    def stylesheet_url(self) -> str:
        if not self.slug:
            return url_for("brand.site_stylesheet", v=self.primary_colour.lstrip("#"))
        return url_for("brand.stylesheet", slug=self.slug, v=self.primary_colour.lstrip("#"))

    @property
    def on_primary_colour(self) -> str:
        """Text on the primary colour: always white (the colour is checked against it)."""
        return "#ffffff"

    @property
    def home_url(self) -> str:
        if self.slug and self.site_organisations > 1:
            return url_for("events.organisation_page", slug=self.slug)
        return url_for("events.index")

    @property
    def accessibility_url(self) -> str:
        if self.slug and self.site_organisations > 1:
            return url_for("brand.organisation_accessibility", slug=self.slug)
        return url_for("brand.accessibility")


SITE_NAME = "eventsite"


def site_brand() -> Brand:
    """The neutral brand of a site with several organisations."""
    return Brand(None, None, SITE_NAME, SITE_NAME, DEFAULT_PRIMARY, "", Contact(), (), 0)


def _request_cache() -> dict[int, Brand] | None:
    """Brands already built in this request (a page, or a batch of emails in the worker)."""
    if not has_request_context():
        return None
    return request.environ.setdefault("eventsite.brands", {})  # type: ignore[no-any-return]


def brand_of(organisation_id: int) -> Brand:
    """The brand of an organisation by id, in one query (organisation, settings, count)."""
    cache = _request_cache()
    if cache is not None and organisation_id in cache:
        return cache[organisation_id]
    others = aliased(Organisation)
    count = select(func.count(others.id)).scalar_subquery()
    # No autoflush: the brand is read while a page renders, also an error page about a
    # write that must not be flushed (eventsite.web refuses writes outside @writes).
    with db.session.no_autoflush:
        found = db.session.execute(
            select(Organisation, OrganisationBrand, count)
            .outerjoin(OrganisationBrand, OrganisationBrand.organisation_id == Organisation.id)
            .where(Organisation.id == organisation_id)
        ).one_or_none()
    if found is None:
        return site_brand()
    organisation, row, site_organisations = found
    if row is None:
        made = Brand(
            organisation.id,
            organisation.slug,
            organisation.name,
            organisation.name,
            DEFAULT_PRIMARY,
            "",
            Contact(),
            (),
            int(site_organisations),
        )
    else:
        display_name = row.display_name or organisation.name
        made = Brand(
            organisation_id=organisation.id,
            slug=organisation.slug,
            display_name=display_name,
            sender_name=row.email_sender_name or display_name,
            primary_colour=row.primary_colour or DEFAULT_PRIMARY,
            logo_hash=row.logo_hash,
            contact=Contact(row.contact_email, row.contact_phone, row.contact_address),
            footer_links=tuple(FooterLink(link["label"], link["url"]) for link in decoded_links(row.footer_links)),
            site_organisations=int(site_organisations),
        )
    if cache is not None:
        cache[organisation_id] = made
    return made


def brand_for(organisation: Organisation | None) -> Brand:
    """The brand of an organisation (its settings, else its name and the site colour)."""
    return site_brand() if organisation is None else brand_of(organisation.id)


def sender_name(organisation: Organisation) -> str:
    """The From display name of the organisation's emails."""
    return brand_for(organisation).sender_name


def decoded_links(stored: str) -> list[dict[str, str]]:
    return json.loads(stored) if stored else []


def organisation_count() -> int:
    """How many organisations the site holds (once per request)."""
    cache = request.environ if has_request_context() else {}
    if "eventsite.organisation_count" not in cache:
        with db.session.no_autoflush:
            cache["eventsite.organisation_count"] = db.session.execute(
                select(func.count()).select_from(Organisation)
            ).scalar_one()
    return int(cache["eventsite.organisation_count"])


def only_organisation() -> Organisation | None:
    """The site's organisation when it has exactly one."""
    if organisation_count() != 1:
        return None
    with db.session.no_autoflush:
        return db.session.execute(select(Organisation)).scalar_one_or_none()


def use_brand(organisation: Organisation | None) -> None:
    """This request's pages show this organisation's brand (None: the site's)."""
    g.pop("brand_organisation_id", None)
    g.brand = brand_for(organisation)


def use_brand_of(organisation_id: int) -> None:
    """Like `use_brand`, by id and lazily: read only if a page (or an error page) is rendered.

    For the loaders every public page of an organisation goes through (an event, a
    personal link): a sign-up answered with a redirect costs no query for it.
    """
    g.pop("brand", None)
    g.brand_organisation_id = organisation_id


def current_brand() -> Brand:
    """The brand of the page being rendered (see the module docstring)."""
    if "brand" in g:
        return g.brand  # type: ignore[no-any-return]
    brand = None
    if "brand_organisation_id" in g:
        brand = brand_of(g.brand_organisation_id)
    if brand is None and request.blueprint == "organiser" and current_user.is_authenticated:
        # The back office: the account's current organisation (its roles are loaded already).
        org_id = current_organisation_id()
        brand = brand_of(org_id) if org_id is not None else None
    if brand is None:
        organisation = only_organisation()
        brand = brand_for(organisation)
    g.brand = brand
    return brand


# --- checks ---------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of "#rrggbb" (sRGB linearised, then weighted)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio (1 to 21) of two "#rrggbb" colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def checked_colour(value: str) -> str:
    """A colour as "#rrggbb", refused unless white text on it (and it on white) reaches 4.5:1."""
    value = value.strip()
    if not value:
        return ""
    match = _HEX_COLOUR.match(value)
    if match is None:
        raise BrandError(_l("Write the colour as a hex code, e.g. #004b87."), "primary_colour")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    colour = "#" + digits
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < MIN_CONTRAST:
        # Two decimals, rounded down: 4.48 must never read as "4.5".
        shown = f"{int(ratio * 100) / 100:.2f}".replace(".", ",")
        raise BrandError(
            _l(
                "The colour %(colour)s is too light: white text on it has a contrast of only %(ratio)s:1,"
                " and at least 4.5:1 is required (WCAG AA). Choose a darker colour.",
                colour=colour,
                ratio=shown,
            ),
            "primary_colour",
        )
    return colour


def checked_plain_text(value: str, field: str) -> str:
    """A name shown as text: no markup ("<" or ">") and no control characters."""
    value = " ".join(value.split())
    if "<" in value or ">" in value:
        raise BrandError(_l("The name must not contain < or >: write it as plain text."), field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise BrandError(_l("The name contains characters that cannot be shown."), field)
    return value


def checked_links(pairs: list[tuple[str, str]]) -> str:
    """Footer links as stored JSON; each needs a label and an https address."""
    links = []
    for label, url in pairs:
        label, url = " ".join(label.split()), url.strip()
        if not label and not url:
            continue
        if not label:
            raise BrandError(_l("Give every footer link a text."), "footer_links")
        if "<" in label or ">" in label:
            raise BrandError(_l("The text of a footer link must not contain < or >."), "footer_links")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc or any(c in url for c in " \"'<>"):
            raise BrandError(_l("A footer link must be a full address starting with https://."), "footer_links")
        links.append({"label": label, "url": url})
    if len(links) > MAX_FOOTER_LINKS:
        raise BrandError(_l("At most %(count)d footer links.", count=MAX_FOOTER_LINKS), "footer_links")
    return json.dumps(links, ensure_ascii=False) if links else ""


@dataclass(frozen=True)
class ProcessedLogo:
    data: bytes
    content_type: str
    favicon: bytes
    digest: str
    width: int
    height: int


def logo_too_large() -> Any:
    return _l("The logo is too large: at most %(size)s MB.", size=MAX_LOGO_BYTES // (1024 * 1024))


def processed_logo(upload: bytes) -> ProcessedLogo:
    """Decode an uploaded logo and re-encode it without metadata, or refuse it.

    Only PNG, JPEG and WebP decoders are tried, so an SVG, an HTML page or a text
    file named .png is refused; the pixel count is read from the header and checked
    before any pixel is decoded.
    """
    if not upload:
        raise BrandError(_l("Choose an image file for the logo."), "logo")
    if len(upload) > MAX_LOGO_BYTES:
        raise BrandError(logo_too_large(), "logo")
    not_an_image = BrandError(
        _l("The file is not a PNG, JPEG or WebP image. SVG and other formats cannot be used as a logo."), "logo"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(upload), formats=list(ACCEPTED_FORMATS))
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS or width < 1 or height < 1:
                raise BrandError(
                    _l("The logo has too many pixels: at most %(pixels)s million.", pixels=MAX_LOGO_PIXELS // 10**6),
                    "logo",
                )
            source_format = image.format
            # WeasyPrint (meetings' PDFs) switches Pillow to accepting truncated images for
            # the whole process when it is imported; a logo must be whole.
            lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    except BrandError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError):  # a truncated or corrupt file
        raise not_an_image from None
    image = ImageOps.exif_transpose(image) or image
    keeps_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if keeps_alpha or source_format != "JPEG" else "RGB")
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    # A fresh image holds only pixels: no EXIF, ICC profile, text chunks or comments.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if source_format == "JPEG":
        clean.save(out, format="JPEG", quality=90, optimize=True)
        content_type = "image/jpeg"
    else:
        clean.save(out, format="PNG", compress_level=9)
        content_type = "image/png"
    data = out.getvalue()
    return ProcessedLogo(data, content_type, _favicon(clean), hashlib.sha256(data).hexdigest(), *clean.size)


def _favicon(image: Image.Image) -> bytes:
    """A square PNG of the logo, centred on a transparent background."""
    square = Image.new("RGBA", (FAVICON_SIZE, FAVICON_SIZE), (0, 0, 0, 0))
    icon = image.convert("RGBA")
    icon.thumbnail((FAVICON_SIZE, FAVICON_SIZE), Image.Resampling.LANCZOS)
    square.paste(icon, ((FAVICON_SIZE - icon.width) // 2, (FAVICON_SIZE - icon.height) // 2), icon)
    out = io.BytesIO()
    square.save(out, format="PNG", compress_level=9)
    return out.getvalue()


# --- saving ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandData:
    display_name: str
    primary_colour: str
    email_sender_name: str
    contact_email: str
    contact_phone: str
    contact_address: str
    footer_links: list[tuple[str, str]]
    #: The uploaded logo's bytes (None: keep the current one).
    logo_upload: bytes | None = None
    remove_logo: bool = False


AUDITED = ("display_name", "primary_colour", "email_sender_name", "contact_email", "contact_phone", "contact_address")


def save_brand(organisation: Organisation, data: BrandData) -> OrganisationBrand:
    """Check every setting, then store them together (nothing is stored on a refusal)."""
    # Every check runs before anything is changed.
    display_name = checked_plain_text(data.display_name, "display_name")
    sender = checked_plain_text(data.email_sender_name, "email_sender_name")
    if '"' in sender:
        raise BrandError(_l("The sender name must not contain quotation marks."), "email_sender_name")
    colour = checked_colour(data.primary_colour)
    links = checked_links(data.footer_links)
    logo = processed_logo(data.logo_upload) if data.logo_upload is not None else None
    row = db.session.get(OrganisationBrand, organisation.id)
    if row is None:
        row = OrganisationBrand(organisation_id=organisation.id, logo_content_type="", logo_hash="")
        db.session.add(row)
    before = {name: getattr(row, name) or "" for name in AUDITED} | {"logo_hash": row.logo_hash or ""}
    row.display_name = display_name
    row.email_sender_name = sender
    row.primary_colour = colour
    row.contact_email = data.contact_email.strip()
    row.contact_phone = " ".join(data.contact_phone.split())
    row.contact_address = data.contact_address.strip()
    row.footer_links = links
    if logo is not None:
        row.logo, row.logo_content_type, row.logo_hash, row.favicon = (
            logo.data,
            logo.content_type,
            logo.digest,
            logo.favicon,
        )
    elif data.remove_logo:
        row.logo, row.logo_content_type, row.logo_hash, row.favicon = None, "", "", None
    row.updated_at = utcnow()
    db.session.flush()
    after = {name: getattr(row, name) or "" for name in AUDITED} | {"logo_hash": row.logo_hash or ""}
    old, new = changed_only(before, after)
    if new:
        record_audit(organisation.id, "brand", organisation.id, "updated", before=old, after=new)
    return row


def stored_logo(slug: str, favicon: bool = False) -> tuple[bytes, str, str] | None:
    """(bytes, content type, hash) of an organisation's logo or favicon, or None."""
    column = OrganisationBrand.favicon if favicon else OrganisationBrand.logo
    row = db.session.execute(
        select(column, OrganisationBrand.logo_content_type, OrganisationBrand.logo_hash)
        .join(Organisation, Organisation.id == OrganisationBrand.organisation_id)
        .where(Organisation.slug == slug)
    ).one_or_none()
    if row is None or row[0] is None:
        return None
    data, content_type, digest = row
    return bytes(data), ("image/png" if favicon else content_type), digest
