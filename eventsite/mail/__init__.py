"""Email: the outbox, its delivery worker and the organisers' view of failures."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind Flask-Mail and add the `worker` and `send-reminders` commands."""
    from eventsite.extensions import mail
    from eventsite.mail.cli import register_cli

    mail.init_app(app)
    register_cli(app)
