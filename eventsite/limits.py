"""Rate limits: per client on the public and login forms, per address on public emails.

Flask-Limiter does the counting; this module only says what is limited and how much
(`EVENTSITE_RATELIMIT_*`, see config.py and the README).

- A view marked `@per_client("login")` is limited, on POST, per client address
  (`request.remote_addr`, which ProxyFix sets from `X-Forwarded-For` behind
  `EVENTSITE_PROXY_HOPS` trusted proxies) by the `RATELIMIT_LOGIN` setting. Over the
  limit the client gets the Danish 429 page with `Retry-After`.
- `recipient_allowed(address)` counts the emails the public can make the site send to
  one address (sign-up confirmations, "send my link"). Over `RATELIMIT_PER_RECIPIENT`
  the view answers exactly as usual, so nothing is revealed, but queues no email.

Redis unavailable: the site keeps serving (the limits fail open), and each web
process counts in its own memory until Redis answers again (see `init_app`).

Each app gets its own Limiter (bound in `init_app`, after every area registered its
blueprints), so the counts are per app and per storage: `memory://` counts in one
process only; Redis (`EVENTSITE_RATELIMIT_STORAGE_URI=redis://...`) shares them
between web processes and servers, which production needs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, render_template
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many

F = TypeVar("F", bound=Callable[..., Any])

#: The view function's attribute naming its limit (copied by functools.wraps).
_LIMIT_ATTRIBUTE = "eventsite_rate_limit"
_EXTENSION = "eventsite_limiter"
#: Per-process storages: each web process counts on its own.
_PER_PROCESS = ("memory://",)

logger = logging.getLogger(__name__)


def per_client(name: str) -> Callable[[F], F]:
    """Limit this view's POSTs per client by the `RATELIMIT_<NAME>` setting."""

    def mark(view: F) -> F:
        setattr(view, _LIMIT_ATTRIBUTE, name)
        return view

    return mark


def init_app(app: Flask) -> None:
    """Bind a Limiter to `app` and apply the limits of the marked views (call last)."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        enabled=app.config["RATELIMIT_ENABLED"],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
        # The counts are a safeguard, so when Redis is unreachable the site keeps
        # serving (fails open), but not unguarded: each web process counts in its own
        # memory meanwhile (as memory:// does) and looks for Redis again after 1, 2,
        # 4, ... seconds. swallow_errors is the last resort, for any other failure.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        # A Redis host that does not answer must not hold a request for long.
        storage_options=_storage_options(app.config["RATELIMIT_STORAGE_URI"]),
    )
    app.extensions[_EXTENSION] = limiter
    for endpoint, view in list(app.view_functions.items()):
        name = getattr(view, _LIMIT_ATTRIBUTE, None)
        if name is not None:
            limit = limiter.limit(_setting(name), methods=["POST"], scope=name)
            wrapped: Any = limit(view)  # the view, checking the limit first
            app.view_functions[endpoint] = wrapped
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    storage = app.config["RATELIMIT_STORAGE_URI"]
    if app.config.get("ENV_NAME") == "production" and limiter.enabled and storage.startswith(_PER_PROCESS):
        logger.warning(
            "Rate limits use per-process storage (%s): every web process counts on its own, so "
            "a limit is only as strong as one process. Set EVENTSITE_RATELIMIT_STORAGE_URI to a "
            "Redis URL (redis://host:6379/0) shared by all web processes.",
            storage,
        )


def _storage_options(uri: str) -> dict[str, Any]:
    """Seconds a request waits for Redis (to connect, and for an answer)."""
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {}


def _setting(name: str) -> Callable[[], str]:
    key = f"RATELIMIT_{name.upper()}"

    def limit() -> str:
        return str(current_app.config[key])

    return limit


def _too_many_requests(error: RateLimitExceeded) -> tuple[str, int]:
    # Flask-Limiter adds Retry-After (and the X-RateLimit-* headers) after the request.
    return render_template("errors.html", code=429), 429


def recipient_allowed(address: str) -> bool:
    """Count one public-triggered email to `address`; False when over the limit.

    The address is hashed first: the limiter's storage never holds it in clear.
    """
    limiter: Limiter | None = current_app.extensions.get(_EXTENSION)
    if limiter is None or not limiter.enabled:
        return True
    digest = hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    allowed = True
    try:
        for item in parse_many(current_app.config["RATELIMIT_PER_RECIPIENT"]):
            # Every window is counted, also after one refused.
            allowed = limiter.limiter.hit(item, prefix, "recipient", digest) and allowed
    except Exception:  # the storage is down: send, as the per-client limits do (swallow_errors)
        logger.exception("rate limit storage failed; the email is sent")
        return True
    return allowed
