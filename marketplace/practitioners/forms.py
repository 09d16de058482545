"""The listing and location forms. Prices are typed as people write them ("45.50",
"£45", "Rs. 1,500/-") and turned into integer minor units with ``Decimal``, exactly (see
:mod:`marketplace.core.money`): a float never touches money."""

from __future__ import annotations

from typing import Any, Iterable

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, FieldList, FloatField, Form, FormField, IntegerField, SelectField, SelectMultipleField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from marketplace.core.money import currency_clash, parse_price, price_in
from marketplace.geo.gazetteer import countries
from marketplace.practitioners.models import Gender, Practitioner, VenueType
from marketplace.practitioners.services import CURRENCIES, FeeInput, ListingInput, LocationInput
from marketplace.web.templating import choices

BLANK_FEE_ROWS = 3  # rows offered without JavaScript; blank rows are ignored


def price_to_minor_units(text: str, currency: str | None = None) -> int:
    """'45' → 4500, '45.5' → 4550, '1,200.00' → 120000, '₹1,500' → 150000. Raises
    ValueError on anything that is not a non-negative amount with at most two decimal
    places, or that names a currency other than ``currency`` (see :func:`price_in`)."""
    return price_in(text, currency)


def minor_units_to_price(amount: int) -> str:
    major, minor = divmod(int(amount), 100)
    return f"{major}.{minor:02d}"


class MoneyField(StringField):
    """A decimal price typed by a person, perhaps with its currency ("£45", "Rs 1500/-");
    ``data`` is integer minor units (or None), ``typed_currency`` the currency the symbol
    or word named (None if none or ambiguous): the form checks it against its currency
    with :func:`same_currency`."""

    typed_currency: str | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data, self.typed_currency = None, None
        if self.raw and self.raw.strip():
            self.data, self.typed_currency = parse_price(self.raw)  # ValueError → a field error

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = minor_units_to_price(value) if isinstance(value, int) else ""

    def _value(self) -> str:
        return self.raw if hasattr(self, "raw") else ""


def same_currency(field: MoneyField, currency: str | None) -> None:
    """A price typed as "£45" where the currency chosen is INR is a mistake to point out,
    not ₹45 to store."""
    clash = currency_clash(field.typed_currency, currency) if field.data is not None else None
    if clash:
        raise ValidationError(clash)


