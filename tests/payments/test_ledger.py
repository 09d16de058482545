"""The ledger adds up: charges = refunds + commission + payouts + money still held, for
any mix of payments, partial refunds and payouts (hypothesis), and in the admin's report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.payments.ledger import (
    LedgerAccount, charge_lines, commission, net_of, payout_lines, refund_lines,
)


@st.composite
def histories(draw):  # noqa: ANN001, ANN201
    percent = draw(st.integers(0, 100))
    orders = []
    for _ in range(draw(st.integers(1, 4))):
        shares = {pid: draw(st.integers(1, 500_000)) for pid in draw(st.sets(st.integers(1, 5), min_size=1, max_size=3))}
        ops = draw(st.lists(st.tuples(st.sampled_from(["refund", "payout"]), st.integers(1, 5),
                                      st.floats(0, 1, allow_nan=False)), max_size=8))
        orders.append((shares, ops))
    return percent, orders


@settings(max_examples=300, deadline=None)
@given(histories())
def test_charges_equal_refunds_plus_commission_plus_payouts_plus_held(history):
    """Any mix of payments, partial refunds (even after a payout was sent: an admin's
    goodwill refund, borne by the platform) and payouts balances, and nobody is ever
    owed a negative amount."""
    percent, orders = history
    lines = []
    for shares, ops in orders:
        kept = dict(shares)
        order_lines = charge_lines(sum(shares.values()), shares, percent)
        assert sum(line.amount for line in order_lines) == 0
        borne = 0  # what the platform paid itself for refunds of money already paid out

        def held() -> dict[int, int]:  # noqa: ANN202
            return {pid: sum(line.amount for line in order_lines
                             if line.account is LedgerAccount.HELD and line.practitioner_id == pid) for pid in shares}

        for kind, pid, fraction in ops:
            if pid not in shares:
                continue
            if kind == "refund":
                amount = int(kept[pid] * fraction)
                if amount <= 0:
                    continue
                due_back = net_of(kept[pid], percent) - net_of(kept[pid] - amount, percent)
                borne += max(due_back - held()[pid], 0)
                txn = refund_lines({pid: amount}, kept, percent, held())
                kept[pid] -= amount
            else:
                amount = int(held()[pid] * fraction)
                if amount <= 0:
                    continue
                txn = payout_lines(pid, amount)
            assert sum(line.amount for line in txn) == 0
            order_lines += txn
            assert all(v >= 0 for v in held().values())
        fees = sum(line.amount for line in order_lines if line.account is LedgerAccount.COMMISSION)
        assert fees == sum(commission(k, percent) for k in kept.values()) - borne
        lines += order_lines

    def total(account):  # noqa: ANN001, ANN202
        return sum(line.amount for line in lines if line.account is account)

    charges = -total(LedgerAccount.CHARGE)
    assert charges == (total(LedgerAccount.REFUND) + total(LedgerAccount.COMMISSION) + total(LedgerAccount.PAYOUT)
                       + total(LedgerAccount.HELD))


@given(st.integers(0, 10**9), st.integers(0, 100))
def test_commission_is_a_whole_fair_share(gross, percent):
    fee = commission(gross, percent)
    assert 0 <= fee <= gross
    assert abs(fee * 100 - gross * percent) <= 50


def test_the_ledger_report_cli_says_it_adds_up(app, client, sdk, runner, frozen_clock):
    from tests.booking.helpers import NOW
    from tests.payments.test_refunds import paid_order

    frozen_clock(NOW)
    paid_order(app, client, sdk)
    result = runner.invoke(args=["payments", "ledger"])
    assert result.exit_code == 0, result.output
    assert "GBP: charges GBP 75.00 = refunds GBP 0.00 + commission GBP 11.25 + payouts GBP 0.00 + held GBP 63.75" \
        in result.output
    assert "adds up" in result.output
