"""The extra fieldsets of the public sign-up form: days, add-ons, membership, payer, subsidy.

Contributed to the sign-up as `SIGNUP_EXTRAS` (see eventsite.registration.signup,
registered in `eventsite.payments.init_app`). The sign-up page asks
`signup_extras(event)` for a form; it is None for an event that charges nothing and
offers no days, add-ons or subsidised places, and then the sign-up form looks
exactly as before. The fields live in their own form (without a CSRF token of its
own: the sign-up form carries one) and are posted with the sign-up form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from eventsite.events.models import Event
from eventsite.forms import BaseForm
from eventsite.payments import pricing
from eventsite.payments.display import format_event_day
from eventsite.payments.identifiers import IdentifierError, normalise_cvr, normalise_ean
from eventsite.payments.models import (
    ORDER_NUMBER_MAX,
    ORGANISATION_MAX,
    PAYER_KIND_LABELS,
    REASON_MAX,
    REFERENCE_MAX,
    SHARE_WITH_MAX,
    PayerKind,
)
from eventsite.payments.offer import WITH_HAS_OFFER, EventOffer
from eventsite.payments.operations import (
    Choices,
    InvoiceDetails,
    SubsidyWish,
    offer_for_signup,
    registration_payment,
)
from eventsite.registration.forms import single_line
from eventsite.registration.models import Registration
from eventsite.registration.signup import Review, SignupExtras


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IdListField(Field):
    """Ticked checkboxes posted as ids; anything that is not a number is kept apart as invalid."""

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        self.data = set()
        self.invalid = False
        for value in valuelist:
            if value.isascii() and value.isdigit() and len(value) < 10:
                self.data.add(int(value))
            else:
                self.invalid = True

    def process_data(self, value):
        self.data = set(value or ())
        self.invalid = False


class SignupExtrasForm(BaseForm):
    class Meta:
        # The sign-up form around these fields carries the CSRF token.
        csrf = False

    #: Renders the fieldsets inside the sign-up form.
    template = "payments/_signup_fields.html"

    is_member = RadioField(
        _l("Membership"),
        choices=[SelectChoice("yes", _l("I am a member")), SelectChoice("no", _l("I am not a member"))],
        validators=[Optional()],
    )
    day_ids = IdListField(_l("Days"))
    addon_ids = IdListField(_l("Add-ons"))
    share_with = StringField(
        _l("I would like to share the room with (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=SHARE_WITH_MAX, message=_l("At most %(max)d characters.", max=SHARE_WITH_MAX)),
            single_line,
        ],
    )
    payer = RadioField(
        _l("Who pays?"),
        choices=[SelectChoice(k.value, PAYER_KIND_LABELS[k]) for k in PayerKind],
        default=PayerKind.PERSON.value,
        validators=[Optional()],
    )
    ean = StringField(
        _l("EAN number (13 digits)"),
        filters=[_strip],
        validators=[Optional(), Length(max=40, message=_l("At most %(max)d characters.", max=40))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    invoice_organisation = StringField(
        _l("Paying organisation"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=ORGANISATION_MAX, message=_l("At most %(max)d characters.", max=ORGANISATION_MAX)),
            single_line,
        ],
    )
    invoice_reference = StringField(
        _l("Person reference"),
        description=_l("The person or user id at your workplace who approves the invoice."),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=REFERENCE_MAX, message=_l("At most %(max)d characters.", max=REFERENCE_MAX)),
            single_line,
        ],
    )
    order_number = StringField(
        _l("Order or requisition number (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=ORDER_NUMBER_MAX, message=_l("At most %(max)d characters.", max=ORDER_NUMBER_MAX)),
            single_line,
        ],
    )
    cvr = StringField(
        _l("CVR number (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=20, message=_l("At most %(max)d characters.", max=20))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    subsidy_requested = BooleanField(_l("I am applying for a subsidy to attend"))
    subsidy_fee = BooleanField(_l("The fee"))
    subsidy_transport = BooleanField(_l("Transport"))
    subsidy_accommodation = BooleanField(_l("Accommodation, e.g. a place in a shared double room"))
    subsidy_reason = TextAreaField(
        _l("Short reason"),
        filters=[_strip],
        validators=[Optional(), Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX))],
    )

    def __init__(self, *args, offer: EventOffer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.prices = offer.prices

    @property
    def asks_membership(self) -> bool:
        return self.prices.distinguishes_members

    @property
    def asks_payer(self) -> bool:
        return self.prices.charges_anything

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        checks = [self._check_membership, self._check_days, self._check_addons, self._check_payer, self._check_subsidy]
        for check in checks:
            try:
                check()
            except ValidationError as error:
                valid = False
                field, message = error.args
                field.errors = list(field.errors) + [message]
        return valid

    # Each check raises ValidationError(field, message).

    def _check_membership(self) -> None:
        if self.asks_membership and self.is_member.data not in ("yes", "no"):
            raise ValidationError(self.is_member, _l("Tell us whether you are a member: the price depends on it."))

    def _check_days(self) -> None:
        if self.day_ids.invalid or not self.day_ids.data <= self.prices.day_ids:
            raise ValidationError(self.day_ids, _l("Choose among the event's own days."))
        if self.prices.has_days and not self.day_ids.data:
            raise ValidationError(self.day_ids, _l("Choose the days you will attend."))
        try:
            pricing.check_choice(self.prices, pricing.Choice(None, frozenset(self.day_ids.data)))
        except pricing.ChoiceError as error:
            raise ValidationError(self.day_ids, error.message) from None
        full = [d for d in self.offer.days if d.id in self.day_ids.data and self.offer.day_places[d.id].is_full]
        if full:
            raise ValidationError(
                self.day_ids, _l("%(day)s is fully booked; choose other days.", day=format_event_day(full[0].day))
            )

    def _check_addons(self) -> None:
        offered = {a.id for a in self.prices.addons}
        if self.addon_ids.invalid or not self.addon_ids.data <= offered:
            raise ValidationError(self.addon_ids, _l("Choose among the add-ons offered for this event."))
        stays = [a for a in self.prices.addons if a.accommodation and a.id in self.addon_ids.data]
        if len(stays) > 1:
            raise ValidationError(self.addon_ids, _l("Choose at most one kind of overnight stay."))
        full = [a for a in self.offer.addons if a.id in self.addon_ids.data and self.offer.addon_places[a.id].is_full]
        if full:
            raise ValidationError(
                self.addon_ids, _l("“%(title)s” is fully booked; sign up without it.", title=full[0].title)
            )

    def _check_payer(self) -> None:
        if not self.asks_payer or self.payer.data != PayerKind.EAN.value:
            return
        try:
            self.ean.data = normalise_ean(self.ean.data)
        except IdentifierError as error:
            raise ValidationError(self.ean, error.message) from None
        if not self.invoice_organisation.data:
            raise ValidationError(self.invoice_organisation, _l("Enter the name of the organisation that pays."))
        if not self.invoice_reference.data:
            raise ValidationError(
                self.invoice_reference, _l("Enter a person reference: public bodies cannot pay an invoice without one.")
            )
        try:
            self.cvr.data = normalise_cvr(self.cvr.data)
        except IdentifierError as error:
            raise ValidationError(self.cvr, error.message) from None

    def _check_subsidy(self) -> None:
        if not (self.offer.offers_subsidy and self.subsidy_requested.data):
            return
        if not (self.subsidy_fee.data or self.subsidy_transport.data or self.subsidy_accommodation.data):
            raise ValidationError(self.subsidy_fee, _l("Tick what you apply for: the fee, transport or accommodation."))
        if not self.subsidy_reason.data:
            raise ValidationError(self.subsidy_reason, _l("Give a short reason for your application."))

    def choices(self) -> Choices:
        """The validated answers, for `operations.record_choices`."""
        invoice = None
        if self.asks_payer and self.payer.data == PayerKind.EAN.value:
            invoice = InvoiceDetails(
                ean=self.ean.data,
                organisation=self.invoice_organisation.data,
                reference=self.invoice_reference.data,
                order_number=self.order_number.data or "",
                cvr=self.cvr.data or None,
            )
        subsidy = None
        if self.offer.offers_subsidy and self.subsidy_requested.data:
            subsidy = SubsidyWish(
                fee=self.subsidy_fee.data,
                transport=self.subsidy_transport.data,
                accommodation=self.subsidy_accommodation.data,
                reason=self.subsidy_reason.data or "",
            )
        return Choices(
            is_member=(self.is_member.data == "yes") if self.asks_membership else None,
            day_ids=frozenset(self.day_ids.data),
            addon_ids=frozenset(self.addon_ids.data),
            share_with=self.share_with.data or "",
            invoice=invoice,
            subsidy=subsidy,
        )

    def review(self) -> Review | None:
        """The review step's part (registration.review): the itemised price and the payer,
        for a sign-up that may cost money; None for one that cannot."""
        if not self.asks_payer:
            return None
        choices = self.choices()
        quote = pricing.quote(self.prices, pricing.Choice(choices.is_member, choices.day_ids, choices.addon_ids))
        days = [day for day in self.offer.days if day.id in choices.day_ids]
        return Review(
            template="payments/_signup_review.html",
            values={"quote": quote, "days": days, "choices": choices},
            fingerprint=str(quote.total),
        )


def signup_extras(event: Event, formdata=None) -> SignupExtrasForm | None:
    """The extra fields for an event's sign-up form (holding what was posted, or
    `formdata` when given), or None when it needs none."""
    offer = offer_for_signup(event)
    if offer is None:
        return None
    return SignupExtrasForm(offer=offer) if formdata is None else SignupExtrasForm(formdata=formdata, offer=offer)


def _manage_context(registration: Registration) -> dict[str, object]:
    # The days, add-ons, price and payer on the manage page and the receipt.
    return {"payment": registration_payment(registration)}


#: What payments adds to the sign-up (see eventsite.registration.signup).
SIGNUP_EXTRAS = SignupExtras(
    fields=signup_extras,
    manage_context=_manage_context,
    # Most events offer nothing: the sign-up page learns so with the event, in one query.
    event_options=(WITH_HAS_OFFER,),
)
