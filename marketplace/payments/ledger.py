"""The money ledger: every charge, refund, commission and payout as balanced rows.

Each transaction's lines add up to zero, with these accounts:

- ``charge``: minus what a seeker paid;
- ``commission``: the platform's fee, ``PLATFORM_COMMISSION_PERCENT`` of each
  practitioner's part (rounded half up), snapshotted on the order;
- ``held``: what the platform owes a practitioner and has not paid out yet;
- ``refund``: what went back to seekers;
- ``payout``: what was transferred to practitioners.

So, for every currency, **charges = refunds + commission + payouts + held** at every
moment. A refund after a payout was sent is borne by the platform (a negative
``commission`` line): transfers are never reversed, and held never goes negative. A refund takes back commission only on the money refunded (the fee is always
the percentage of what the practitioner keeps). The arithmetic is pure (:func:`charge_lines`,
:func:`refund_lines`, :func:`payout_lines`) so it is property-tested on its own;
:func:`post` writes lines, and :func:`report` re-adds the rows from the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.payments.models import LedgerAccount, LedgerEntry


def commission(gross: int, percent: int) -> int:
    """The platform's fee on ``gross`` minor units (half up, never more than ``gross``)."""
    return min((gross * percent + 50) // 100, gross)


@dataclass(frozen=True)
class Line:
    account: LedgerAccount
    amount: int
    practitioner_id: int | None = None


def charge_lines(amount: int, shares: Mapping[int, int], percent: int) -> list[Line]:
    """A payment of ``amount`` split into gross ``shares`` per practitioner."""
    if sum(shares.values()) != amount:
        raise ValueError("the shares must add up to the amount")
    lines = [Line(LedgerAccount.CHARGE, -amount)]
    for practitioner_id, gross in shares.items():
        fee = commission(gross, percent)
        lines += [Line(LedgerAccount.COMMISSION, fee), Line(LedgerAccount.HELD, gross - fee, practitioner_id)]
    return lines


def refund_lines(split: Mapping[int, int], kept: Mapping[int, int], percent: int,
                 held: Mapping[int, int] | None = None) -> list[Line]:
    """A refund taking ``split[p]`` gross from practitioner ``p``, who kept ``kept[p]``
    gross before it: their fee shrinks to the fee on what they keep now.

    ``held[p]`` (default: unlimited) is what the platform still holds for ``p`` on this
    order. A refund after their payout was sent (an admin's goodwill refund of a
    delivered session) cannot take back money already transferred: **the platform
    bears** the part beyond what it holds, as a negative commission line, so nobody's
    held balance goes negative and no transfer is reversed."""
    lines = [Line(LedgerAccount.REFUND, sum(split.values()))]
    for practitioner_id, gross in split.items():
        before = kept[practitioner_id]
        if not 0 <= gross <= before:
            raise ValueError("cannot refund more than a practitioner kept")
        fee_back = commission(before, percent) - commission(before - gross, percent)
        from_held = gross - fee_back
        if held is not None:
            from_held = min(from_held, max(held.get(practitioner_id, 0), 0))
        lines += [Line(LedgerAccount.COMMISSION, -fee_back),
                  Line(LedgerAccount.HELD, -from_held, practitioner_id)]
        if from_held < gross - fee_back:
            lines.append(Line(LedgerAccount.COMMISSION, -(gross - fee_back - from_held)))
    return lines


def payout_lines(practitioner_id: int, amount: int) -> list[Line]:
    return [Line(LedgerAccount.HELD, -amount, practitioner_id), Line(LedgerAccount.PAYOUT, amount, practitioner_id)]


def net_of(gross: int, percent: int) -> int:
    """What a practitioner receives for ``gross`` of their share."""
    return gross - commission(gross, percent)


def post(txn: str, currency: str, lines: Iterable[Line], *, order_id: int | None = None,
         refund_id: int | None = None, transfer_id: int | None = None, memo: str = "") -> None:
    """Write one balanced transaction (flushes). Raises ValueError if it does not balance."""
    lines = [line for line in lines if line.amount != 0 or line.account is LedgerAccount.CHARGE]
    if sum(line.amount for line in lines) != 0:
        raise ValueError(f"transaction {txn} does not balance")
    for line in lines:
        db.session.add(LedgerEntry(txn=txn, account=line.account, amount=line.amount, currency=currency,
                                   practitioner_id=line.practitioner_id, order_id=order_id,
                                   refund_id=refund_id, transfer_id=transfer_id, memo=memo[:200]))
    db.session.flush()


# --- the report -------------------------------------------------------------------------------

@dataclass
class CurrencyReport:
    currency: str
    charges: int = 0
    refunds: int = 0
    commission: int = 0
    payouts: int = 0
    held: int = 0
    held_by_practitioner: dict[int, int] = field(default_factory=dict)
    unbalanced_txns: list[str] = field(default_factory=list)

    @property
    def adds_up(self) -> bool:
        return (self.charges == self.refunds + self.commission + self.payouts + self.held
                and not self.unbalanced_txns and all(v >= 0 for v in self.held_by_practitioner.values()))


def report() -> list[CurrencyReport]:
    """Totals per currency from the rows, with every check the ledger must pass."""
    out: dict[str, CurrencyReport] = {}
    rows = db.session.execute(
        select(LedgerEntry.currency, LedgerEntry.account, LedgerEntry.practitioner_id, func.sum(LedgerEntry.amount))
        .group_by(LedgerEntry.currency, LedgerEntry.account, LedgerEntry.practitioner_id))
    for currency, account, practitioner_id, total in rows:
        r = out.setdefault(currency, CurrencyReport(currency))
        total = int(total or 0)
        if account is LedgerAccount.CHARGE:
            r.charges -= total
        elif account is LedgerAccount.REFUND:
            r.refunds += total
        elif account is LedgerAccount.COMMISSION:
            r.commission += total
        elif account is LedgerAccount.PAYOUT:
            r.payouts += total
        else:
            r.held += total
            if practitioner_id is not None:
                r.held_by_practitioner[practitioner_id] = r.held_by_practitioner.get(practitioner_id, 0) + total
    unbalanced = db.session.execute(
        select(LedgerEntry.currency, LedgerEntry.txn).group_by(LedgerEntry.currency, LedgerEntry.txn)
        .having(func.sum(LedgerEntry.amount) != 0))
    for currency, txn in unbalanced:
        out.setdefault(currency, CurrencyReport(currency)).unbalanced_txns.append(txn)
    return [out[c] for c in sorted(out)]


def held_for(practitioner_id: int) -> dict[str, int]:
    """What the platform holds for one practitioner, per currency."""
    totals: dict[str, int] = defaultdict(int)
    for currency, total in db.session.execute(
            select(LedgerEntry.currency, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.account == LedgerAccount.HELD, LedgerEntry.practitioner_id == practitioner_id)
            .group_by(LedgerEntry.currency)):
        totals[currency] += int(total or 0)
    return dict(totals)
