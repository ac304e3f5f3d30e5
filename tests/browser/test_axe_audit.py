"""The axe check itself: a page with violations fails the test with a readable list.

These pages never reach the app: the browser's requests for them are answered here.
"""

import pytest

pytestmark = pytest.mark.browser

URL = "http://127.0.0.1:9/utilgaengelig"  # port 9 (discard): nothing there to answer
INACCESSIBLE = (
    "<!doctype html><html><head><title>Uden alt-tekst</title></head>"
    '<body><main><img src="/logo.png"><p style="color: #bbb">Lys grå tekst</p></main></body></html>'
)


@pytest.fixture
def watched_context(browser, axe_audit):
    """Make contexts that the audit watches and in which URL shows INACCESSIBLE."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        axe_audit.watch(context)
        context.route(URL, lambda route: route.fulfill(body=INACCESSIBLE, content_type="text/html"))
        return context

    yield make
    for context in contexts:
        context.close()


def test_a_page_with_violations_is_reported_by_page_rule_and_element(watched_context, axe_audit):
    watched_context().new_page().goto(URL)

    with pytest.raises(pytest.fail.Exception) as failure:
        axe_audit.check_pages()

    report = str(failure.value)
    assert f"GET {URL} (200):" in report
    assert "[critical] image-alt: Images must have alternative text" in report
    assert "[serious] html-has-lang" in report
    assert "[serious] color-contrast" in report and "contrast of 1.91" in report
    # Reported pages are done with: the check after the test body has nothing left.
    assert axe_audit.documents == []


def test_a_page_without_javascript_is_checked_from_a_copy(watched_context, axe_audit):
    watched_context(java_script_enabled=False).new_page().goto(URL)

    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe_audit.check_pages()
