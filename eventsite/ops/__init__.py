"""Operations: what the proxy and monitoring ask the site (`/healthz`, `/readyz`, `/metrics`).

An area at the top, beside the back office: it reads the mail area's outbox and
worker heartbeats and the database's migration state, and no area imports it.
"""

from __future__ import annotations

from flask import Flask

from eventsite.extensions import csrf
from eventsite.ops import backup, deploy_check, metrics
from eventsite.ops.health import bp


def init_app(app: Flask) -> None:
    """Register /healthz, /readyz and /metrics (no login, no CSRF, no rate limit; requests timed), `check-deploy` and `backup`."""
    app.register_blueprint(bp)
    csrf.exempt(bp)
    metrics.init_app(app)
    deploy_check.register_cli(app)
    backup.register_cli(app)
