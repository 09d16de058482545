"""What is verified right now. Expiry is checked here at query time, so a licence
stops counting the day after it expires even if the sweep has not run yet."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.practitioners.models import Location, Practitioner, practitioner_concern, practitioner_modality
from marketplace.taxonomy.models import Concern, Modality
from marketplace.verification.models import Credential, CredentialStatus, credential_modality


def live_credential_condition(on: date):  # noqa: ANN201
    return and_(Credential.status == CredentialStatus.APPROVED, Credential.expires_on >= on)


def _pairs(on, *columns, holder=Practitioner, account=User) -> Select:  # noqa: ANN001
    """Credentials live on ``on``, by the modalities they cover that the listing offers,
    of practitioners (``holder``) who are neither suspended nor disabled: the base of
    both forms below."""
    return (
        select(*columns).select_from(Credential)
        .join(credential_modality, credential_modality.c.credential_id == Credential.id)
        .join(practitioner_modality, and_(
            practitioner_modality.c.practitioner_id == Credential.practitioner_id,
            practitioner_modality.c.modality_id == credential_modality.c.modality_id,
        ))
        .join(holder, holder.id == Credential.practitioner_id)
        .join(account, account.id == holder.user_id)
        .where(live_credential_condition(on), holder.is_suspended.is_(False), account.is_disabled.is_(False))
    )


def verified_pairs(on: date | None = None) -> Select[tuple[int, int]]:
    """(practitioner_id, modality_id) pairs backed by an approved, unexpired credential
    and offered in the listing, for practitioners who are neither suspended nor disabled."""
    on = today() if on is None else on  # a date, or a bound parameter
    return _pairs(on, Credential.practitioner_id, credential_modality.c.modality_id).distinct()


def verified_pair_condition(practitioner_id, modality_id, on: date | None = None):  # noqa: ANN001, ANN201
    """SQL condition, correlated to the caller's columns: this practitioner is verified for
    this modality right now (the pair is one of :func:`verified_pairs`). Built for a few
    rows at a time (a package's components), where reading every verified pair would
    cost as much as there are practitioners."""
    on = today() if on is None else on  # a date, or a bound parameter
    # Aliases: a caller's own query may read practitioner or user, and this must not
    # correlate to those.
    return exists(_pairs(on, 1, holder=aliased(Practitioner), account=aliased(User)).where(
        Credential.practitioner_id == practitioner_id, credential_modality.c.modality_id == modality_id))


def visible_condition(on: date | None = None, practitioner=Practitioner):  # noqa: ANN001, ANN201
    """SQL condition on Practitioner (or an alias of it): visible to the public right now."""
    on = today() if on is None else on  # a date, or a bound parameter
    return and_(
        practitioner.is_suspended.is_(False),
        exists(
            select(1)
            .select_from(Credential)
            .join(credential_modality, credential_modality.c.credential_id == Credential.id)
            .join(practitioner_modality, and_(
                practitioner_modality.c.practitioner_id == Credential.practitioner_id,
                practitioner_modality.c.modality_id == credential_modality.c.modality_id,
            ))
            .where(Credential.practitioner_id == practitioner.id, live_credential_condition(on))
        ),
        exists(select(1).where(User.id == practitioner.user_id, User.is_disabled.is_(False))),
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


# --- Pages: browsing, and telling owners and admins why a listing is hidden -----------

def browse(city: str | None = None, modality: str | None = None, concern: str | None = None,
           on: date | None = None) -> Select[tuple[Practitioner]]:
    """Visible practitioners, optionally in a city (any of their locations), with a
    *verified* modality (slug), or treating a concern (slug)."""
    on = on or today()
    stmt = visible_practitioners(on)
    if city:
        stmt = stmt.where(exists(select(1).where(
            Location.practitioner_id == Practitioner.id, func.lower(Location.city) == city.strip().lower())))
    if modality:
        pairs = verified_pairs(on).subquery()
        stmt = stmt.where(Practitioner.id.in_(
            select(pairs.c.practitioner_id)
            .join(Modality, Modality.id == pairs.c.modality_id)
            .where(Modality.slug == modality)))
    if concern:
        stmt = stmt.where(exists(
            select(1).select_from(practitioner_concern)
            .join(Concern, Concern.id == practitioner_concern.c.concern_id)
            .where(practitioner_concern.c.practitioner_id == Practitioner.id, Concern.slug == concern)))
    return stmt


def visible_cities(on: date | None = None) -> list[str]:
    """Cities where at least one visible practitioner sees people, for the browse filter."""
    return sorted(set(db.session.scalars(
        select(Location.city).join(Practitioner, Practitioner.id == Location.practitioner_id)
        .where(visible_condition(on), Location.city != "")
    )))


def modality_states(practitioner: Practitioner, on: date | None = None) -> list[tuple[Modality, str]]:
    """Each listed modality with where its verification stands: ``verified``, ``pending``,
    ``expired``, ``rejected`` or ``not covered`` (no credential names it)."""
    on = on or today()
    found: dict[int, set[str]] = {}
    for credential in credentials_of(practitioner):
        state = credential.status.value
        if credential.status is CredentialStatus.APPROVED:
            state = "verified" if credential.expires_on >= on else "expired"
        for m in credential.modalities:
            found.setdefault(m.id, set()).add(state)
    order = ("verified", "pending", "expired", "rejected")
    return [(m, next((s for s in order if s in found.get(m.id, ())), "not covered"))
            for m in practitioner.modalities]


def hidden_reason(practitioner: Practitioner, on: date | None = None) -> str | None:
    """Why the public cannot see this listing, in words for its owner or an admin;
    None when it is visible."""
    if practitioner.user.is_disabled:
        return "the account is disabled"
    if practitioner.is_suspended:
        why = f": {practitioner.suspended_reason}" if practitioner.suspended_reason else ""
        return "the listing is suspended" + why
    if is_visible(practitioner, on):
        return None
    if not practitioner.modalities:
        return "no modalities are listed yet"
    states = {state for _, state in modality_states(practitioner, on)}
    if "pending" in states:
        return "no approved credential yet (one is waiting for review)"
    if "expired" in states:
        return "the approved credentials have expired; upload a current licence"
    if "rejected" in states:
        return "no approved credential yet (a credential was rejected)"
    return "no approved credential yet"


def admin_search(q: str | None = None, status: str | None = None, on: date | None = None
                 ) -> Select[tuple[Practitioner]]:
    """Practitioners for the admin list: ``q`` matches the display name or the account
    email; ``status`` is ``visible``, ``hidden`` (not suspended, not visible) or
    ``suspended``."""
    on = on or today()
    stmt = select(Practitioner)
    if q and q.strip():
        needle = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{needle}%"
        # A subquery, not a join: visible_condition() correlates User itself.
        emails = select(User.id).where(func.lower(User.email).like(like, escape="\\"))
        stmt = stmt.where(or_(func.lower(Practitioner.display_name).like(like, escape="\\"),
                              Practitioner.user_id.in_(emails)))
    if status == "visible":
        stmt = stmt.where(visible_condition(on))
    elif status == "hidden":
        stmt = stmt.where(~visible_condition(on), Practitioner.is_suspended.is_(False))
    elif status == "suspended":
        stmt = stmt.where(Practitioner.is_suspended.is_(True))
    return stmt.order_by(Practitioner.display_name, Practitioner.id)
