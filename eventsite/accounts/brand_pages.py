"""Public routes of the brand: logo, favicon, the colour stylesheet, the accessibility statement.

The logo and favicon URLs carry the first characters of the logo's hash, so they are
cached for a year (`immutable`) and change when the logo does; the ETag is the full
hash. The stylesheet holds only the custom properties the templates style with
(``--brand-primary``, ``--brand-on-primary``): the CSP allows no inline styles.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, abort, has_request_context, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from eventsite.accounts.brand import (
    DEFAULT_PRIMARY,
    brand_for,
    current_brand,
    only_organisation,
    site_brand,
    stored_logo,
    use_brand,
)
from eventsite.accounts.models import Organisation
from eventsite.extensions import db

bp = Blueprint("brand", __name__)
log = logging.getLogger("eventsite.brand")

A_YEAR = 365 * 24 * 3600
#: When the URL's version is not the current one (a page cached from before a change).
A_FEW_MINUTES = 300


def _organisation_or_404(slug: str) -> Organisation:
    organisation = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if organisation is None:
        abort(404)
    return organisation


def _image(slug: str, digest: str, favicon: bool) -> Response:
    found = stored_logo(slug, favicon=favicon)
    if found is None:
        abort(404)
    data, content_type, full_digest = found
    response = Response(data, mimetype=content_type)
    response.set_etag(full_digest + ("-favicon" if favicon else ""))
    current = full_digest.startswith(digest) and len(digest) >= 8
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR if current else A_FEW_MINUTES
    if current:
        response.cache_control.immutable = True
    # An image, never a document: no sniffing, and nothing inside it may run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response.make_conditional(request)


@bp.get("/o/<slug>/logo/<digest>")
def logo(slug: str, digest: str):
    return _image(slug, digest, favicon=False)


@bp.get("/o/<slug>/favicon/<digest>.png")
def favicon(slug: str, digest: str):
    return _image(slug, digest, favicon=True)


def _stylesheet(colour: str) -> Response:
    css = f":root {{\n  --brand-primary: {colour};\n  --brand-on-primary: #ffffff;\n}}\n"
    response = Response(css, mimetype="text/css")
    version = request.args.get("v", "")
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR if version == colour.lstrip("#") else A_FEW_MINUTES
    response.set_etag(colour.lstrip("#"))
    return response.make_conditional(request)


@bp.get("/o/<slug>/brand.css")
def stylesheet(slug: str):
    return _stylesheet(brand_for(_organisation_or_404(slug)).primary_colour)


@bp.get("/brand.css")
def site_stylesheet():
    organisation = only_organisation()
    return _stylesheet(brand_for(organisation).primary_colour if organisation else DEFAULT_PRIMARY)


@bp.get("/tilgaengelighed")
def accessibility():
    """The accessibility statement (of the one organisation, or of the site)."""
    return render_template("brand/accessibility.html")


@bp.get("/o/<slug>/tilgaengelighed")
def organisation_accessibility(slug: str):
    use_brand(_organisation_or_404(slug))
    return render_template("brand/accessibility.html")


def init_app(app: Flask) -> None:
    """The public brand routes, the `brand` template value for pages, and `brand_for` for
    emails (rendered without context processors)."""

    @app.context_processor
    def _brand() -> dict[str, Any]:
        if not has_request_context():
            return {"brand": site_brand()}
        try:
            return {"brand": current_brand()}
        except SQLAlchemyError:
            # An error page after a failed query (PostgreSQL refuses every further
            # statement in that transaction) still renders, in the site's look.
            log.warning("the brand could not be loaded; the page shows the site's", exc_info=True)
            return {"brand": site_brand()}

    app.jinja_env.globals["brand_for"] = brand_for
    if "brand" not in app.blueprints:
        app.register_blueprint(bp)
