"""The screenshots in docs/screenshots/, made again from the demo: `make screenshots`.

Not a test (pytest does not collect it) and not part of `make test`. It loads the demo
into a fresh SQLite file with the clock fixed (EVENTSITE_CLOCK_START), starts the app
under gunicorn on a free port with the clock set to the morning of the demo's first
session (so its check-in is open), and saves each page at 390 and 1280 px, logged in
through the login form as the demo's organiser and check-in helper:

  front, event, signup-errors, receipt, organiser-overview, participants, checkin

The same demo data and clock give the same pictures, apart from anti-aliasing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import timedelta

from playwright.sync_api import Page, expect, sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from eventsite import clock  # noqa: E402  (after the path: the script runs from anywhere)
from tests.live_server import LiveServer  # noqa: E402

#: When the demo is loaded: its dates follow from this day (eventsite.demo._next).
SEEDED_AT = "2026-08-03T08:00:00+02:00"
OUT = os.path.join(ROOT, "docs", "screenshots")
WIDTHS = (390, 1280)
CHROMIUM = os.environ.get("EVENTSITE_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "demo-adgangskode"
ORGANISER = "arrangoer@lederforeningen.example"
CHECKIN = "indtjekning@lederforeningen.example"


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def demo_facts(env: dict[str, str]) -> dict:
    """The event, session and a registration to show, read from the seeded database."""
    from sqlalchemy import select

    import config
    from eventsite import create_app
    from eventsite.events.models import Event, EventSession, Organisation
    from eventsite.extensions import db
    from eventsite.registration.models import Registration, RegistrationStatus
    from eventsite.registration.tokens import manage_token

    settings = {
        "SQLALCHEMY_DATABASE_URI": env["EVENTSITE_DATABASE_URL"],
        "INSTANCE_PATH": env["EVENTSITE_INSTANCE_PATH"],
        # The manage link is signed with the key the server uses.
        "SECRET_KEY": env["EVENTSITE_SECRET_KEY"],
    }
    app = create_app(type("ScreenshotConfig", (config.Config,), settings))
    with app.test_request_context():
        # Check-in: the first in-person session of the demo organisation with people signed up.
        session = db.session.execute(
            select(EventSession)
            .join(Event, Event.id == EventSession.event_id)
            .join(Organisation, Organisation.id == Event.organisation_id)
            .where(
                Organisation.slug == "lederforeningen",
                Event.published.is_(True),
                EventSession.venue_id.is_not(None),
                EventSession.id.in_(select(Registration.session_id)),
            )
            .order_by(EventSession.starts_at)
            .limit(1)
        ).scalar_one()
        # The public pages and the participant list: the theme day at two venues.
        theme_day = db.session.execute(
            select(Event).where(Event.title.startswith("Temadag for mellemledere"))
        ).scalar_one()
        registration = db.session.execute(
            select(Registration)
            .where(Registration.event_id == theme_day.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.id)
            .limit(1)
        ).scalar_one()
        return {
            "event_id": theme_day.id,
            "session_id": session.id,
            "starts_at": session.starts_at,
            "receipt": f"/tilmelding/{manage_token(registration)}/kvittering",
        }


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/arrangoer/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str, width: int, full_page: bool = True) -> None:
    path = os.path.join(OUT, f"{name}-{width}.png")
    page.screenshot(path=path, full_page=full_page)
    print("saved", os.path.relpath(path, ROOT))


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "EVENTSITE_ENV": "development",
            "EVENTSITE_DATABASE_URL": f"sqlite:///{folder}/demo.sqlite",
            "EVENTSITE_INSTANCE_PATH": folder,
            "EVENTSITE_UPLOAD_DIR": os.path.join(folder, "uploads"),
            "EVENTSITE_CLOCK_START": SEEDED_AT,
            "EVENTSITE_MAIL_BACKEND": "log",
            "EVENTSITE_SECRET_KEY": "screenshots-secret-key-not-for-production",
        }
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        facts = demo_facts(env)
        # The morning of that session: its check-in is open, the rest of the demo lies ahead.
        morning = facts["starts_at"] - timedelta(minutes=30)
        server_env = {
            key: value for key, value in env.items() if key.startswith("EVENTSITE_") and key != "EVENTSITE_CLOCK_START"
        }
        server_env["EVENTSITE_CLOCK_START"] = morning.isoformat()
        server = LiveServer(
            database_url=env["EVENTSITE_DATABASE_URL"],
            workers=1,
            env=server_env,
            secret_key=env["EVENTSITE_SECRET_KEY"],
        )
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                for width in WIDTHS:
                    take_all(browser, server.url, facts, width)
                browser.close()
        finally:
            server.stop()
    clock.reset()


def take_all(browser, base: str, facts: dict, width: int) -> None:
    phone = width < 600
    options = {
        "viewport": {"width": width, "height": 844 if phone else 900},
        "locale": "da-DK",
        "timezone_id": "Europe/Copenhagen",
        "is_mobile": phone,
        "has_touch": phone,
        "device_scale_factor": 1,
    }
    public = browser.new_context(**options)
    page = public.new_page()
    page.goto(base + "/")
    shoot(page, "front", width)
    page.goto(base + f"/arrangementer/{facts['event_id']}")
    shoot(page, "event", width)
    page.get_by_role("button", name="Tilmeld", exact=True).last.click()
    # What the person sees: the error summary has the focus, scrolled into view.
    expect(page.locator(".error-summary").first).to_be_focused()
    shoot(page, "signup-errors", width, full_page=False)
    page.goto(base + facts["receipt"])
    shoot(page, "receipt", width)
    public.close()

    organiser = browser.new_context(**options)
    page = organiser.new_page()
    log_in(page, base, ORGANISER)
    page.goto(base + "/arrangoer/oversigt")
    shoot(page, "organiser-overview", width)
    page.goto(base + f"/arrangoer/arrangementer/{facts['event_id']}/deltagere")
    shoot(page, "participants", width)
    organiser.close()

    helper = browser.new_context(**options)
    page = helper.new_page()
    log_in(page, base, CHECKIN)
    page.goto(base + f"/arrangoer/sessioner/{facts['session_id']}/indtjekning")
    shoot(page, "checkin", width)
    helper.close()


if __name__ == "__main__":
    main()
