"""WeasyPrint for the meeting PDFs: loaded only by a process that renders one (see
`meetings.pdf.render_pdf`), since WeasyPrint and its fonts take about 40 MB.

Nothing is fetched while rendering: the logo is handed over under one fixed name by
`_OwnResources`, and any other URL WeasyPrint would load stops the rendering.
"""

from __future__ import annotations

from typing import Any

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class _OwnResources(URLFetcher):  # type: ignore[misc]
    """Serves the logo under its one URL; any other URL stops the rendering."""

    def __init__(self, logo: tuple[bytes, str] | None = None, logo_url: str = "") -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)
        self._logo = logo
        self._logo_url = logo_url

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if self._logo is not None and url == self._logo_url:
            data, content_type = self._logo
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        raise ValueError(f"the meeting PDFs load nothing from outside ({url!r} refused)")


def render(html: str, stylesheet: str, *, logo: tuple[bytes, str] | None, logo_url: str) -> bytes:
    """PDF bytes of `html` with the stylesheet file at `stylesheet`."""
    css = CSS(filename=stylesheet, url_fetcher=_OwnResources())
    document = HTML(string=html, url_fetcher=_OwnResources(logo, logo_url), base_url=None)
    return bytes(document.write_pdf(stylesheets=[css]))