class CheckboxesField(SelectMultipleField):
    """Checkboxes rendered by the template; which slugs exist is the service's call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class FeeForm(Form):
    label = StringField("Session", validators=[Optional(), Length(max=80)])
    minutes = IntegerField("Minutes", validators=[Optional()], render_kw={"inputmode": "numeric", "min": 5, "max": 480})
    price = MoneyField("Price", render_kw={"inputmode": "decimal"})
    currency = SelectField("Currency", choices=choices((c, c) for c in CURRENCIES))

    def is_blank(self) -> bool:
        return not ((self.label.data or "").strip() or self.minutes.data or (getattr(self.price, "raw", "") or "").strip())

    def validate_price(self, field: MoneyField) -> None:
        if field.data is None and not self.is_blank():
            raise ValidationError("Enter the price, e.g. 45 or 45.50.")
        same_currency(field, self.currency.data)


class ListingForm(FlaskForm):
    # Presence and length rules are the service's: it reports every problem at once.
    display_name = StringField("Name seekers will see", render_kw={"autocomplete": "name"})
    bio = TextAreaField("About you and how you work", validators=[Length(max=5000)], render_kw={"rows": 6})
    years_in_practice = IntegerField("Years in practice", validators=[Optional(), NumberRange(0, 80)],
                                     render_kw={"inputmode": "numeric", "min": 0, "max": 80})
    languages = StringField("Languages you consult in", description="Separate them with commas, e.g. English, Hindi")
    offers_online = BooleanField("I offer online consultations")
    country_code = SelectField(
        "Country you practise from",
        description="Seekers see practitioners of their own country first. A place you list under Locations says where "
                    "you are; this counts when you list none (online only).",
        choices=choices([("", "Not stated"), *countries()]), default="")
    gender = SelectField(
        "Your gender",
        description="Optional. Many seekers ask for a woman (or a man) to treat them; they see only practitioners "
                    "who state it here. Your profile shows it.",
        choices=choices([("", "Not stated"), *((g.value, g.label) for g in Gender)]), default="")
    uses_single_use_needles = BooleanField("I use sterile, single-use needles (acupuncture and dry needling)")
    modalities = CheckboxesField("Modalities")
    techniques = CheckboxesField("Techniques")
    concerns = CheckboxesField("Concerns you treat")
    fees = FieldList(FormField(FeeForm), min_entries=BLANK_FEE_ROWS, max_entries=20)
    submit = SubmitField("Save listing")

    @classmethod
    def for_listing(cls, practitioner: Practitioner | None) -> "ListingForm":
        """The form filled from a listing on GET (the request's form data on POST)."""
        if practitioner is None:
            return cls()
        form = cls(data={
            "display_name": practitioner.display_name, "bio": practitioner.bio,
            "years_in_practice": practitioner.years_in_practice,
            "languages": ", ".join(practitioner.languages or []),
            "offers_online": practitioner.offers_online,
            "country_code": practitioner.country_code or "",
            "gender": practitioner.gender.value if practitioner.gender else "",
            "uses_single_use_needles": practitioner.uses_single_use_needles,
            "modalities": [m.slug for m in practitioner.modalities],
            "techniques": [t.slug for t in practitioner.techniques],
            "concerns": [c.slug for c in practitioner.concerns],
            "fees": [{"label": f.label, "minutes": f.minutes, "price": f.amount, "currency": f.currency}
                     for f in practitioner.fees],
        })
        # The blank rows start in the currency the listing prices in (see with_blank_fee_row).
        if practitioner.fees:
            for entry in form.fees.entries[len(practitioner.fees):]:
                entry.form.currency.data = practitioner.fees[0].currency
        return form

    def with_blank_fee_row(self) -> "ListingForm":
        """Keep one empty row to type a new fee into (the no-JavaScript path), in the
        currency of the fees above it: most practitioners price in one currency, and a
        London physio's new row starting in rupees is a mistake waiting to be saved."""
        if not self.fees.entries or not self.fees.entries[-1].form.is_blank():
            self.fees.append_entry()
            usual = next((fee.currency.data for _, fee in self.filled_fees()), None)
            if usual:
                self.fees.entries[-1].form.currency.data = usual
        return self

    def filled_fees(self) -> Iterable[tuple[int, FeeForm]]:
        return [(i, entry.form) for i, entry in enumerate(self.fees.entries) if not entry.form.is_blank()]

    def to_input(self) -> tuple[ListingInput, dict[str, str]]:
        """The service input, and how the service's ``fees.<n>`` indices map back to the
        rows on the page (blank rows are skipped, so they can differ)."""
        fees = []
        index_map: dict[str, str] = {}
        for position, (row, fee) in enumerate(self.filled_fees()):
            index_map[str(position)] = str(row)
            fees.append(FeeInput(label=fee.label.data or "", minutes=fee.minutes.data or 0,
                                 amount=fee.price.data if fee.price.data is not None else -1,
                                 currency=fee.currency.data or ""))
        languages = [part for part in (self.languages.data or "").split(",") if part.strip()]
        return ListingInput(
            display_name=self.display_name.data or "", bio=self.bio.data or "",
            modalities=self.modalities.data or [], techniques=self.techniques.data or [],
            concerns=self.concerns.data or [], languages=languages,
            offers_online=bool(self.offers_online.data), years_in_practice=self.years_in_practice.data,
            uses_single_use_needles=bool(self.uses_single_use_needles.data), fees=tuple(fees),
            country_code=self.country_code.data or None, gender=self.gender.data or None,
        ), index_map


class LocationForm(FlaskForm):
    label = StringField("Name of this place", validators=[Length(max=120)],
                        description="e.g. Indiranagar clinic")
    venue_type = SelectField("Kind of place", choices=choices((v.value, v.label) for v in VenueType))
    address = StringField("Street address", validators=[Length(max=300)],
                          description="For home visits the public sees only the city.")
    city = StringField("City", validators=[Length(max=120)])
    country = StringField("Country", validators=[Length(max=120)])
    lat = FloatField("Latitude", validators=[Optional()], render_kw={"inputmode": "decimal", "step": "any"})
    lon = FloatField("Longitude", validators=[Optional()], render_kw={"inputmode": "decimal", "step": "any"})
    submit = SubmitField("Add location")

    def to_input(self) -> LocationInput:
        return LocationInput(label=self.label.data or "", venue_type=self.venue_type.data or "",
                             address=self.address.data or "", city=self.city.data or "",
                             country=self.country.data or "", lat=self.lat.data, lon=self.lon.data)
