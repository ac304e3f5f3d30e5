"""Helpers for tests that talk to the app through its HTML forms."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import pyotp
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from eventsite import clock
from eventsite.accounts import second_factor
from eventsite.accounts.models import User
from eventsite.extensions import db

#: The password of every account the tests make, unless a test says otherwise.
PASSWORD = "korrekt-hest-batteri"
#: The TOTP secret of every account the `create_user` fixture makes (enrolled already).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def visible_text(html: str | bytes) -> str:
    """The page's text with tags removed and white space folded, as a reader sees it."""
    if isinstance(html, bytes):
        html = html.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    # Soft hyphens (U+00AD, where a long Danish word may break) are not read.
    return re.sub(r"\s+", " ", html_lib.unescape(text).replace("\u00ad", "")).strip()


def sign_up(client, event_id: int, confirm: bool = True, review: bool = True, **fields):
    """Fetch the event page for a CSRF token, then post the sign-up form.

    A sign-up with a price, posted without the script's total, is shown for review
    first (eventsite.registration.review): with `review`, "Bekræft tilmelding" is
    pressed as a person without JavaScript would. An anonymous sign-up on a public
    event holds the place until the emailed link is followed
    (eventsite.registration.holds): with `confirm`, the link is followed as the
    address's owner would, and that answer (a 303 to the receipt) is returned.
    """
    page = client.get(f"/arrangementer/{event_id}")
    data = {"csrf_token": csrf_token(page.data), "name": "Mette Hansen", "email": "mette@example.dk"}
    data.update(fields)
    response = client.post(f"/arrangementer/{event_id}/tilmeld", data=data)
    if review and is_review_page(response):
        response = press_review_button(client, response, "confirm")
    if confirm and response.status_code == 303 and "/tjek-din-email" in response.headers["Location"]:
        url = hold_link(client.application, data["email"])
        if url is not None:
            return follow_hold_link(client, url)
    return response


_INPUT = re.compile(r"<input\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def is_review_page(response) -> bool:
    """Is this the sign-up's "Gennemse og bekræft" page?"""
    return response.status_code == 200 and b'name="review_token"' in response.data


def review_fields(response) -> list[tuple[str, str]]:
    """The hidden inputs the review page carries (CSRF token, answers, its signed fingerprint)."""
    form = response.get_data(as_text=True).split('class="review-form"', 1)[1].split("</form>", 1)[0]
    inputs = [dict(_ATTRIBUTE.findall(attributes)) for attributes in _INPUT.findall(form)]
    return [(i["name"], html_lib.unescape(i.get("value", ""))) for i in inputs if i.get("type") == "hidden"]


def press_review_button(client, response, action: str, changes=None):
    """Press "Bekræft tilmelding" ("confirm") or "Ret" ("edit") on the review page `response`.

    `changes` (name -> value) replaces carried hidden values first, as a tampering client would.
    """
    fields = review_fields(response)
    if changes:
        fields = [(name, changes.get(name, value)) for name, value in fields]
    action_url = re.search(r'class="review-form" action="([^"]+)"', response.get_data(as_text=True)).group(1)
    return client.post(html_lib.unescape(action_url), data=MultiDict([*fields, ("review", action)]))


def hold_link(app, email: str) -> str | None:
    """The path of the newest "Bekræft din plads" link queued to `email` that still works."""
    # Imported here: only the sign-up tests need the registration area's pieces.
    from eventsite.mail.models import MailKind, OutboxMessage
    from eventsite.registration import holds
    from eventsite.registration.models import Registration

    with app.test_request_context():
        rows = db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MailKind.CONFIRM_HOLD, OutboxMessage.recipient == email.strip().lower())
            .order_by(OutboxMessage.id.desc())
        ).scalars()
        for row in rows:
            registration = db.session.get(Registration, row.registration_id)
            if registration is not None and registration.hold_key is not None:
                return f"/tilmelding/bekraeft-plads/{holds.token_for(registration)}"
        return None


def follow_hold_link(client, url: str):
    """Open the confirmation link and press its button, as the address's owner does."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    return client.post(url, data={"csrf_token": csrf_token(page.data)})


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current code of a TOTP secret, on the app's clock (which tests may move)."""
    return pyotp.TOTP(secret).at(clock.utcnow())


def log_in(client, email: str, password: str = PASSWORD, headers: dict | None = None):
    """Post the back-office login form like a browser (fetching a CSRF token first).

    Where the login then asks for the second factor, the code is computed from the
    account's secret (enrolling first if the account has none yet), and the response
    of that last step is returned: a 303 to where the login leads, as without one.
    """
    page = client.get("/arrangoer/log-ind", headers=headers)
    response = client.post(
        "/arrangoer/log-ind",
        headers=headers,
        data={"csrf_token": csrf_token(page.data), "email": email, "password": password},
    )
    return finish_login(client, response, email, headers)


def finish_login(client, response, email: str, headers: dict | None = None):
    """Complete the second step of a login whose password step gave `response` (see `log_in`)."""
    location = response.headers.get("Location", "") if response.status_code == 303 else ""
    if location == "/arrangoer/log-ind/kode":
        with client.application.app_context():
            user = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one()
            secret = second_factor.unseal(user)
            # Tests log in again within one 30-second step; a code is accepted only once.
            user.totp_last_step = None
            db.session.commit()
        return _post_code(client, location, totp_code(secret), headers)
    if location == "/arrangoer/log-ind/tofaktor":
        page = client.get(location, headers=headers)
        secret = re.search(r'data-secret="([A-Z2-7]+)"', page.get_data(as_text=True)).group(1)
        return _post_code(client, location, totp_code(secret), headers, page)
    return response


def _post_code(client, url: str, code: str, headers: dict | None, page=None):
    page = page or client.get(url, headers=headers)
    return client.post(url, headers=headers, data={"csrf_token": csrf_token(page.data), "code": code})


def form_token(client, url: str) -> str:
    """A CSRF token from any page with a form."""
    return csrf_token(client.get(url).data)


def user_email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def confirm_in_browser(page, app, email: str) -> None:
    """In a browser, after an anonymous sign-up: the "check your e-mail" page, then the
    emailed link and its button, as the address's owner does (issue 13). Ends on the receipt."""
    # Imported here: only the browser tests have Playwright loaded.
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek din e-mail")
    url = hold_link(app, email)
    assert url is not None, f"no confirmation link queued to {email}"
    page.goto(url)
    page.get_by_role("button", name="Bekræft min tilmelding").click()


class Tables(HTMLParser):
    """Each table's headers (text, aria-sort, link) and its rows' cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._header: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"headers": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag == "th" and self.tables:
            self._header = {"aria_sort": attrs.get("aria-sort"), "href": None}
            self._cell = []
        elif tag == "td" and self.tables:
            self._cell = []
        elif tag == "a" and self._header is not None:
            self._header["href"] = attrs.get("href")
        elif tag == "span" and "sr-only" in (attrs.get("class") or "") and self._cell is not None:
            self._cell.append("\0")  # text for screen readers only: cut off below

    def handle_endtag(self, tag):
        if tag == "th" and self._header is not None:
            self._header["text"] = "".join(self._cell).split("\0")[0].strip()
            self.tables[-1]["headers"].append(self._header)
            self._header = self._cell = None
        elif tag == "td" and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
