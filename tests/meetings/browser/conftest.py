"""The browser fixtures of tests/browser (Chromium, the live server, the axe-core audit)."""

from tests.browser.conftest import (  # noqa: F401  (fixtures and the axe hook, re-used)
    _live_servers,
    axe_audit,
    browser,
    browser_context_factory,
    context,
    live_server,
    page,
    pytest_runtest_call,
)
