"""Markdown to sanitised HTML (nh3), and absolute links from EVENTSITE_BASE_URL."""
from __future__ import annotations

import markdown as markdown_lib
import nh3
from flask import current_app, url_for
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}


def render_markdown(source: str | None) -> Markup:
    """Markdown rendered to HTML, with everything but plain formatting removed."""
    html = markdown_lib.markdown(source or "", output_format="html")
    return Markup(
        nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")
    )


def absolute_url(endpoint: str, **values) -> str:
    """A link for emails and feeds, built on EVENTSITE_BASE_URL rather than the request."""
    return current_app.config["BASE_URL"] + url_for(endpoint, _external=False, **values)
