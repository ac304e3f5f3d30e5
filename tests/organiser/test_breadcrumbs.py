"""Every back-office page has DKFDS breadcrumbs whose last item is the page's heading.

Walks the URL map as the access-rule test does (every GET route of the organiser
blueprint, filled with organisation B's objects), logged in as B's administrator, so a
page added later is covered without being listed. The last crumb is the page itself
(aria-current="page") and says what the h1 says: either the same words, or the h1 is
"<last crumb>: <an object named earlier in the trail>" (e.g. "Deltagerliste: Temadag").
"""

from __future__ import annotations

from html.parser import HTMLParser

from tests.helpers import log_in
from tests.organiser.test_access_rules import MADE_UP_PARAMETERS, PUBLIC_ENDPOINTS, urls_for_every_rule, world

__all__ = ["world"]  # the fixture, shared with the access-rule test


class Page(HTMLParser):
    """The page's h1 and its breadcrumb trail (text, and whether marked as the current page)."""

    def __init__(self, html: str):
        super().__init__()
        self.h1: list[str] = []
        self.crumbs: list[tuple[str, bool]] = []
        self.trails = 0
        self._in_h1 = self._in_trail = False
        self._item: list[str] | None = None
        self._current = False
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
        elif tag == "nav" and attrs.get("aria-label") == "Brødkrumme":
            self._in_trail = True
            self.trails += 1
        elif tag == "li" and self._in_trail:
            self._item, self._current = [], attrs.get("aria-current") == "page"
        elif tag == "a" and self._item is not None and attrs.get("aria-current") == "page":
            self._current = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        elif tag == "nav" and self._in_trail:
            self._in_trail = False
        elif tag == "li" and self._item is not None:
            self.crumbs.append((" ".join("".join(self._item).split()), self._current))
            self._item = None

    def handle_data(self, data):
        if self._in_h1:
            self.h1.append(data)
        if self._item is not None:
            self._item.append(data)

    @property
    def heading(self) -> str:
        return " ".join("".join(self.h1).split())


def trail_problem(page: Page) -> str | None:
    if page.trails != 1:
        return f"{page.trails} breadcrumb trails"
    if len(page.crumbs) < 2:
        return f"a trail of {len(page.crumbs)} item(s): {page.crumbs}"
    if page.crumbs[0][0] != "Arrangørdel":
        return f"the trail starts with {page.crumbs[0][0]!r}"
    last, current = page.crumbs[-1]
    if not current or any(c for _, c in page.crumbs[:-1]):
        return "only the last crumb is the current page"
    earlier = [text for text, _ in page.crumbs[:-1]]
    if page.heading != last and page.heading not in {f"{last}: {name}" for name in earlier}:
        return f"the last crumb {last!r} is not the heading {page.heading!r}"
    return None


def test_every_back_office_page_has_a_breadcrumb_trail_ending_in_its_heading(app, world, create_user):
    create_user(world["org_b"], "admin", email="b-admin@example.org")
    routes = urls_for_every_rule(app, world)
    client = app.test_client()
    assert log_in(client, "b-admin@example.org").status_code == 303
    problems, checked = [], 0
    for rule, url in routes:
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS or rule.arguments & MADE_UP_PARAMETERS:
            continue
        response = client.get(url)
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if "<h1" not in html:
            continue  # a print view or badge sheet: not a page of the back office's frame
        problem = trail_problem(Page(html))
        checked += 1
        if problem:
            problems.append(f"{rule.endpoint} ({url}): {problem}")
    assert not problems, "\n".join(problems)
    assert checked > 40
