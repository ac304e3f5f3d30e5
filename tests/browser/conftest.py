"""Browser fixtures: the app over real HTTP, Debian's Chromium through Playwright, axe-core.

Every test that uses `page` (or contexts from `browser_context_factory`) has each page
it visits checked with axe-core for WCAG 2.1 A/AA violations: `AxeAudit` keeps every
HTML page the browser receives and checks them when the test body ends. Violations fail
the test with a readable list per page.

Chromium must be Debian's /usr/bin/chromium (never a browser downloaded by Playwright); axe-core is
installed by `make node_modules/axe-core/axe.min.js` (npm). Without them the tests skip,
or fail under EVENTSITE_TEST_REQUIRE_ALL=1 (CI).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Error, Page, Response, Route, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import skip_or_fail
from tests.helpers import PASSWORD, TOTP_SECRET, totp_code

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
#: The rule sets of WCAG 2.0 and 2.1, levels A and AA (axe's tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The machine is shared: allow a slow page, but fail long before pytest's patience does.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


# --- the app over real HTTP --------------------------------------------------


@dataclass
class LiveServer:
    """The test app served by werkzeug in a thread on 127.0.0.1."""

    app: Flask
    server: BaseWSGIServer
    thread: threading.Thread
    in_flight: "InFlight"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class InFlight:
    """Counts requests being served, so a test can wait until the server is idle.

    The next test's `app` fixture empties the tables; a request still running from
    the previous test (a page's periodic refresh) would hold locks against that.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        result = None
        try:
            result = self.wsgi_app(environ, start_response)
            return list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float = 15) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture(scope="session")
def _live_servers() -> Iterator[dict[int, LiveServer]]:
    servers: dict[int, LiveServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def live_server(app, _live_servers) -> Iterator[LiveServer]:
    """The `app` fixture's application (and so its emptied database) over HTTP.

    One threaded server per application, started on first use and kept for the session:
    the `app` fixture empties the tables before each test, so the server needs no reset.
    """
    if id(app) not in _live_servers:
        in_flight = InFlight(app)
        server = make_server("127.0.0.1", 0, in_flight, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        _live_servers[id(app)] = LiveServer(app, server, thread, in_flight)
    live = _live_servers[id(app)]
    yield live
    # Browser contexts are closed by now (they depend on this fixture); let the
    # last requests finish before the next test empties the tables.
    assert live.in_flight.wait_idle(), "the live server was still busy 15 s after the test"


# --- Chromium ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, started once per test run.

    Other test folders re-export these fixtures (tests/invitations/browser), which
    makes pytest create this session fixture once per folder; Playwright's sync API
    allows one instance per thread, so every instance shares one Chromium.
    """
    if not os.access(CHROMIUM, os.X_OK):
        skip_or_fail(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    if not os.path.isfile(AXE_JS):
        skip_or_fail(f"browser tests need axe-core at {AXE_JS} (make node_modules/axe-core/axe.min.js)")
    if not _SHARED_BROWSER:
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception:
            playwright.stop()
            raise
        _SHARED_BROWSER.update(playwright=playwright, chromium=chromium, users=0)
    _SHARED_BROWSER["users"] += 1
    yield _SHARED_BROWSER["chromium"]
    _SHARED_BROWSER["users"] -= 1
    if _SHARED_BROWSER["users"] == 0:
        _SHARED_BROWSER["chromium"].close()
        _SHARED_BROWSER["playwright"].stop()
        _SHARED_BROWSER.clear()


#: The one Playwright and Chromium of this test run (see `browser`).
_SHARED_BROWSER: dict = {}


# --- axe-core ----------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    with open(AXE_JS, encoding="utf-8") as source:
        return source.read()


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; the WCAG 2.1 A/AA violations it finds."""
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline scripts.
    page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],  // skip the details of what passed: faster
            });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )


def describe_violations(url: str, violations: list[dict]) -> str:
    """A readable report: one block per rule, with the offending elements."""
    lines = [f"{url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']}: {summary}")
    return "\n".join(lines)


def axe_check(page: Page) -> None:
    """Fail with a list of violations unless the page passes axe's WCAG 2.1 A/AA rules.

    Needs JavaScript in the page; `AxeAudit` checks pages without it from a copy.
    """
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            "axe-core found WCAG 2.1 A/AA violations\n" + describe_violations(page.url, violations), pytrace=False
        )


@dataclass
class Document:
    """An HTML page as the server sent it to the browser."""

    url: str
    method: str
    status: int
    html: str | None  # None: the body could not be read (see AxeAudit._capture)


