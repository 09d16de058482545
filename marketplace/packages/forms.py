"""Package forms. Prices are typed as decimals and become integer minor units exactly
(``MoneyField``); which modalities, partners and shares are acceptable is the service's
call, so it can report every problem at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from marketplace.packages.models import Package
from marketplace.packages.services import ComponentInput, PackageInput
from marketplace.practitioners.forms import (
    CheckboxesField, MoneyField, minor_units_to_price, price_to_minor_units, same_currency,
)
from marketplace.practitioners.services import CURRENCIES
from marketplace.web.templating import choices

BLANK_COMPONENT_ROWS = 3


class ComponentForm(Form):
    practitioner_id = SelectField("Delivered by", coerce=str, validate_choice=False)
    modality = SelectField("Modality", validate_choice=False)
    technique = SelectField("Technique (optional)", validate_choice=False)
    sessions = IntegerField("Sessions", validators=[Optional()], render_kw={"inputmode": "numeric", "min": 1, "max": 30})
    minutes = IntegerField("Minutes each", validators=[Optional()],
                           render_kw={"inputmode": "numeric", "min": 10, "max": 240})

    def is_blank(self) -> bool:
        """No modality chosen: the row is empty (or being removed, as the page says)."""
        return not self.modality.data


class PackageForm(FlaskForm):
    name = StringField("Package name", validators=[Length(max=120)],
                       description="e.g. Sciatica relief: physiotherapy and acupuncture over 6 weeks")
    description = TextAreaField("What the package is for and how it runs", validators=[Length(max=5000)],
                                render_kw={"rows": 4})
    concerns = CheckboxesField("Concerns it treats")
    sessions_per_week = IntegerField("Sessions a week", validators=[Optional(), NumberRange(1, 7)],
                                     render_kw={"inputmode": "numeric", "min": 1, "max": 7})
    weeks = IntegerField("For how many weeks", validators=[Optional(), NumberRange(1, 52)],
                         render_kw={"inputmode": "numeric", "min": 1, "max": 52})
    rhythm_note = StringField("Rhythm note (optional)", validators=[Length(max=200)],
                              description="e.g. Twice a week at first, then weekly")
    validity_days = IntegerField("Valid for (days after purchase)", validators=[Optional()],
                                 render_kw={"inputmode": "numeric", "min": 7, "max": 730})
    price = MoneyField("Package price", render_kw={"inputmode": "decimal"})
    currency = SelectField("Currency", choices=choices((c, c) for c in CURRENCIES))
    components = FieldList(FormField(ComponentForm), min_entries=BLANK_COMPONENT_ROWS, max_entries=12)
    submit = SubmitField("Save package")

    def validate_price(self, field: MoneyField) -> None:
        same_currency(field, self.currency.data)

    @classmethod
    def for_package(cls, package: Package | None) -> "PackageForm":
        if package is None:
            return cls(data={"sessions_per_week": 2, "weeks": 3, "validity_days": 60})
        return cls(data={
            "name": package.name, "description": package.description,
            "concerns": [c.slug for c in package.concerns], "sessions_per_week": package.sessions_per_week,
            "weeks": package.weeks, "rhythm_note": package.rhythm_note, "validity_days": package.validity_days,
            "price": package.price, "currency": package.currency,
            "components": [{"practitioner_id": str(c.practitioner_id), "modality": c.modality.slug,
                            "technique": c.technique.slug if c.technique else "", "sessions": c.sessions,
                            "minutes": c.minutes} for c in package.components],
        })

    def offer(self, people: Iterable[tuple[int, str]], modalities: Iterable[tuple[str, str]],
              techniques: Iterable[tuple[str, str]]) -> "PackageForm":
        """Fill the component rows' choices and keep one blank row to type into."""
        people, modalities, techniques = list(people), list(modalities), list(techniques)
        if not self.components.entries or not self.components.entries[-1].form.is_blank():
            self.components.append_entry()
        for entry in self.components.entries:
            row = entry.form
            row.practitioner_id.choices = choices((str(pid), name) for pid, name in people)
            row.modality.choices = choices([("", "Choose…"), *modalities])
            row.technique.choices = choices([("", "Any / none in particular"), *techniques])
        return self

    def filled_components(self) -> list[tuple[int, ComponentForm]]:
        return [(i, e.form) for i, e in enumerate(self.components.entries) if not e.form.is_blank()]

    def to_input(self) -> tuple[PackageInput, dict[str, str]]:
        """The service input, and how its ``components.<n>`` map back to the page's rows."""
        rows, index_map = [], {}
        for position, (row_index, row) in enumerate(self.filled_components()):
            index_map[str(position)] = str(row_index)
            pid = row.practitioner_id.data
            rows.append(ComponentInput(
                modality=row.modality.data or "", technique=row.technique.data or None,
                sessions=row.sessions.data or 0, minutes=row.minutes.data or 0,
                practitioner_id=int(pid) if pid and str(pid).isdigit() else None))
        return PackageInput(
            name=self.name.data or "", description=self.description.data or "",
            concerns=self.concerns.data or [], components=tuple(rows),
            sessions_per_week=self.sessions_per_week.data or 0, weeks=self.weeks.data or 0,
            rhythm_note=self.rhythm_note.data or "", validity_days=self.validity_days.data or 0,
            price=self.price.data if self.price.data is not None else 0, currency=self.currency.data or "",
        ), index_map


class InviteForm(FlaskForm):
    partner = StringField("Partner's practitioner id or account email", validators=[Length(max=254)],
                          render_kw={"autocomplete": "off"})
    share = MoneyField("Their share of the price", render_kw={"inputmode": "decimal"},
                       description="You can change shares later; they accept the share as it stands.")
    submit = SubmitField("Invite partner")
    package_currency: str | None = None  # the view sets it: a share is in the package's currency

    def validate_share(self, field: MoneyField) -> None:
        same_currency(field, self.package_currency)


def shares_from(form: Mapping[str, Any], partner_ids: Iterable[int],
                currency: str | None = None) -> tuple[dict[int, int], dict[str, list[str]]]:
    """Read ``share-<practitioner id>`` decimal fields into minor units; errors by
    ``shares.<id>`` for anything that is not a price (in ``currency``, the package's)."""
    shares: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    for pid in partner_ids:
        raw = (form.get(f"share-{pid}") or "").strip()
        try:
            shares[pid] = price_to_minor_units(raw or "0", currency)
        except ValueError as exc:
            errors[f"shares.{pid}"] = [str(exc)]
    return shares, errors


def share_text(amount: int) -> str:
    return minor_units_to_price(amount)


class ScheduleForm(FlaskForm):
    slot = RadioField("Choose a time", validate_choice=False)
    submit = SubmitField("Book this session")

    @staticmethod
    def slot_value(start: datetime, channel_key: str) -> str:
        return f"{start.isoformat()}|{channel_key}"

    def chosen(self) -> tuple[datetime, int | None, bool] | None:
        """(start, location_id, online) from the chosen slot, or None when unreadable."""
        raw = self.slot.data or ""
        when, _, key = raw.partition("|")
        try:
            start = datetime.fromisoformat(when)
        except ValueError:
            return None
        if key == "online":
            return start, None, True
        if key.startswith("location-") and key.removeprefix("location-").isdigit():
            return start, int(key.removeprefix("location-")), False
        return None
