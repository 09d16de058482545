"""The search index follows the listings by itself, and the CLI can build data at scale."""

from __future__ import annotations

from sqlalchemy import func, select, text

from marketplace.booking.models import WeeklyHours
from marketplace.booking.queries import next_available
from marketplace.extensions import db
from marketplace.packages.models import Package
from marketplace.packages.queries import is_sellable
from marketplace.practitioners.models import Practitioner
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile
from marketplace.verification import queries
from marketplace.verification.models import CredentialStatus
from tests.builders import make_credential, make_practitioner, make_verified_practitioner


def rows(model, practitioner_id: int) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model).where(model.practitioner_id == practitioner_id))


def test_a_listing_is_indexed_only_once_a_credential_is_approved(app):
    p = make_practitioner(modalities=("massage",), techniques=("sports-massage",), offers_online=True,
                          concerns=("sports-injury",))
    credential = make_credential(app, p)
    assert rows(SearchProfile, p.id) == rows(SearchPlace, p.id) == 0
    credential.status = CredentialStatus.APPROVED
    db.session.commit()
    assert rows(SearchProfile, p.id) == 1
    assert rows(SearchPlace, p.id) == 4  # one location x (massage, sports massage) x (any, sports-injury)
    assert rows(SearchOnline, p.id) == 4  # two terms x (any concern, sports-injury)


def test_suspending_and_rejecting_remove_a_practitioner_from_the_index(app):
    p = make_verified_practitioner(app)
    p.is_suspended = True
    db.session.commit()
    assert rows(SearchPlace, p.id) == 0
    p.is_suspended = False
    db.session.commit()
    assert rows(SearchPlace, p.id) == 2  # acupuncture x (any concern, back-spasm)
    for c in p.locations:
        db.session.delete(c)
    db.session.commit()
    assert rows(SearchPlace, p.id) == 0 and rows(SearchProfile, p.id) == 1


def test_a_rolled_back_change_leaves_the_index_alone(app):
    p = make_verified_practitioner(app)
    p.is_suspended = True
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert rows(SearchPlace, p.id) == 2


def test_seed_synthetic_adds_verified_practitioners_with_a_progress_bar(runner, app):
    result = runner.invoke(args=["seed", "synthetic", "--practitioners", "40"])
    assert result.exit_code == 0, result.output
    assert "40" in result.output
    practitioners = db.session.scalars(select(Practitioner)).all()
    assert len(practitioners) == 40
    assert all(queries.is_visible(p) for p in practitioners)
    assert db.session.scalar(select(func.count()).select_from(SearchProfile)) == 40
    # The index the loader wrote is the index the listings imply.
    def index() -> tuple[list, list]:
        places = db.session.execute(select(SearchPlace.practitioner_id, SearchPlace.location_id, SearchPlace.term,
                                           SearchPlace.concern, SearchPlace.valid_until)).all()
        online = db.session.execute(select(SearchOnline.practitioner_id, SearchOnline.term, SearchOnline.concern,
                                           SearchOnline.price_factor, SearchOnline.country,
                                           SearchOnline.valid_until)).all()
        return sorted(places), sorted(online)

    before = index()
    assert before[1] and all(len(row.country) == 2 for row in before[1])  # where each is based, for online search
    again = runner.invoke(args=["search", "reindex"])
    assert again.exit_code == 0 and "40 practitioners" in again.output
    assert index() == before
    # The planner has statistics after the bulk load (without them SQLite read a results
    # page's verified pairs through the credential status index).
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'credential'"))
    else:
        assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'credential'")) >= 40
    # Ordinary writes still work after the bulk load (ids and sequences moved on).
    make_verified_practitioner(app)


def test_synthetic_practitioners_keep_hours_and_sell_packages_a_seeker_can_see(runner, client):
    """The bench's data reads like a live marketplace's: most listings can be booked, and
    some sell a course of care (a few with a partner) that is on sale and shown."""
    runner.invoke(args=["seed", "synthetic", "--practitioners", "400"])
    ids = db.session.scalars(select(Practitioner.id)).all()
    with_hours = db.session.scalar(select(func.count(func.distinct(WeeklyHours.practitioner_id))))
    assert 0.6 * len(ids) < with_hours < 0.9 * len(ids)
    assert len(next_available(ids)) == with_hours  # every one of them has an opening within four weeks
    packages = db.session.scalars(select(Package)).all()
    assert packages and all(is_sellable(p) for p in packages)
    assert any(p.partners for p in packages)
    package = packages[0]
    concern = package.concerns[0].slug
    owner = package.owner
    location = owner.locations[0]
    body = client.get("/api/v1/search", query_string={"concern": concern, "lat": location.lat, "lon": location.lon,
                                                      "radius_km": 1, "mode": "in_person"}).get_json()
    shown = next(r for r in body["results"] if r["practitioner"]["id"] == owner.id)
    assert package.id in [k["id"] for k in shown["packages"]]


def test_synthetic_practitioners_are_found_by_search(runner, client):
    runner.invoke(args=["seed", "synthetic", "--practitioners", "300"])
    body = client.get("/api/v1/search", query_string={"concern": "back-spasm", "near": "Mumbai"}).get_json()
    assert body["results"], body
    assert all(r["distance_km"] is None or r["distance_km"] <= 25 for r in body["results"])


def test_the_place_rows_of_declared_concerns_follow_the_listing(app):
    """Search reads declarers of a concern from their own rows: a concern added to or
    dropped from a listing must add or drop those rows at once."""
    from marketplace.taxonomy.models import Concern

    p = make_verified_practitioner(app, modalities=("massage",), concerns=("back-spasm",))

    def concerns() -> list[str]:
        return sorted(db.session.scalars(select(SearchPlace.concern).where(SearchPlace.practitioner_id == p.id)))

    assert concerns() == ["", "back-spasm"]
    p.concerns.append(db.session.scalars(select(Concern).where(Concern.slug == "sciatica")).one())
    db.session.commit()
    assert concerns() == ["", "back-spasm", "sciatica"]
    p.concerns = []
    db.session.commit()
    assert concerns() == [""]
