"""A practitioner's listing: who they are, what they treat, where, and for how much."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, Float, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.models import TimestampMixin, str_enum
from marketplace.extensions import db
from marketplace.taxonomy.models import Concern, Modality, Technique


def _link_table(name: str, other: str) -> Table:
    return Table(
        name,
        db.metadata,
        Column("practitioner_id", ForeignKey("practitioner.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{other}_id", ForeignKey(f"{other}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


practitioner_modality = _link_table("practitioner_modality", "modality")
practitioner_technique = _link_table("practitioner_technique", "technique")
practitioner_concern = _link_table("practitioner_concern", "concern")


class VenueType(enum.StrEnum):
    CLINIC = "clinic"
    WELLNESS_SPA = "wellness_spa"
    HOSPITAL = "hospital"
    RETREAT = "retreat"
    HOME_VISIT = "home_visit"

    @property
    def label(self) -> str:
        return {
            "clinic": "Day clinic",
            "wellness_spa": "Urban wellness spa",
            "hospital": "Integrated hospital",
            "retreat": "Nature-based retreat",
            "home_visit": "Home visits",
        }[self.value]


class Gender(enum.StrEnum):
    """A practitioner's gender, stated only if they choose to: many seekers ask for a woman
    (or a man) to treat them, for a massage or an examination especially."""

    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"

    @property
    def label(self) -> str:
        return {"woman": "Woman", "man": "Man", "non_binary": "Non-binary"}[self.value]


class Practitioner(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    bio: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    years_in_practice: Mapped[int | None]
    offers_online: Mapped[bool] = mapped_column(default=False)
    # The country they practise from (ISO 3166-1 alpha-2), as they declare it: what places
    # a listing with no place (online only) in a country; a listed place outranks it.
    country_code: Mapped[str | None] = mapped_column(String(2))
    # Stated or not, as they choose; a seeker who asks for a woman or a man sees only those
    # who stated it.
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    uses_single_use_needles: Mapped[bool] = mapped_column(default=False)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    suspended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    modalities: Mapped[list[Modality]] = relationship(secondary=practitioner_modality, order_by=Modality.name)
    techniques: Mapped[list[Technique]] = relationship(secondary=practitioner_technique, order_by=Technique.name)
    concerns: Mapped[list[Concern]] = relationship(secondary=practitioner_concern, order_by=Concern.name)
    fees: Mapped[list["Fee"]] = relationship(
        back_populates="practitioner", cascade="all, delete-orphan", order_by="Fee.position"
    )
    locations: Mapped[list["Location"]] = relationship(
        back_populates="practitioner", cascade="all, delete-orphan", order_by="Location.id"
    )

    @property
    def home_country(self) -> str:
        """Where they are based: the country code of their first location, else the country
        they declared ("" when neither is known). Search lists online practitioners from the
        seeker's own country first, and an online result says where they are based."""
        first = self.locations[0].country_code if self.locations else None
        return first or self.country_code or ""

    @property
    def place_overrides_country(self) -> bool:
        """They declared one country, and their first place is in another: the place is
        what seekers see (see :attr:`home_country`)."""
        return bool(self.country_code) and self.home_country != self.country_code

    def __repr__(self) -> str:
        return f"<Practitioner {self.id} {self.display_name!r}>"


class Fee(db.Model):
    """A priced session type. Money is integer minor units plus an ISO 4217 code."""

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(80))
    minutes: Mapped[int]
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))

    practitioner: Mapped[Practitioner] = relationship(back_populates="fees")


class Location(TimestampMixin, db.Model):
    """Where a practitioner sees people in person; the point is what search measures from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    venue_type: Mapped[VenueType] = mapped_column(str_enum(VenueType))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(120), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    resolved_label: Mapped[str] = mapped_column(String(300), default="")
    country_code: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))

    practitioner: Mapped[Practitioner] = relationship(back_populates="locations")

    @property
    def town(self) -> str:
        """The town it is in, for saying where someone works (see :func:`town_of`)."""
        return town_of(self.city, self.resolved_label)


def town_of(city: str | None, resolved_label: str | None) -> str:
    """The town of a location: its city as typed, else, for a place given as a point, the
    town the geocoder said it is near ("… (near Powai, Mumbai)" → "Powai"); "" if neither.
    Never the resolved label itself: an online geocoder's is a full street address."""
    near = (resolved_label or "").partition(" (near ")[2]
    return city or near.split(",")[0].strip().rstrip(")")
