"""The review step of a sign-up with a price: the total is shown before the final confirm.

On the sign-up form the total follows the choices in JavaScript (static/signup.js).
Without it a person would press "Tilmeld" for a paid place without having seen what
it costs, so when an area's answers ask for a review (payments: anything charged), a
sign-up posted without the script's ``reviewed`` flag is not decided yet: the view
shows "Gennemse og bekræft" with the chosen session, the person, each area's part
(the itemised price, the payer) and the posted fields as hidden inputs. Nothing is
written and no place is held by the review. "Bekræft tilmelding" posts the fields
again; they are validated again and the sign-up goes its usual way (an anonymous form
holds the place until the emailed link is followed, a personal invitation link signs
up at once, a members-only event sends its confirmation link). "Ret" shows the form
again, filled in.

With the script the person has seen the live total, and the form goes straight
through: the flag only skips a page, it grants nothing, as every answer is validated
on the server either way.

The review page carries a signed fingerprint of what it showed: the fields, and each
area's own `Review.fingerprint` (payments: the total in øre). A confirm whose fields
differ from what was shown (edited hidden inputs) is refused; one whose total has
changed since (the organiser changed a price) is shown for review again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from eventsite.registration.operations import RegistrationError
from eventsite.registration.signup import ExtraFields, Review

#: The buttons' field on the review page: "confirm" or "edit".
ACTION = "review"
#: Set to "1" by static/signup.js once it shows the live total.
SEEN_FLAG = "reviewed"
#: The signed fingerprint of the review page.
TOKEN = "review_token"
#: Posted fields that are not answers: never carried or compared.
_NOT_ANSWERS = frozenset({"csrf_token", "submit", ACTION, SEEN_FLAG, TOKEN})
_SALT = "eventsite.signup-review"


class ReviewTampered(RegistrationError):
    """The confirmed answers are not those the review page showed."""


class ReviewOutdated(RegistrationError):
    """What the review page showed has changed since (a price): review again."""


def parts(extras: Sequence[ExtraFields]) -> list[Review]:
    """The areas' parts of the review page for validated answers (empty: no review needed)."""
    found = (fields.review() for fields in extras)
    return [part for part in found if part is not None]


def wanted(posted: MultiDict[str, str], reviews: Sequence[Review]) -> bool:
    """Must this validated sign-up be reviewed (or confirmed from its review) before it is decided?"""
    return bool(reviews) and posted.get(SEEN_FLAG) != "1"


def carried(posted: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The posted answers, in order, for the review page's hidden inputs."""
    return [(key, value) for key, value in posted.items(multi=True) if key not in _NOT_ANSWERS]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _digest(answers: list[tuple[str, str]]) -> str:
    # Sorted: the order of repeated checkboxes is the browser's, not an answer.
    return hashlib.sha256(json.dumps(sorted(answers), ensure_ascii=False).encode()).hexdigest()


def token(posted: MultiDict[str, str], reviews: Sequence[Review]) -> str:
    """The review page's signed fingerprint of the answers and of what each area showed."""
    payload: list[Any] = [_digest(carried(posted)), [part.fingerprint for part in reviews]]
    return str(_serializer().dumps(payload))


def check(posted: MultiDict[str, str], reviews: Sequence[Review]) -> None:
    """Refuse a confirm whose answers differ from the review page's; ask for a new review
    when what it showed (a price) has changed since."""
    try:
        digest, fingerprints = _serializer().loads(posted.get(TOKEN, ""))
    except (BadSignature, ValueError, TypeError):
        raise _tampered() from None
    if digest != _digest(carried(posted)):
        raise _tampered()
    if fingerprints != [part.fingerprint for part in reviews]:
        raise ReviewOutdated(_l("The price has changed since you reviewed your sign-up. Check the new total."))


def _tampered() -> ReviewTampered:
    return ReviewTampered(
        _l(
            "Your answers were changed after you reviewed them, so nothing has been saved."
            " Check the form and send it again."
        )
    )
