"""API shapes for accounts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from marketplace.accounts.models import User
from marketplace.web.api import Schema


class RegisterIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    role: Literal["seeker", "practitioner"]


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime


class UserOut(BaseModel):
    id: int
    email: str
    role: Literal["seeker", "practitioner", "admin"]
    created_at: datetime
    practitioner_id: int | None = None

    @classmethod
    def of(cls, user: User, practitioner_id: int | None = None) -> "UserOut":
        return cls(id=user.id, email=user.email, role=user.role.value, created_at=user.created_at,
                   practitioner_id=practitioner_id)


class PasswordResetRequestIn(Schema):
    email: str = Field(max_length=254)


class PasswordResetIn(Schema):
    token: str = Field(max_length=500)
    password: str = Field(max_length=256)


# --- Privacy: the data export and account deletion ---------------------------------------

class DeleteAccountIn(Schema):
    password: str = Field(max_length=256, description="The account's current password, asked for on every deletion.")


class ExportToken(BaseModel):
    """An API token's dates; the token and its hash are never exported."""

    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ExportAccount(BaseModel):
    id: int
    email: str
    role: Literal["seeker", "practitioner", "admin"]
    created_at: datetime
    last_login_at: datetime | None
    api_tokens: list[ExportToken]


class ExportFee(BaseModel):
    label: str
    minutes: int
    amount: int
    currency: str


class ExportLocation(BaseModel):
    label: str
    venue_type: str
    address: str
    city: str
    country: str
    lat: float
    lon: float
    timezone: str | None


class ExportDocument(BaseModel):
    """The uploaded file is described, not included: download it from the credentials page."""

    filename: str
    mime: str
    size: int
    sha256: str


class ExportCredential(BaseModel):
    id: int
    type: str
    number: str
    issuing_body: str
    jurisdiction: str
    issued_on: date
    expires_on: date
    status: str
    modalities: list[str]
    created_at: datetime
    reviewed_at: datetime | None
    rejection_reason: str | None
    document: ExportDocument


class ExportPackage(BaseModel):
    id: int
    name: str
    status: str
    price: int
    currency: str


class ExportTransfer(BaseModel):
    id: int
    order_id: int
    booking_id: int | None
    amount: int
    currency: str
    status: str
    created_at: datetime
    sent_at: datetime | None


class ExportPayoutAccount(BaseModel):
    stripe_account_id: str
    is_onboarded: bool
    transfers: list[ExportTransfer]


class ExportSession(BaseModel):
    """A session the practitioner gave or will give (the seeker is not named)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    place_label: str
    is_online: bool
    fee_label: str | None
    amount: int | None
    currency: str | None


class ExportListing(BaseModel):
    id: int
    display_name: str
    bio: str
    languages: list[str]
    years_in_practice: int | None
    offers_online: bool
    country_code: str | None
    gender: str | None
    is_suspended: bool
    modalities: list[str]
    techniques: list[str]
    concerns: list[str]
    fees: list[ExportFee]
    locations: list[ExportLocation]
    credentials: list[ExportCredential]
    packages: list[ExportPackage]
    sessions: list[ExportSession]
    payout_account: ExportPayoutAccount | None


class ExportBooking(BaseModel):
    id: int
    practitioner_id: int
    practitioner: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place_label: str
    is_online: bool
    fee_label: str | None
    amount: int | None
    currency: str | None
    status: str
    created_at: datetime
    cancelled_at: datetime | None
    cancellation_reason: str | None
    refund_percent: int | None


class ExportEnrollmentSession(BaseModel):
    number: int
    minutes: int
    status: str
    booking_id: int | None


class ExportEnrollment(BaseModel):
    id: int
    package_id: int
    package: str
    status: str
    price: int
    currency: str
    bought_at: datetime | None
    expires_at: datetime | None
    ended_at: datetime | None
    sessions: list[ExportEnrollmentSession]


class ExportRefund(BaseModel):
    id: int
    amount: int
    currency: str
    status: str
    reason: str
    created_at: datetime
    settled_at: datetime | None


class ExportOrder(BaseModel):
    id: int
    kind: str
    description: str
    amount: int
    currency: str
    amount_refunded: int
    status: str
    booking_id: int | None
    enrollment_id: int | None
    created_at: datetime
    paid_at: datetime | None
    refunds: list[ExportRefund]


class ExportNotification(BaseModel):
    kind: str
    message: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class ExportAuditEntry(BaseModel):
    at: datetime
    action: str
    subject_type: str
    subject_id: int
    by: Literal["you", "our team", "the system"]
    reason: str | None
    details: dict[str, Any]


class DataExport(BaseModel):
    """Everything held about the signed-in user. ``format`` changes only when a field is
    renamed or removed; new fields may appear within a format."""

    format: Literal[1] = 1
    exported_at: datetime
    account: ExportAccount
    listing: ExportListing | None
    bookings: list[ExportBooking]
    enrollments: list[ExportEnrollment]
    orders: list[ExportOrder]
    notifications: list[ExportNotification]
    audit_entries: list[ExportAuditEntry]
    screening_answers: Literal["not stored"] = Field(
        "not stored", description="Answers to the search's screening questions are used for that search only.")
