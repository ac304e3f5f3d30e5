"""Direct personal invitations: the member directory, its import, invitation rounds.

* `models` – Member, MemberTag, MemberImport, InvitationRound, Invitation
* `filereader`, `importing` – CSV/XLSX to checked rows, preview, upsert (a package: columns, checks, apply)
* `directory` – members by hand; `audience` – who a round goes to
* `sending` – rounds and their outbox rows; `tokens` – the personal signed links
* `tracking` – answers per round and person
* `directory_views`, `round_views` – back office (on the organiser blueprint);
  `views` – the public links in the e-mail (sign-up prefill, decline, unsubscribe)
"""

from __future__ import annotations

from flask import Flask

from eventsite.invitations import audit_labels, email


def init_app(app: Flask) -> None:
    """The public blueprint (the links in the e-mails), its CSRF exemption and the e-mail's
    renderer; what the member directory and the invitation links contribute to the sign-up."""
    # Imported here, when the app is assembled: this __init__ runs on every import of
    # an invitations module (the models too), which must not pull in the views.
    from eventsite.extensions import csrf
    from eventsite.invitations import privacy
    from eventsite.invitations.directory import is_member
    from eventsite.invitations.tokens import invitation_access
    from eventsite.invitations.views import bp, unsubscribe_one_click
    from eventsite.registration.signup import add_voucher
    from eventsite.registration.verification import add_membership_check

    # Members-only events ask the member directory who is a member.
    add_membership_check(is_member)
    # An invitation link in an event page's address vouches for the person signing up.
    add_voucher(app, invitation_access)
    # The member directory and the invitations in the personal-data registry.
    privacy.init_app(app)

    # MEMBER_IMPORT_MAX_MB and INVITATION_REMINDER_INTERVAL_HOURS are in config.py.
    app.register_blueprint(bp)
    # RFC 8058: the mail client's one-click POST carries no CSRF token; the signed
    # token in the URL is the authorisation (see views.unsubscribe_one_click).
    csrf.exempt(unsubscribe_one_click)
    email.init_app(app)
    audit_labels.init_app(app)
