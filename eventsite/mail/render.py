"""The renderer registry: from an outbox row to an email, by the area that owns its kind.

An email is rendered when it is sent, from the newest data, so a queued email never
tells something that has since become untrue; an email whose news has been
overtaken is skipped (`Skip`), because a later email tells the person the news.
What an email says is its area's business: each area registers a renderer for its
kinds at start-up (`add_renderer`; eventsite.registration for the emails about a
registration, eventsite.invitations for invitations). This module knows no kind.

A renderer may also `prepare` a batch: the worker renders claimed rows a batch at a
time, and whatever the rows of one batch share (their registrations, the events of
an invitation round) is loaded once, in a few queries, instead of once per email.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import get_translations
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from eventsite.mail.message import Email
from eventsite.mail.models import MailKind, OutboxMessage

log = logging.getLogger("eventsite.mail")

#: app.extensions key: MailKind -> the Renderer its area registered.
RENDERERS = "eventsite.mail.renderers"


@dataclass
class Skip:
    """The row is not sent; `reason` is kept on the row."""

    reason: str


@dataclass(frozen=True)
class Renderer:
    """How one area turns its outbox rows into emails.

    `prepare(rows, now)` loads what a batch of rows shares and returns it;
    `render(row, now, prepared)` makes one row's email (or a Skip) from it.
    """

    render: Callable[[OutboxMessage, datetime, Any], Email | Skip]
    prepare: Callable[[list[OutboxMessage], datetime], Any] | None = None


def add_renderer(
    app: Flask,
    kinds: Iterable[MailKind],
    render: Callable[[OutboxMessage, datetime, Any], Email | Skip],
    *,
    prepare: Callable[[list[OutboxMessage], datetime], Any] | None = None,
) -> None:
    """Render the outbox rows of these kinds with `render` (see `Renderer`).

    Kinds registered together share one `prepare` per batch. A kind has one
    renderer: registering it twice is a mistake.
    """
    renderers = app.extensions.setdefault(RENDERERS, {})
    renderer = Renderer(render, prepare)
    for kind in kinds:
        if kind in renderers:
            raise ValueError(f"a renderer for {kind} is registered already")
        renderers[kind] = renderer


def _renderer_for(kind: MailKind) -> Renderer | None:
    return current_app.extensions.get(RENDERERS, {}).get(kind)


def render(row: OutboxMessage, now: datetime) -> Email | Skip:
    """The email for one outbox row, or Skip. Needs a request context for its links."""
    renderer = _renderer_for(row.kind)
    if renderer is None:
        return Skip(f"unknown kind {row.kind}")
    prepared = renderer.prepare([row], now) if renderer.prepare is not None else None
    return renderer.render(row, now, prepared)


def render_batch(rows: list[OutboxMessage], now: datetime) -> list[Email | Skip | Exception]:
    """The email for each row, in order; a row whose rendering raised gets the exception.

    Each renderer prepares once for all of its rows in the batch. Needs a request
    context for the links (see `link_context`).
    """
    groups: dict[int, tuple[Renderer, list[OutboxMessage]]] = {}
    outcomes: dict[int, Email | Skip | Exception] = {}
    for row in rows:
        renderer = _renderer_for(row.kind)
        if renderer is None:
            outcomes[row.id] = Skip(f"unknown kind {row.kind}")
        else:
            groups.setdefault(id(renderer), (renderer, []))[1].append(row)
    for renderer, group in groups.values():
        try:
            prepared = renderer.prepare(group, now) if renderer.prepare is not None else None
        except Exception as error:  # a data bug: keep the rows, tell the log
            log.exception("outbox rows %s could not be prepared", [row.id for row in group])
            outcomes.update((row.id, error) for row in group)
            continue
        for row in group:
            try:
                outcomes[row.id] = renderer.render(row, now, prepared)
            except Exception as error:  # a template or data bug: keep the row, tell the log
                log.exception("outbox row %s could not be rendered", row.id)
                outcomes[row.id] = error
    return [outcomes[row.id] for row in rows]


@contextmanager
def link_context() -> Iterator[None]:
    """A request context on EVENTSITE_BASE_URL, for rendering outside a request.

    Only for url_for: Flask builds a URL outside a request only when SERVER_NAME is
    set, and eventsite's links are built on EVENTSITE_BASE_URL instead (see
    eventsite.text.absolute_url). It says nothing about SQLite's write lock: the
    worker renders inside `eventsite.web.reading()` for that.
    """
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def template_gettext() -> dict[str, Callable]:
    """`gettext` and `ngettext` for a template, bound to the translations in force now.

    Flask-Babel's template callables look the translations up again for every
    string (a few dozen per email, each through several context-local lookups);
    rendering context values of these names take precedence over them.
    """
    translations = get_translations()
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
    }


def render_part(template: str, context: dict) -> str:
    """One part of an email, from the app's templates and template globals.

    Not flask.render_template: an email has no request, user or session, so the
    web pages' context processors (run for every render) would be wasted work.
    """
    return current_app.jinja_env.get_template(template).render(context)
