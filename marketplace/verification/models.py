"""Credentials a practitioner uploads and an admin reviews."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.core.models import str_enum
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from marketplace.taxonomy.models import Modality

credential_modality = Table(
    "credential_modality",
    db.metadata,
    Column("credential_id", ForeignKey("credential.id", ondelete="CASCADE"), primary_key=True),
    Column("modality_id", ForeignKey("modality.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CredentialStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class CredentialType(enum.StrEnum):
    """Licence kinds the sources insist on; ``other`` leaves room for admins to judge."""

    LICENSED_ACUPUNCTURIST = "licensed_acupuncturist"
    PHYSIOTHERAPIST = "registered_physiotherapist"
    MASSAGE_THERAPIST = "certified_massage_therapist"
    AYURVEDIC_DOCTOR = "registered_ayurvedic_doctor"
    ATHLETIC_TRAINER = "certified_athletic_trainer"
    CHIROPRACTOR = "licensed_chiropractor"
    YOGA_TEACHER = "registered_yoga_teacher"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "licensed_acupuncturist": "Licensed acupuncturist (L.Ac)",
            "registered_physiotherapist": "Registered physiotherapist",
            "certified_massage_therapist": "Certified massage therapist",
            "registered_ayurvedic_doctor": "Registered Ayurvedic doctor",
            "certified_athletic_trainer": "Certified athletic trainer",
            "licensed_chiropractor": "Licensed chiropractor",
            "registered_yoga_teacher": "Registered yoga teacher",
            "other": "Other professional credential",
        }[self.value]


class Credential(db.Model):
    __table_args__ = (Index("ix_credential_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    type: Mapped[CredentialType] = mapped_column(str_enum(CredentialType))
    number: Mapped[str] = mapped_column(String(80))
    issuing_body: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[CredentialStatus] = mapped_column(str_enum(CredentialStatus), default=CredentialStatus.PENDING)
    # The document lives in private storage under this key, never under static/.
    document_key: Mapped[str] = mapped_column(String(200))
    document_mime: Mapped[str] = mapped_column(String(64))
    document_size: Mapped[int]
    document_sha256: Mapped[str] = mapped_column(String(64))
    document_filename: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    expiry_warned_at: Mapped[datetime | None]

    practitioner: Mapped[Practitioner] = relationship()
    modalities: Mapped[list[Modality]] = relationship(secondary=credential_modality, order_by=Modality.name)
    reviewed_by: Mapped[User | None] = relationship()
