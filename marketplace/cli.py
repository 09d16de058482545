"""Commands for ``flask --app wsgi …``. Each command owns its commit."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import text

from marketplace.core.errors import DomainError
from marketplace.extensions import db

seed = AppGroup("seed", help="Load demo or synthetic data.")
credentials = AppGroup("credentials", help="Licence housekeeping.")
taxonomy = AppGroup("taxonomy", help="The concern / modality / technique taxonomy.")
search = AppGroup("search", help="The search index.")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    message = exc.detail
    for field, problems in exc.errors.items():
        message += f"\n  {field}: {' '.join(problems)}"
    raise click.ClickException(message)


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, password: str) -> None:
    """Create an admin account."""
    from marketplace.accounts.services import create_admin as make

    try:
        user = make(email, password)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Admin {user.email} created.")


@taxonomy.command("load")
def taxonomy_load() -> None:
    """Add the brief's concerns, modalities and techniques that are missing."""
    from marketplace.taxonomy.services import load_defaults

    added = load_defaults()
    db.session.commit()
    click.echo(f"Taxonomy loaded ({added} new terms).")


@seed.command("demo")
def seed_demo() -> None:
    """Demo practitioners in six cities, verified and not, and one account per role."""
    from marketplace.seed.demo import seed_demo as run

    summary = run(current_app.config["UPLOAD_FOLDER"])
    db.session.commit()
    click.echo(f"Demo data: {summary.practitioners} practitioners "
               f"({summary.verified} verified) in {summary.cities} cities.")
    if current_app.config["SHOW_DEMO_ACCOUNTS"] and summary.accounts:
        click.echo("Demo accounts (development only):")
        for role, email, password in summary.accounts:
            click.echo(f"  {role:<13} {email}  password: {password}")


@seed.command("synthetic")
@click.option("--practitioners", "n", type=click.IntRange(1, 5_000_000), required=True,
              help="How many verified practitioners to add.")
@click.option("--seed", "rng_seed", type=int, default=2026, show_default=True, help="Random seed.")
def seed_synthetic(n: int, rng_seed: int) -> None:
    """Add N verified practitioners clustered on real cities, for benchmarks."""
    from tqdm import tqdm

    from marketplace.seed.synthetic import seed_synthetic as run
    from marketplace.taxonomy.services import load_defaults

    load_defaults()
    with tqdm(total=n, unit="practitioner", unit_scale=True, desc="Synthetic practitioners") as bar:
        run(db.session, n, seed=rng_seed, progress=bar.update)
        db.session.commit()
    # After a bulk load the query planner has no statistics (SQLite has none until ANALYZE;
    # PostgreSQL's autovacuum gets there later). Without them SQLite read a results page's
    # verified pairs through the credential status index, every approved credential of the
    # marketplace, instead of the page's few practitioners: 24 ms a page at 100k.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    click.echo(f"Added {n} synthetic practitioners.")


@credentials.command("sweep")
def credentials_sweep() -> None:
    """Expire lapsed licences and warn about those expiring soon (run daily)."""
    from marketplace.verification.services import sweep

    result = sweep(warning_days=current_app.config["LICENCE_WARNING_DAYS"])
    db.session.commit()
    click.echo(f"Sweep: {result.expired} expired, {result.warned} warned.")


@search.command("reindex")
def search_reindex() -> None:
    """Rebuild the whole search index from the listings (after a restore or an upgrade)."""
    from marketplace.search.index import rebuild_all

    count = rebuild_all(db.session)
    db.session.commit()
    click.echo(f"Search index rebuilt for {count} practitioners.")


def register(app: Flask) -> None:
    for command in (create_admin, seed, credentials, taxonomy, search):
        app.cli.add_command(command)
    from marketplace.booking.cli import bookings

    app.cli.add_command(bookings)
    from marketplace.packages.cli import packages

    app.cli.add_command(packages)
    from marketplace.payments.cli import payments

    app.cli.add_command(payments)
    from marketplace.infra.cli import jobs

    app.cli.add_command(jobs)
