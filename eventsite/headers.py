"""Protective HTTP headers on every response (a small after-request hook, no library).

* Content-Security-Policy: scripts, styles, fonts and images only from the site
  itself; no inline script or style (the templates have none), no framing, no
  plugins, forms post only to the site.
* X-Content-Type-Options, X-Frame-Options (for old browsers), a restrictive
  Permissions-Policy, and Referrer-Policy "strict-origin-when-cross-origin".
* Strict-Transport-Security when cookies are secure (production behind https).
* Pages reached through a personal token (a manage link, a confirmation link, a
  personal feed, an invitation link) are never stored by browsers or proxies and
  never leak their address in a Referer: `Cache-Control: no-store` (unless the view
  sets a private policy of its own) and `Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"

#: Query arguments that carry a personal token (the event page opened from an invitation).
_TOKEN_ARGS = ("invitation",)


def is_personal(view_args: dict | None, args) -> bool:
    """Whether the request's address holds a personal token."""
    return bool(view_args and "token" in view_args) or any(args.get(name) for name in _TOKEN_ARGS)


def init_app(app: Flask) -> None:
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def _protective_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if is_personal(request.view_args, request.args):
            # A view with a policy of its own keeps it (the personal calendar feed is
            # "private, no-cache", so calendar apps can ask with its ETag).
            headers.setdefault("Cache-Control", "no-store")
            headers["Referrer-Policy"] = "no-referrer"
        else:
            headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
