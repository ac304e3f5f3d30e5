"""Markdown to sanitised HTML (nh3) or to plain text, file-name slugs, and absolute
links from EVENTSITE_BASE_URL."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import markdown as markdown_lib
import nh3
from flask import current_app, url_for
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}


def render_markdown(source: str | None) -> Markup:
    """Markdown rendered to HTML, with everything but plain formatting removed."""
    html = markdown_lib.markdown(source or "", output_format="html")
    return Markup(
        nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")
    )


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for emails and feeds, built on EVENTSITE_BASE_URL rather than the request."""
    base_url: str = current_app.config["BASE_URL"]
    return base_url + url_for(endpoint, _external=False, **values)


class _PlainText(HTMLParser):
    """Plain text from the HTML that Markdown makes: paragraphs and headings as
    blocks, list items with a dash, links as "text (address)"; no markup left."""

    _BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.href: str | None = None
        self.link_text: list[str] = []
        self.skipping = 0  # inside <script> or <style> typed into the description

    def _end_block(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in self._BLOCKS:
            self._end_block()
        elif tag == "li":
            self._end_block()
            self.current.append("- ")
        elif tag == "br":
            self.current.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS or tag == "li":
            self._end_block()
        elif tag == "a":
            text = "".join(self.link_text).strip()
            if self.href and self.href != text:
                self.current.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.current.append(data)
        if self.href is not None:
            self.link_text.append(data)

    def text(self) -> str:
        self._end_block()
        # List items follow each other line by line; other blocks have a blank line between.
        out: list[str] = []
        for block in self.blocks:
            if out and block.startswith("- ") and out[-1].startswith("- "):
                out[-1] += "\n" + block
            else:
                out.append(block)
        return "\n\n".join(out)


@lru_cache(maxsize=512)
def markdown_to_text(source: str | None) -> str:
    """Markdown as readable plain text (for calendars and calendar links): no `**` or `#`."""
    parser = _PlainText()
    parser.feed(markdown_lib.markdown(source or "", output_format="html"))
    parser.close()
    return parser.text()


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slug(*parts: str, max_length: int = 80) -> str:
    """A file-name part from words: "Temadag", "Næstved" -> "temadag-naestved"."""
    text = " ".join(p for p in parts if p).translate(_DANISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_length].rstrip("-") or "kalender"
