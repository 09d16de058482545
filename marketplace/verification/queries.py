"""What is verified right now. Expiry is checked here at query time, so a licence
stops counting the day after it expires even if the sweep has not run yet."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import Select, and_, exists, select

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner, practitioner_modality
from marketplace.taxonomy.models import Modality
from marketplace.verification.models import Credential, CredentialStatus, credential_modality


def live_credential_condition(on: date):  # noqa: ANN201
    return and_(Credential.status == CredentialStatus.APPROVED, Credential.expires_on >= on)


def verified_pairs(on: date | None = None) -> Select[tuple[int, int]]:
    """(practitioner_id, modality_id) pairs backed by an approved, unexpired credential
    and offered in the listing, for practitioners who are neither suspended nor disabled."""
    on = on or today()
    return (
        select(Credential.practitioner_id, credential_modality.c.modality_id)
        .join(credential_modality, credential_modality.c.credential_id == Credential.id)
        .join(practitioner_modality, and_(
            practitioner_modality.c.practitioner_id == Credential.practitioner_id,
            practitioner_modality.c.modality_id == credential_modality.c.modality_id,
        ))
        .join(Practitioner, Practitioner.id == Credential.practitioner_id)
        .join(User, User.id == Practitioner.user_id)
        .where(live_credential_condition(on), Practitioner.is_suspended.is_(False), User.is_disabled.is_(False))
        .distinct()
    )


def visible_condition(on: date | None = None):  # noqa: ANN201
    """SQL condition on Practitioner: visible to the public right now."""
    on = on or today()
    return and_(
        Practitioner.is_suspended.is_(False),
        exists(
            select(1)
            .select_from(Credential)
            .join(credential_modality, credential_modality.c.credential_id == Credential.id)
            .join(practitioner_modality, and_(
                practitioner_modality.c.practitioner_id == Credential.practitioner_id,
                practitioner_modality.c.modality_id == credential_modality.c.modality_id,
            ))
            .where(Credential.practitioner_id == Practitioner.id, live_credential_condition(on))
        ),
        exists(select(1).where(User.id == Practitioner.user_id, User.is_disabled.is_(False))),
    )


def verified_modalities(practitioner: Practitioner, on: date | None = None) -> list[Modality]:
    """The listing's modalities that a live credential covers (empty when suspended)."""
    if practitioner.is_suspended or practitioner.user.is_disabled:
        return []
    on = on or today()
    covered = set(db.session.scalars(
        select(credential_modality.c.modality_id)
        .join(Credential, Credential.id == credential_modality.c.credential_id)
        .where(Credential.practitioner_id == practitioner.id, live_credential_condition(on))
    ))
    return [m for m in practitioner.modalities if m.id in covered]


def is_visible(practitioner: Practitioner, on: date | None = None) -> bool:
    return bool(verified_modalities(practitioner, on))


def live_credentials(practitioner: Practitioner, on: date | None = None) -> Sequence[Credential]:
    """Approved, unexpired credentials: what the public badge names."""
    on = on or today()
    return db.session.scalars(
        select(Credential)
        .where(Credential.practitioner_id == practitioner.id, live_credential_condition(on))
        .order_by(Credential.issued_on)
    ).all()


def visible_practitioners(on: date | None = None) -> Select[tuple[Practitioner]]:
    return select(Practitioner).where(visible_condition(on)).order_by(Practitioner.display_name, Practitioner.id)


def credentials_of(practitioner: Practitioner) -> Sequence[Credential]:
    """Every credential the practitioner uploaded, oldest first."""
    return db.session.scalars(
        select(Credential).where(Credential.practitioner_id == practitioner.id)
        .order_by(Credential.created_at, Credential.id)
    ).all()
