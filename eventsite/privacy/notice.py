"""Each organisation's privacy notice (privatlivspolitik): a public page, editable by administrators.

Until an administrator writes their own, the page shows a default text naming the
data, the purposes, the legal basis (art. 9(2)(d) for members within the union's
legitimate activities, consent otherwise), how long things are kept and the
person's rights, with the organisation's name and address filled in. Every form
that collects personal data links here (templates/privacy/_notice_link.html).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, abort, render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.accounts.brand import use_brand
from eventsite.accounts.models import Organisation, User
from eventsite.audit import record_audit
from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.extensions import db
from eventsite.text import render_markdown

#: Longest notice an administrator may save (a long notice is still a few pages).
NOTICE_MAX = 50_000


class PrivacyNotice(Base):
    """An organisation's own privacy notice (Markdown); none: the default text applies."""

    __tablename__ = "privacy_notices"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The administrator who saved it last; kept if the account goes.
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


def default_text(organisation: Organisation) -> str:
    """The default notice as Markdown, in the current language, for this organisation."""
    contact = organisation.sender_email or ""
    values = {"organisation": organisation.name, "contact": contact}
    parts = [
        "## " + _("Who is responsible for your data"),
        _(
            "%(organisation)s is the data controller for the personal data you give when you sign up "
            "for our events and meetings, or that we hold about you as a member."
        )
        % values,
        _("Write to us at %(contact)s if you have questions about your data.") % values
        if contact
        else _("Contact %(organisation)s if you have questions about your data.") % values,
        "## " + _("The data we hold"),
        "- " + _("Your name, e-mail address, job title, workplace and municipality."),
        "- "
        + _(
            "Your registrations: the events and sessions you signed up for, cancelled or waited for, "
            "and whether you attended."
        ),
        "- " + _("Dietary needs and allergies you tell us about, for the catering only."),
        "- "
        + _(
            "If you are a member: the entry in our member directory (member number, job level, tags) "
            "and the invitations we have sent you and your answers."
        ),
        "- " + _("Applications for subsidies and the invoice details you give us, if any."),
        "- " + _("The e-mails we have sent you (subject and date) and your consents."),
        "- "
        + _(
            "At meetings: your afbud and the reason you give, the fixed list you are on, when you arrived "
            "or left, your answers and comments to minutes, and your name in the minutes."
        ),
        _(
            "Because you sign up for events of a union or a professional association, the data can "
            "reveal membership of a union, which is special-category data under the GDPR (art. 9)."
        ),
        "## " + _("Why we use them"),
        _(
            "To run the events: your place, the waiting list, the e-mails about your registration, "
            "name badges and lists for the door, catering, invoices and subsidies, and statistics "
            "about attendance. To invite members to our events."
        ),
        "## " + _("Legal basis"),
        _(
            "For our members, we process the data as part of the association's legitimate activities "
            "(GDPR art. 9(2)(d) and art. 6(1)(b) and (f)). For others who sign up, the basis is your "
            "registration (art. 6(1)(b)) and, for anything beyond it, your consent (art. 6(1)(a) and "
            "art. 9(2)(a)), which you can withdraw at any time."
        ),
        _(
            "Whether you appear on a participant list that other participants can see is always your "
            "choice: it is off until you say yes, and you can withdraw it at once."
        ),
        "## " + _("How long we keep them"),
        _(
            "Dietary needs are deleted after the event. Participants of past events are anonymised after "
            "the period the association has set (24 months unless we have said otherwise); the numbers "
            "for statistics remain. The text of e-mails is deleted after 30 days. Invoice details are kept "
            "for 5 years, as the Danish Bookkeeping Act requires."
        ),
        _(
            "Reasons for afbud are deleted 30 days after the meeting. Approved minutes are the "
            "association's record and are kept; if your data are erased, you are named \"Erased "
            'participant" in them.'
        ),
        "## " + _("Who else sees them"),
        _(
            "Only the association's organisers and the people helping at the door. The caterer gets "
            "dietary needs without names where possible. Our hosting and e-mail providers process the "
            "data on our behalf under a data processing agreement. We do not sell or pass on your data."
        ),
        "## " + _("Your rights"),
        _(
            "You have the right to see the data we hold about you and to get a copy (art. 15 and 20), to "
            "have them corrected (art. 16) or erased (art. 17), to restrict their use (art. 18) and to "
            'object (art. 21). On the page "My registrations" you can see and correct your details, '
            "download your data and delete them yourself: ask for the link with your e-mail address "
            "on any event page."
        ),
        _(
            "You can complain to the Danish Data Protection Agency (Datatilsynet), Carl Jacobsens Vej 35, "
            "2500 Valby, www.datatilsynet.dk."
        ),
    ]
    return "\n\n".join(parts)


def notice_for(organisation_id: int) -> PrivacyNotice | None:
    return db.session.get(PrivacyNotice, organisation_id)


def notice_markdown(organisation: Organisation) -> str:
    use_brand(organisation)
    own = notice_for(organisation.id)
    return own.body if own is not None and own.body.strip() else default_text(organisation)


def notice_html(organisation: Organisation) -> Markup:
    return render_markdown(notice_markdown(organisation))


def save_notice(organisation: Organisation, body: str, user: User | None, now: datetime) -> PrivacyNotice | None:
    """Store the organisation's own notice; an empty body goes back to the default text (flushes)."""
    use_brand(organisation)
    own = notice_for(organisation.id)
    body = (body or "").strip()
    if not body:
        if own is not None:
            db.session.delete(own)
            db.session.flush()
            record_audit(organisation.id, "privacy_notice", organisation.id, "reset", user=user)
        return None
    if own is None:
        own = PrivacyNotice(organisation_id=organisation.id, body=body)
        db.session.add(own)
    own.body = body
    own.updated_at = now
    own.updated_by_id = user.id if user is not None else None
    db.session.flush()
    record_audit(organisation.id, "privacy_notice", organisation.id, "updated", user=user)
    return own


bp = Blueprint("privacy", __name__)


@bp.get("/privatlivspolitik/<slug>")
def public_notice(slug: str):
    """The organisation's privacy notice, for anyone."""
    organisation = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if organisation is None:
        abort(404)
    use_brand(organisation)
    own = notice_for(organisation.id)
    return render_template(
        "privacy/notice.html",
        organisation=organisation,
        notice=notice_html(organisation),
        updated_at=own.updated_at if own is not None else None,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
