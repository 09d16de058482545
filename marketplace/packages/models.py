"""Combined-therapy packages, who co-offers them, and what a seeker bought.

A :class:`Package` is owned by one practitioner and delivered through its
:class:`PackageComponent` rows, each naming the practitioner who delivers it. Everyone
who delivers a component is a :class:`PackagePartner` (the owner too) with a share of
the price in minor units; the package goes on sale only when every partner accepted
and the shares add up to the price exactly.

An :class:`Enrollment` is a seeker's purchase. It snapshots the price, the shares
(:class:`EnrollmentShare`) and one :class:`EnrollmentSession` per session bought, each
with its exact value in minor units, so refunds of unused sessions and payouts never
depend on later edits to the package.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.booking.models import Booking
from marketplace.core.clock import utcnow
from marketplace.core.models import TimestampMixin, str_enum
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from marketplace.taxonomy.models import Concern, Modality, Technique

package_concern = Table(
    "package_concern",
    db.metadata,
    Column("package_id", ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
    Column("concern_id", ForeignKey("concern.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PackageStatus(enum.StrEnum):
    DRAFT = "draft"
    ON_SALE = "on_sale"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "on_sale": "On sale", "withdrawn": "Withdrawn"}[self.value]


class PartnerStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class EnrollmentStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {"pending_payment": "Reserved, waiting for payment", "active": "Active", "completed": "Completed",
                "cancelled": "Cancelled", "expired": "Expired"}[self.value]


class SessionStatus(enum.StrEnum):
    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Package(TimestampMixin, db.Model):
    """What a practitioner (with partners) sells as one course of care."""

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("validity_days > 0", name="validity_positive"),
        CheckConstraint("sessions_per_week > 0", name="sessions_per_week_positive"),
        CheckConstraint("weeks > 0", name="weeks_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PackageStatus] = mapped_column(str_enum(PackageStatus), default=PackageStatus.DRAFT, index=True)
    sessions_per_week: Mapped[int] = mapped_column(default=1)
    weeks: Mapped[int] = mapped_column(default=1)
    rhythm_note: Mapped[str] = mapped_column(String(200), default="")
    validity_days: Mapped[int]
    price: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    published_at: Mapped[datetime | None]
    # Set when the partners were told the package stopped selling (a credential lapsed);
    # cleared when it sells again, so a later lapse is told again.
    lapse_notified_at: Mapped[datetime | None]

    owner: Mapped[Practitioner] = relationship()
    concerns: Mapped[list[Concern]] = relationship(secondary=package_concern, order_by=Concern.name)
    components: Mapped[list["PackageComponent"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageComponent.position")
    partners: Mapped[list["PackagePartner"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackagePartner.id")

    @property
    def total_sessions(self) -> int:
        return sum(c.sessions for c in self.components)

    @property
    def deliverer_ids(self) -> list[int]:
        return list(dict.fromkeys(c.practitioner_id for c in self.components))

    def __repr__(self) -> str:
        return f"<Package {self.id} {self.name!r} {self.status.value}>"


class PackageComponent(db.Model):
    """So many sessions of a modality (or one of its techniques), of so many minutes,
    delivered by one practitioner."""

    __table_args__ = (
        CheckConstraint("sessions > 0", name="sessions_positive"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    modality_id: Mapped[int] = mapped_column(ForeignKey("modality.id"), index=True)
    technique_id: Mapped[int | None] = mapped_column(ForeignKey("technique.id"))
    sessions: Mapped[int]
    minutes: Mapped[int]

    package: Mapped[Package] = relationship(back_populates="components")
    practitioner: Mapped[Practitioner] = relationship()
    modality: Mapped[Modality] = relationship()
    technique: Mapped[Technique | None] = relationship()

    @property
    def label(self) -> str:
        what = self.technique.name if self.technique else self.modality.name
        return f"{what}: {self.sessions} × {self.minutes} min"


class PackagePartner(db.Model):
    """A practitioner co-offering a package, with their share of its price."""

    __table_args__ = (
        UniqueConstraint("package_id", "practitioner_id"),
        CheckConstraint("share >= 0", name="share_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    share: Mapped[int] = mapped_column(default=0)
    status: Mapped[PartnerStatus] = mapped_column(str_enum(PartnerStatus), default=PartnerStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]

    package: Mapped[Package] = relationship(back_populates="partners")
    practitioner: Mapped[Practitioner] = relationship()


class Enrollment(TimestampMixin, db.Model):
    """A seeker's purchase of a package: created before payment (``pending_payment``),
    ``active`` once paid, then ``completed``, ``cancelled`` or ``expired``."""

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        # One reservation waiting for payment per seeker and package, even when two
        # requests race (a double click): the database refuses the second.
        Index("uq_enrollment_waiting", "seeker_id", "package_id", unique=True,
              postgresql_where=text("status = 'pending_payment'"), sqlite_where=text("status = 'pending_payment'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(
        str_enum(EnrollmentStatus), default=EnrollmentStatus.PENDING_PAYMENT, index=True)
    price: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    validity_days: Mapped[int]
    bought_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The seeker was told that part of the package cannot be booked (a lapsed credential).
    lapse_notified_at: Mapped[datetime | None]

    seeker: Mapped[User] = relationship()
    package: Mapped[Package] = relationship()
    shares: Mapped[list["EnrollmentShare"]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan", order_by="EnrollmentShare.id")
    sessions: Mapped[list["EnrollmentSession"]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan",
        order_by="EnrollmentSession.id")


class EnrollmentShare(db.Model):
    """One practitioner's share of what the seeker paid, as it stood at purchase."""

    __table_args__ = (
        UniqueConstraint("enrollment_id", "practitioner_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    amount: Mapped[int]

    enrollment: Mapped[Enrollment] = relationship(back_populates="shares")
    practitioner: Mapped[Practitioner] = relationship()


class EnrollmentSession(db.Model):
    """One bought session. ``value`` is its part of the deliverer's share (the values of
    one practitioner's sessions add up to their share exactly), which is what a refund
    of an unused session returns."""

    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    # SET NULL: a cancelled reservation must not stop its package's owner editing it.
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("package_component.id", ondelete="SET NULL"), index=True)
    number: Mapped[int]  # 1..sessions within the component
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    minutes: Mapped[int]
    value: Mapped[int]
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus), default=SessionStatus.UNSCHEDULED)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), index=True)
    scheduled_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship(back_populates="sessions")
    component: Mapped[PackageComponent | None] = relationship()
    practitioner: Mapped[Practitioner] = relationship()
    booking: Mapped[Booking | None] = relationship()
