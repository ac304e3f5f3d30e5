"""Email as infrastructure: the outbox, SMTP transport, the delivery worker and the
renderer registry. What each email says belongs to the area that queues it (see
`eventsite.mail.render.add_renderer`); mail imports no area above it.

* `models` – OutboxMessage, MailKind, OutboxStatus; `outbox` – writing rows, counts
* `message` – the one Flask-Mail message class (one header policy)
* `render` – the renderer registry; `jobs` – periodic work registered by the areas
* `claims`, `transport`, `worker` – claiming rows, SMTP, the delivery loop
"""

from __future__ import annotations

from flask import Flask

from eventsite.extensions import mail
from eventsite.mail import privacy
from eventsite.mail.cli import register_cli


def init_app(app: Flask) -> None:
    """Bind Flask-Mail, add the `worker` command and register the outbox as personal data."""
    mail.init_app(app)
    privacy.init_app(app)
    register_cli(app)
