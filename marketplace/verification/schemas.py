"""API shapes for credentials, review decisions and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from marketplace.audit.models import AuditEntry
from marketplace.practitioners.schemas import CredentialOut
from marketplace.verification.services import CredentialInput
from marketplace.web.api import Schema

CredentialTypeLiteral = Literal[
    "licensed_acupuncturist", "registered_physiotherapist", "certified_massage_therapist",
    "registered_ayurvedic_doctor", "certified_athletic_trainer", "licensed_chiropractor",
    "registered_yoga_teacher", "other",
]


class CredentialForm(Schema):
    type: CredentialTypeLiteral
    number: str = Field(min_length=1, max_length=80)
    issuing_body: str = Field(min_length=1, max_length=200)
    jurisdiction: str = Field(min_length=1, max_length=120)
    issued_on: date
    expires_on: date
    modalities: str = Field(min_length=1, max_length=500, description="Comma-separated modality slugs")

    def to_input(self) -> CredentialInput:
        return CredentialInput(
            type=self.type, number=self.number, issuing_body=self.issuing_body,
            jurisdiction=self.jurisdiction, issued_on=self.issued_on, expires_on=self.expires_on,
            modalities=[s.strip() for s in self.modalities.split(",") if s.strip()],
        )


class CredentialList(BaseModel):
    items: list[CredentialOut]
    total: int


class QueueQuery(Schema):
    status: Literal["pending", "approved", "rejected", "expired", "all"] = "pending"


class ExpiringQuery(Schema):
    days: int = Field(default=30, ge=1, le=365)


class RejectIn(Schema):
    reason: str = Field(max_length=2000)


class ReasonIn(Schema):
    reason: str | None = Field(default=None, max_length=2000)


class AuditQuery(Schema):
    subject_type: Literal["credential", "practitioner", "concern", "modality", "technique"] | None = None
    subject_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    action: str
    subject_type: str
    subject_id: int
    reason: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntry) -> "AuditOut":
        return cls(id=e.id, at=e.at, actor_id=e.actor_id, actor_email=e.actor.email if e.actor else None,
                   action=e.action, subject_type=e.subject_type, subject_id=e.subject_id,
                   reason=e.reason, details=e.details or {})


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    page: int
    per_page: int


class SweepOut(BaseModel):
    expired: int
    warned: int
