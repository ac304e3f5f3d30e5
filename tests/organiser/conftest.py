"""Back-office tests: accounts made through the forms and the CLI hash cheaply too.

The account and login fixtures (`create_user`, `login_as`, `organiser`) are in
tests/conftest.py, the login helpers (`log_in`, `form_token`, `PASSWORD`) in
tests/helpers.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_password_hashing(fast_password_hashing):
    """Every test here, also those that make accounts without `create_user`."""