@dataclass
class AxeAudit:
    """Checks with axe-core every HTML page that the watched browser contexts receive.

    Each main-frame document is captured when its response arrives (the body must be
    read before the browser moves on, so the capture starts in the response event),
    and `check_pages()` shows each captured page again, at its own address so the
    stylesheet loads, in a context of its own, and runs axe there. The copy is the page
    as served: the site's scripts are not loaded into it, only axe's. That covers POST
    results (a form shown again with errors) and contexts without JavaScript, where axe
    cannot run in the page itself. A page that changes itself with JavaScript should
    also get `axe_check(page)` after the change.
    """

    browser: Browser
    documents: list[Document] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    _capturing: int = 0

    def watch(self, context: BrowserContext) -> None:
        context.on("response", self._capture)

    def _capture(self, response: Response) -> None:
        request = response.request
        if not request.is_navigation_request() or request.frame.parent_frame is not None:
            return
        if 300 <= response.status < 400 or "text/html" not in response.headers.get("content-type", ""):
            return
        self._capturing += 1
        try:
            html = response.text()
        except Error:
            html = None  # navigated away already; a GET page is fetched again when checked
        finally:
            self._capturing -= 1
        self.documents.append(Document(response.url, request.method, response.status, html))

    def check_pages(self) -> None:
        """Check the pages shown since the last call; fail with the violations per page."""
        if not self.documents and not self._capturing:
            return
        checker = self.browser.new_context()
        try:
            page = checker.new_page()
            deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
            while self._capturing and time.monotonic() < deadline:
                page.wait_for_timeout(20)  # lets the capturing event handlers finish
            seen: set[tuple[str, str | None]] = set()
            for document in self.documents:
                if (document.url, document.html) in seen:
                    continue
                seen.add((document.url, document.html))
                self._check(checker, document)
        finally:
            checker.close()
        if self._capturing:
            self.reports.append("some pages were still being read when the test ended")
        reports, self.reports, self.documents = self.reports, [], []
        if reports:
            pytest.fail("axe-core found WCAG 2.1 A/AA violations\n" + "\n".join(reports), pytrace=False)

    def _check(self, checker: BrowserContext, document: Document) -> None:
        where = f"{document.method} {document.url} ({document.status})"
        if document.html is None and document.method != "GET":
            self.reports.append(f"{where}: the page could not be read, so it was not checked")
            return
        page = checker.new_page()
        try:
            page.route("**/*", _only_documents_and_styles)
            if document.html is not None:
                html = document.html
                page.route(
                    lambda url: url == document.url,
                    lambda route: route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8"),
                )
            page.goto(document.url)
            violations = axe_violations(page)
        except Error as error:
            self.reports.append(f"{where}: axe-core could not run: {error}")
            return
        finally:
            page.close()
        if violations:
            self.reports.append(describe_violations(where, violations))


def _only_documents_and_styles(route: Route) -> None:
    if route.request.resource_type in ("document", "stylesheet", "image", "font"):
        route.fallback()
    else:
        route.abort()


@pytest.fixture
def axe_audit(browser) -> AxeAudit:
    """The axe check of this test's pages, run when the test body ends."""
    return AxeAudit(browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # After the test body (and only if it passed): the pages still open get their axe
    # check, and violations fail the test itself rather than erroring in teardown.
    result = yield
    audit = item.funcargs.get("axe_audit")
    if isinstance(audit, AxeAudit):
        audit.check_pages()
    return result


# --- contexts and pages ------------------------------------------------------


def log_in_through_the_form(page: Page, email: str, password: str = PASSWORD, secret: str = TOTP_SECRET) -> None:
    """Log in to the back office as a person does: the login page, its labels, its button.

    When the login asks for the second factor, the code comes from `secret` (the one
    every `create_user` account is enrolled with), typed as a person types it.
    """
    page.goto("/arrangoer/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    if page.url.endswith("/arrangoer/log-ind/kode"):
        page.get_by_label("Kode", exact=True).fill(totp_code(secret))
        page.get_by_role("button", name="Fortsæt").click()


@pytest.fixture
def browser_context_factory(browser, live_server, axe_audit) -> Iterator[Callable[..., BrowserContext]]:
    """Make fresh browser contexts aimed at the live server, each watched by axe.

    Keyword arguments go to `Browser.new_context`, e.g. `viewport={"width": 375,
    "height": 667}, is_mobile=True` or `java_script_enabled=False`. The defaults are
    a Danish visitor in Copenhagen's time zone; relative URLs resolve to the server.
    """
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "da-DK")
        options.setdefault("timezone_id", "Europe/Copenhagen")
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        axe_audit.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(browser_context_factory) -> BrowserContext:
    """A fresh desktop browser context (no cookies) for this test."""
    return browser_context_factory()


@pytest.fixture
def page(context) -> Page:
    """A page in a fresh context; every page it shows is checked with axe-core."""
    return context.new_page()
