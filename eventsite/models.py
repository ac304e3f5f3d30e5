"""Imports every area's models, so the metadata (and Alembic) sees all tables."""

from eventsite.accounts.brand import OrganisationBrand  # noqa: F401
from eventsite.accounts.models import AccountLink, FailedLogin, Membership, RecoveryCode, User  # noqa: F401
from eventsite.audit import AuditEntry  # noqa: F401
from eventsite.events.models import Event, EventSession, Organisation, ProgrammeItem, Venue  # noqa: F401
from eventsite.invitations.models import Invitation, InvitationRound, Member, MemberImport, MemberTag  # noqa: F401
from eventsite.mail.models import JobRun, OutboxMessage, WorkerHeartbeat  # noqa: F401
from eventsite.meetings.minutes_models import Minutes, MinutesApproval, MinutesItem, MinutesVersion  # noqa: F401
from eventsite.meetings.models import AgendaItem, Meeting, MeetingFile, MeetingSeries  # noqa: F401
from eventsite.meetings.participation_models import Apology, ItemAttendance, RosterEntry  # noqa: F401
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
from eventsite.privacy.models import RetentionSetting  # noqa: F401
from eventsite.privacy.notice import PrivacyNotice  # noqa: F401
from eventsite.registration.models import DietaryNote, ListConsent, MemberLink, Person, Registration  # noqa: F401
