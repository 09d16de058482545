"""Co-offering a package: inviting verified partners, their answers, and the shares.

Everyone who delivers sessions in a package is a partner (the owner too) with a share
of the price in minor units. A partner accepts their sessions and their share as they
stand; the package goes on sale only when every partner accepted and the shares add up
to the price exactly (:func:`marketplace.packages.services.publish`).

Every function here only flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.core.money import format_money
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.packages.models import Package, PackagePartner, PackageStatus, PartnerStatus
from marketplace.packages.services import (
    PRACTITIONER_PACKAGES_PATH, ask_again, ensure_owner, partner_terms,
)
from marketplace.packages.shares import largest_remainder
from marketplace.practitioners.models import Practitioner
from marketplace.verification import queries as verification


def partner_row(package: Package, practitioner: Practitioner) -> PackagePartner | None:
    return next((p for p in package.partners if p.practitioner_id == practitioner.id), None)


def find_practitioner(who: str | int) -> Practitioner | None:
    """A practitioner by id (digits) or by their account's email."""
    text = str(who).strip()
    if text.isdigit():
        return db.session.get(Practitioner, int(text)) if int(text) < 2**31 else None
    if "@" in text:
        return db.session.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                                 .where(func.lower(User.email) == text.lower()))
    return None


def invite_partner(owner: Practitioner, package: Package, who: str | int, share: int = 0) -> PackagePartner:
    """Invite a verified practitioner (by id or email) to co-offer ``package`` for
    ``share`` minor units of its price. Re-inviting someone who declined asks again.

    Raises ValidationFailed on ``partner`` (unknown, not verified, oneself) or ``share``,
    Conflict when they are already a partner, Forbidden for anyone but the owner.
    """
    ensure_owner(owner, package)
    if package.status is PackageStatus.WITHDRAWN:
        raise Conflict("This package is withdrawn; publish a new one to work with partners.")
    partner = find_practitioner(who)
    if partner is None or not verification.is_visible(partner):
        raise ValidationFailed.on_field(
            "partner", "We found no verified practitioner with that id or email. Partners must be verified.")
    if partner.id == owner.id:
        raise ValidationFailed.on_field("partner", "You are already part of your own package.")
    if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= package.price:
        raise ValidationFailed.on_field("share", "Give a share between 0 and the package price (minor units).")
    row = partner_row(package, partner)
    if row is not None and row.status is not PartnerStatus.DECLINED:
        raise Conflict.on_field("partner", f"{partner.display_name} is already a partner in this package.")
    if row is None:
        row = PackagePartner(practitioner=partner)
        package.partners.append(row)
    mine = partner_row(package, owner)
    if mine is not None and mine.share >= share:
        mine.share -= share  # the partner's share comes out of the owner's, so they still add up
    row.status, row.share, row.invited_at, row.responded_at = PartnerStatus.INVITED, share, utcnow(), None
    db.session.flush()
    notify(partner.user, "package.invited",
           f"{owner.display_name} invites you to co-offer the package “{package.name}”. Review your sessions and "
           "share of the price, then accept or decline.", link=PRACTITIONER_PACKAGES_PATH,
           mail_subject="You are invited to co-offer a package")
    return row


def remove_partner(owner: Practitioner, package: Package, practitioner_id: int) -> None:
    """Drop a partner who delivers nothing. Raises Conflict when they still deliver
    sessions (change those first), NotFound when they are not a partner."""
    ensure_owner(owner, package)
    row = next((p for p in package.partners if p.practitioner_id == practitioner_id), None)
    if row is None or practitioner_id == owner.id:
        raise NotFound("No such partner in this package.")
    if any(c.practitioner_id == practitioner_id for c in package.components):
        raise Conflict.on_field("partner", f"{row.practitioner.display_name} still delivers sessions in this package; "
                                           "give those sessions to someone else first.")
    mine = partner_row(package, owner)
    if mine is not None:
        mine.share += row.share  # their share goes back to the owner
    package.partners.remove(row)
    db.session.flush()


def respond_to_invitation(practitioner: Practitioner, partner: PackagePartner, accept: bool) -> PackagePartner:
    """Accept or decline the sessions and share as they stand now. Declining after
    accepting takes the package off sale (people who bought it keep their sessions).
    Raises Forbidden for anyone but the invited practitioner."""
    if partner.practitioner_id != practitioner.id or partner.package.owner_id == practitioner.id:
        raise Forbidden("Only the invited practitioner can answer this invitation.")
    package = partner.package
    if package.status is PackageStatus.WITHDRAWN:
        raise Conflict("This package was withdrawn.")
    if accept:
        mine = [c for c in package.components if c.practitioner_id == practitioner.id]
        verified = {m.id for m in verification.verified_modalities(practitioner)}
        unverified = [c.modality.name for c in mine if c.modality_id not in verified]
        if unverified:
            raise Conflict.on_field("modality", "You are not verified for " + ", ".join(unverified).lower()
                                    + " right now; upload a current credential first.")
    partner.status = PartnerStatus.ACCEPTED if accept else PartnerStatus.DECLINED
    partner.responded_at = utcnow()
    if not accept and package.status is PackageStatus.ON_SALE:
        package.status = PackageStatus.DRAFT
    db.session.flush()
    verb = "accepted" if accept else "declined"
    notify(package.owner.user, f"package.partner_{verb}",
           f"{practitioner.display_name} {verb} your package “{package.name}”"
           + (" (their sessions and share as they stand)." if accept else
              ". It is not on sale until you give their sessions to someone else."),
           link=PRACTITIONER_PACKAGES_PATH)
    return partner


def set_shares(owner: Practitioner, package: Package, shares: Mapping[int, int]) -> Package:
    """Set each partner's share (practitioner id → minor units). They must add up to the
    price exactly (ValidationFailed on ``shares``); partners whose share changed must
    accept again."""
    ensure_owner(owner, package)
    ids = {p.practitioner_id for p in package.partners}
    errors: dict[str, list[str]] = {}
    for pid, amount in shares.items():
        if pid not in ids:
            errors.setdefault("shares", []).append(f"Practitioner {pid} is not a partner in this package.")
        elif isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            errors.setdefault(f"shares.{pid}", []).append("Give a share of 0 or more, in minor units.")
    if set(shares) != ids and not errors:
        errors.setdefault("shares", []).append("Give a share for every partner.")
    if not errors and sum(shares.values()) != package.price:
        errors.setdefault("shares", []).append(
            f"The shares add up to {format_money(sum(shares.values()), package.currency)}; they must add up to "
            f"the price, {format_money(package.price, package.currency)}.")
    if errors:
        raise ValidationFailed("The shares do not work yet.", errors)
    before = partner_terms(package)
    for partner in package.partners:
        partner.share = shares[partner.practitioner_id]
    db.session.flush()
    ask_again(package, before, "their share of the price")
    db.session.flush()
    return package


def suggested_shares(package: Package) -> dict[int, int]:
    """Shares in proportion to the minutes each partner delivers (largest remainder, so
    they add up to the price exactly): a starting point the owner can change."""
    ids = [p.practitioner_id for p in package.partners]
    minutes = [sum(c.sessions * c.minutes for c in package.components if c.practitioner_id == pid) for pid in ids]
    return dict(zip(ids, largest_remainder(package.price, minutes)))
