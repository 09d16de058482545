"""``flask payments …``: reconcile with Stripe, the ledger report, payouts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.core.errors import DomainError
from marketplace.extensions import db

payments = AppGroup("payments", help="Orders, refunds, the ledger and payouts.")


@payments.command("reconcile")
def reconcile() -> None:
    """Read Stripe's state for orders left pending and refunds not settled, and settle them."""
    from marketplace.payments.services import reconcile as run

    result = run()
    click.echo(f"Reconciled {result.checked} pending orders: {result.paid} paid, {result.failed} failed, "
               f"{result.expired} expired; {result.refunds_settled} refunds settled; "
               f"{result.intents_closed} open payments of ended orders closed; "
               f"{result.errors} left for later (Stripe unreachable).")
    if result.errors:
        raise SystemExit(1)


@payments.command("ledger")
def ledger_report() -> None:
    """Per currency: charges = refunds + commission + payouts + money still held."""
    from marketplace.payments.ledger import report
    from marketplace.payments.services import money

    rows = report()
    if not rows:
        click.echo("The ledger is empty.")
        return
    bad = False
    for r in rows:
        click.echo(f"{r.currency}: charges {money(r.charges, r.currency)} = refunds {money(r.refunds, r.currency)}"
                   f" + commission {money(r.commission, r.currency)} + payouts {money(r.payouts, r.currency)}"
                   f" + held {money(r.held, r.currency)}  [{'adds up' if r.adds_up else 'DOES NOT ADD UP'}]")
        for txn in r.unbalanced_txns:
            click.echo(f"  unbalanced transaction: {txn}")
        for pid, held in sorted(r.held_by_practitioner.items()):
            if held < 0:
                click.echo(f"  practitioner {pid} is owed a negative amount: {held}")
        bad = bad or not r.adds_up
    if bad:
        raise SystemExit(1)


@payments.command("payouts")
def send_payouts() -> None:
    """Transfer practitioners' earnings for delivered sessions (run daily)."""
    from marketplace.payments import payouts

    created = payouts.due()
    db.session.commit()
    sent = failed = 0
    for transfer in created:
        try:
            payouts.send(transfer)
            db.session.commit()
            sent += 1
        except DomainError as exc:
            db.session.rollback()
            failed += 1
            click.echo(f"transfer {transfer.id}: {exc.detail}")
    click.echo(f"Payouts: {sent} sent, {failed} left pending.")
