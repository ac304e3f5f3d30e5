"""Imports every area's models, so the metadata (and Alembic) sees all tables."""

from eventsite.accounts.brand import OrganisationBrand  # noqa: F401
from eventsite.accounts.models import AccountLink, FailedLogin, Membership, RecoveryCode, User  # noqa: F401
from eventsite.audit import AuditEntry  # noqa: F401
from eventsite.events.models import Event, EventSession, Organisation, ProgrammeItem, Venue  # noqa: F401
from eventsite.invitations.models import Invitation, InvitationRound, Member, MemberImport, MemberTag  # noqa: F401
from eventsite.mail.models import JobRun, OutboxMessage, WorkerHeartbeat  # noqa: F401
from eventsite.payments.models import (  # noqa: F401
    AddOn,
    Billing,
    DayPriceRow,
    EventDay,
    FeeSettings,
    RegistrationAddOn,
    RegistrationDay,
    SubsidyBudget,
    SubsidyRequest,
)
from eventsite.registration.models import DietaryNote, Person, Registration  # noqa: F401
