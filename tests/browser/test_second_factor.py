"""An organiser sets up the second factor in the browser, with a code computed from the key shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from eventsite import clock
from eventsite.accounts.models import User
from eventsite.db import utcnow
from eventsite.extensions import db
from tests.browser.conftest import log_in_through_the_form
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "ny-arrangoer@lederforeningen.example"


def test_an_organiser_sets_up_the_second_factor_and_logs_in_with_it(app, page: Page, create_organisation, create_user):
    user_id = create_user(create_organisation(), "organiser", email=EMAIL, password=PASSWORD, name="Ny Arrangør")
    with app.app_context():
        user = db.session.get(User, user_id)
        user.totp_secret = user.totp_confirmed_at = None
        db.session.commit()

    log_in_through_the_form(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Sæt tofaktor op")).to_be_visible()
    expect(page.get_by_role("img", name="QR-kode til godkendelsesappen")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Kode", exact=True).fill(pyotp.TOTP(secret).at(clock.utcnow()))
    page.get_by_role("button", name="Fortsæt").click()

    expect(page.get_by_role("heading", name="Gendannelseskoder")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Jeg har gemt koderne").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The next login, a little later, asks for the code after the password.
    with clock.travelled(utcnow() + timedelta(minutes=1)):
        page.goto("/arrangoer/log-ind")
        page.get_by_label("E-mail").fill(EMAIL)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("heading", name="Tofaktor")).to_be_visible()
        page.get_by_label("Kode", exact=True).fill(pyotp.TOTP(secret).at(clock.utcnow()))
        page.get_by_role("button", name="Fortsæt").click()
        expect(page.get_by_role("button", name="Log ud")).to_be_visible()
