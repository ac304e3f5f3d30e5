"""Privacy: the member's own page, consent-gated participant lists, the privacy notice.

The top layer: the member page shows what several areas hold about a person.
"""

from __future__ import annotations

from flask import Flask

from eventsite.privacy import member_page, notice


def init_app(app: Flask) -> None:
    member_page.init_app(app)
    notice.init_app(app)
