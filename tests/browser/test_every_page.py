"""Every page each role reaches passes axe-core and fits the screen; sign-up by keyboard alone.

The crawl starts where each kind of person starts (the front page; a leader's personal
link; the check-in helper's, organiser's and administrator's back office after logging in
through the form) and follows the links on each page, within the site, one page per
address pattern (digits stand for ids), at most MAX_PAGES per role. Every page it shows
is checked with axe-core for WCAG 2.1 A/AA (conftest.AxeAudit, when the test ends) and
measured at 320, 390 and 1280 px: nothing may stick out to the right of the window
unless it sits inside its own scrolling box (a wide table scrolls inside its container).
DKFDS hides the page's horizontal overflow (body overflow-x: hidden), so the test looks
at the elements, not at the page's scroll width. SQLite only: the pages are the same on
PostgreSQL, and the suite's time is limited.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import Person, Registration
from tests.browser.conftest import log_in_through_the_form

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

WIDTHS = (320, 390, 1280)
MAX_PAGES = 14
#: Links the crawl does not follow: downloads, feeds, the API, logging out, static files.
NOT_PAGES = re.compile(
    r"/(log-ud|static|api)/|/log-ud$|/(eksport|navneskilte\.pdf)|\.(ics|csv|xlsx|pdf|json)(\?|$)|kalender"
)

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1 || r.left >= width) continue;
    if (!scrolls(el)) out.push(`${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\\s+/g, ".")} ends at ${Math.round(r.right)} px`);
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def site(app, create_event, register_person, create_user):
    """A theme day at two venues (one today, for the door list) with a programme, and people."""
    event = create_event(
        title="Temadag for mellemledere",
        description="Om at lede ledere – med oplæg og **gruppearbejde**.",
        target_group="mellemledere",
        sessions=[
            {"city": "Næstved", "capacity": 30, "programme": [("08:30", "Morgenmad"), ("09:00", "Velkomst")]},
            {"city": "Silkeborg", "municipality_code": "0740", "postcode": "8600", "capacity": 2},
        ],
    )
    people = [
        register_person(
            event.session_ids[0], name="Søren Æbelø", email="soeren@naestved.dk", job_title="Afdelingsleder"
        ),
        register_person(event.session_ids[0], name="Mette Hansen", email="mette@naestved.dk", dietary_needs="Vegetar"),
        register_person(event.session_ids[1], name="Åse Ørum", email="aase@silkeborg.dk"),
    ]
    with app.test_request_context(method="POST"):
        start = utcnow() - timedelta(minutes=30)
        db.session.execute(
            update(EventSession)
            .where(EventSession.id == event.session_ids[0])
            .values(starts_at=start, ends_at=start + timedelta(hours=6))
        )
        db.session.commit()
    accounts = {
        role: create_user(event.organisation_id, role, email=f"{role}@lederforeningen.example", name=f"Anne {role}")
        for role in ("checkin", "organiser", "admin")
    }
    return event, people, accounts


def crawl(page: Page, base: str, starts: list[str], limit: int = MAX_PAGES) -> list[str]:
    """Visit the pages reachable from `starts`, one per address pattern; returns the URLs seen."""
    queue, patterns, seen, problems = [base + s if s.startswith("/") else s for s in starts], set(), [], []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        pattern = re.sub(r"\d+", "N", path)
        if pattern in patterns:
            continue
        patterns.add(pattern)
        response = page.goto(url)
        assert response is not None
        assert response.status < 500, f"{url} answered {response.status}"
        if not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        seen.append(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for element in page.evaluate(OVERFLOW_JS):
                problems.append(f"{path} at {width} px: {element}")
        page.set_viewport_size({"width": 1280, "height": 800})
        for href in page.eval_on_selector_all(
            "main a[href], header a[href], footer a[href]", "els => els.map(e => e.href)"
        ):
            link = urldefrag(href).url
            if link.startswith(base) and not NOT_PAGES.search(link) and link not in queue:
                queue.append(link)
    assert not problems, "pages wider than the screen:\n" + "\n".join(problems)
    return seen


def test_every_public_page_passes_axe_and_fits_the_screen(site, page, live_server):
    event, _, _ = site
    seen = crawl(page, live_server.url, ["/", f"/arrangementer/{event.id}"])
    assert any(url.endswith(f"/arrangementer/{event.id}") for url in seen)
    assert len(seen) >= 3


def test_every_page_of_a_leaders_personal_link_passes_axe_and_fits(site, page, live_server):
    _, people, _ = site
    seen = crawl(page, live_server.url, [f"/tilmelding/{people[0].token}", f"/tilmelding/{people[0].token}/kvittering"])
    assert len(seen) >= 2


@pytest.mark.parametrize("role", ["checkin", "organiser", "admin"])
def test_every_back_office_page_of_a_role_passes_axe_and_fits(site, page, live_server, role):
    event, people, _ = site
    log_in_through_the_form(page, f"{role}@lederforeningen.example")
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    # Each role starts where its own pages are; the administrator's crawl adds the
    # administrator's pages to what the organiser's crawl has covered.
    starts = {
        "checkin": [
            "/arrangoer/",
            "/arrangoer/indtjekning",
            f"/arrangoer/sessioner/{event.session_ids[0]}/indtjekning",
        ],
        "organiser": [
            "/arrangoer/",
            f"/arrangoer/arrangementer/{event.id}",
            f"/arrangoer/arrangementer/{event.id}/deltagere",
            f"/arrangoer/tilmeldinger/{people[0].id}",
            f"/arrangoer/sessioner/{event.session_ids[0]}/indtjekning",
        ],
        "admin": ["/arrangoer/brugere", "/arrangoer/log", "/arrangoer/brugere/ny"],
    }[role]
    seen = crawl(page, live_server.url, starts, limit={"checkin": 4, "organiser": 10, "admin": 5}[role])
    assert len(seen) >= (2 if role == "checkin" else 3)
    # The footer does not offer a logged-in person to log in.
    expect(page.locator("footer").get_by_role("link", name="Log ind")).to_have_count(0)


def test_a_leader_signs_up_with_the_keyboard_alone(app, site, page):
    event, _, _ = site
    page.goto(f"/arrangementer/{event.id}")
    typed = {"name": "Kirsten Skærbæk", "email": "kirsten@herlev.dk"}
    done = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.name || '', document.activeElement.type || '', document.activeElement.value || '']"
        )
        name, kind, value = focused
        if name == "session_id" and "session" not in done:
            # Into the radio group (Silkeborg: Næstved has begun); the space bar chooses it.
            page.keyboard.press("Space")
            done.add("session")
        elif name in typed and name not in done:
            page.keyboard.type(typed[name])
            done.add(name)
        elif kind == "submit" and value == "Tilmeld" and done >= {"session", "name", "email"}:
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"the keyboard did not reach the sign-up button; done: {sorted(done)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek din e-mail")
    with app.app_context():
        registration = db.session.execute(
            select(Registration).join(Person).where(Person.email == "kirsten@herlev.dk")
        ).scalar_one()
        assert registration.session_id == event.session_ids[1]


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(site, page):
    event, _, _ = site
    page.goto(f"/arrangementer/{event.id}")
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Ret venligst de markerede felter nedenfor.")
    # The only open venue (Næstved has begun) is chosen already; name and e-mail are missing.
    expect(summary.get_by_role("link")).to_have_text(["Navn: Skriv dit navn.", "E-mail: Skriv din e-mailadresse."])
    summary.get_by_role("link", name="Navn: Skriv dit navn.").click()
    expect(page.get_by_label("Navn", exact=True)).to_be_focused()


def test_a_tilmeld_link_on_a_session_opens_the_form_with_it_chosen(site, page):
    event, _, _ = site
    page.goto(f"/arrangementer/{event.id}")
    page.get_by_role("link", name=re.compile(r"^Tilmeld\W+Silkeborg")).click()
    expect(page.get_by_role("radio", name=re.compile("^Silkeborg"))).to_be_checked()
    expect(page.get_by_role("button", name="Skriv mig på venteliste")).to_have_count(0)
