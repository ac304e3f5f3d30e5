"""EAN (GLN) and CVR numbers for electronic invoices: normalise, then validate with python-stdnum.

Public bodies receive invoices at a 13-digit EAN-lokationsnummer. People copy it
from letters and web pages with spaces, hyphens or full stops between the groups;
those are removed before checking. Anything else (letters, the wrong number of
digits, a wrong check digit) is refused with a message that says which.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from stdnum import ean as stdnum_ean
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import ValidationError

from eventsite.web import UserError

EAN_LENGTH = 13
CVR_LENGTH = 8

_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-]")


class IdentifierError(UserError, ValueError):
    """An EAN or CVR number that cannot be used, with a message for the person."""


def normalise_ean(text: str | None) -> str:
    """A valid 13-digit EAN number, spaces and hyphens removed; IdentifierError otherwise."""
    compact = _SEPARATORS.sub("", text or "")
    if not compact:
        raise IdentifierError(_l("Enter the EAN number (13 digits)."))
    if not compact.isascii() or not compact.isdigit():
        raise IdentifierError(_l("An EAN number contains digits only."))
    if len(compact) != EAN_LENGTH:
        raise IdentifierError(_l("An EAN number has 13 digits; you entered %(count)d.", count=len(compact)))
    try:
        stdnum_ean.validate(compact)
    except ValidationError:
        raise IdentifierError(
            _l(
                "The EAN number is not valid: the check digit (the last digit) does not match. "
                "Check the number against your employer's invoicing details."
            )
        ) from None
    return compact


def normalise_cvr(text: str | None) -> str | None:
    """A valid 8-digit CVR number, or None when left empty; IdentifierError otherwise."""
    compact = _SEPARATORS.sub("", text or "")
    if compact.upper().startswith("DK"):
        compact = compact[2:]
    if not compact:
        return None
    if not compact.isascii() or not compact.isdigit():
        raise IdentifierError(_l("A CVR number contains digits only."))
    if len(compact) != CVR_LENGTH:
        raise IdentifierError(_l("A CVR number has 8 digits; you entered %(count)d.", count=len(compact)))
    try:
        stdnum_cvr.validate(compact)
    except ValidationError:
        raise IdentifierError(_l("The CVR number is not valid; check it on cvr.dk.")) from None
    return compact
