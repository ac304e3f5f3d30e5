"""Fixtures for email tests: a real SMTP server, sign-ups that queue email, delivery."""

from __future__ import annotations

import pytest

from tests.mail.fixtures import personal_feed_url  # noqa: F401  (fixture)
from tests.mail.smtp_sink import SMTPSink


@pytest.fixture
def smtp(app, monkeypatch):
    """A running SMTP server on 127.0.0.1; the app sends to it."""
    sink = SMTPSink().start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    yield sink
    sink.stop()


@pytest.fixture
def deliver(app):
    """Run the delivery worker in this process until nothing more is due."""

    def _deliver():
        from eventsite.mail.worker import deliver_all

        with app.app_context():
            return deliver_all()

    return _deliver
