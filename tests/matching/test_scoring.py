"""Spec: ranking explains itself; weights are data; geometry is cheap and safe."""

from __future__ import annotations

import ast
import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.phrases import CONCERN_NAMES, MODALITY_NAMES, TECHNIQUE_NAMES
from marketplace.matching.scoring import (
    DEFAULT_WEIGHTS, RELEVANCE, Candidate, Query, Weights, approx_km, bounding_box, matches_filters, rank, score,
)

SPASM = Query(concerns=("back-spasm",))


def _c(pid: int, modalities: set[str], **kw) -> Candidate:  # noqa: ANN003
    return Candidate(practitioner_id=pid, modalities=frozenset(modalities), **kw)


def _order(candidates: list[Candidate], query: Query, **kw) -> list[int]:  # noqa: ANN003
    return [c.practitioner_id for c, _ in rank(candidates, query, **kw)]


def test_closer_practitioner_outranks_farther_at_equal_relevance() -> None:
    near, far = _c(1, {"massage"}, distance_km=2.0), _c(2, {"massage"}, distance_km=15.0)
    assert _order([far, near], SPASM) == [1, 2]


def test_a_relevant_modality_outranks_distance_within_reason() -> None:
    fits = _c(1, {"massage"}, distance_km=20.0)
    nearer_but_weak = _c(2, {"herbal-medicine"}, distance_km=0.5)
    assert _order([nearer_but_weak, fits], SPASM) == [1, 2]


def test_reasons_explain_fit_distance_language_budget_and_verification() -> None:
    candidate = _c(1, {"acupuncture"}, distance_km=2.3, languages=("English", "Hindi"), min_price=4000,
                   currency="GBP")
    query = Query(concerns=("back-spasm",), language="Hindi", max_price=6000, currency="GBP")
    assert score(candidate, query).reasons == [
        "Acupuncture is commonly used for acute back spasm", "2.3 km away", "Speaks Hindi", "Within your budget",
        "Verified credentials"]


def test_declared_concern_adds_a_reason_and_score() -> None:
    plain = _c(1, {"physiotherapy"}, distance_km=5.0)
    declared = dataclasses.replace(plain, practitioner_id=2, concerns=frozenset({"sciatica"}))
    query = Query(concerns=("sciatica",))
    assert score(declared, query).reasons[0] == "Treats sciatica"
    assert score(declared, query).score > score(plain, query).score
    assert "Physiotherapy is commonly used for sciatica" in score(plain, query).reasons


def test_online_candidates_have_no_distance_and_say_so() -> None:
    online = _c(1, {"massage"}, distance_km=None, offers_online=True)
    scored = score(online, SPASM)
    assert "Offers online sessions" in scored.reasons
    assert not any("km away" in r for r in scored.reasons)
    # neutral: between a practitioner next door and one across the city
    assert score(_c(2, {"massage"}, distance_km=20.0), SPASM).score < scored.score
    assert scored.score < score(_c(3, {"massage"}, distance_km=1.0), SPASM).score


def test_editing_weights_changes_the_order() -> None:
    near_cupping, far_massage = _c(1, {"cupping"}, distance_km=1.0), _c(2, {"massage"}, distance_km=10.0)
    assert _order([near_cupping, far_massage], SPASM) == [2, 1]
    assert _order([near_cupping, far_massage], SPASM, weights=Weights(distance=2.0)) == [1, 2]
    edited = {**RELEVANCE, ("back-spasm", "cupping"): 1.0}
    assert _order([near_cupping, far_massage], SPASM, relevance=edited) == [1, 2]


def test_a_technique_can_fit_better_than_its_modality() -> None:
    prenatal = _c(1, {"massage"}, techniques=frozenset({"prenatal-massage"}), distance_km=8.0)
    general = _c(2, {"massage"}, techniques=frozenset({"deep-tissue-massage"}), distance_km=3.0)
    query = Query(concerns=("pregnancy-postnatal-back-pain",))
    assert _order([general, prenatal], query) == [1, 2]
    assert "Prenatal massage is commonly used for pregnancy and postnatal back pain" in score(prenatal, query).reasons


def test_cautions_drop_excluded_techniques_from_relevance_and_attach_notes() -> None:
    cupper = _c(1, {"cupping"}, techniques=frozenset({"cupping"}), distance_km=1.0)
    query = Query(concerns=("back-spasm",), cautions=frozenset({"bleeding-risk"}))
    scored = score(cupper, query)
    assert scored.excluded and scored.relevance == 0
    assert [n.technique_or_modality for n in scored.notes] == ["cupping"]
    assert not matches_filters(cupper, query)
    # a therapy filter the cautions rule out leaves out whoever offers it with others too
    both = _c(2, {"cupping", "acupuncture"}, techniques=frozenset({"cupping", "traditional-acupuncture"}),
              distance_km=1.0)
    assert matches_filters(both, query)
    assert not matches_filters(both, dataclasses.replace(query, modality="cupping"))
    assert not matches_filters(both, dataclasses.replace(query, technique="cupping"))
    assert matches_filters(both, dataclasses.replace(query, modality="acupuncture"))


def test_a_therapy_turned_down_is_left_out_of_the_match_and_of_the_list() -> None:
    """"No acupuncture": someone who offers only acupuncture is not listed; someone who offers
    it with cupping is matched on cupping alone, and told so."""
    needler = _c(1, {"acupuncture"}, techniques=frozenset({"traditional-acupuncture"}), distance_km=1.0)
    both = _c(2, {"acupuncture", "cupping"}, techniques=frozenset({"cupping", "electro-acupuncture"}),
              distance_km=1.0)
    cupper = _c(3, {"cupping"}, techniques=frozenset({"cupping"}), distance_km=1.0)
    query = Query(concerns=("sciatica",), declined=frozenset({"acupuncture"}))
    assert not matches_filters(needler, query) and matches_filters(both, query)
    scored = score(both, query)
    assert scored.score == score(cupper, query).score  # acupuncture's fit for sciatica no longer counts
    assert scored.score < score(both, Query(concerns=("sciatica",))).score
    assert not any("acupuncture" in reason.lower() for reason in scored.reasons)
    assert [(n.code, n.technique_or_modality, n.message) for n in scored.notes] == [
        ("declined", "acupuncture", "Acupuncture is left out, as you asked.")]
    # a technique turned down leaves the rest of its modality ("physio, no dry needling")
    needling_physio = _c(4, {"physiotherapy", "acupuncture"},
                         techniques=frozenset({"exercise-therapy", "dry-needling"}), distance_km=1.0)
    no_needling = Query(concerns=("sciatica",), declined=frozenset({"dry-needling"}))
    assert matches_filters(needling_physio, no_needling)
    assert "dry needling" not in " ".join(score(needling_physio, no_needling).reasons).lower()
    # a therapy asked for that is also turned down counts as not offered
    assert not matches_filters(both, Query(therapies=("acupuncture",), declined=frozenset({"acupuncture"})))


def test_several_therapies_filter_on_any_of_them_or_on_every_one_together() -> None:
    needling_physio = _c(1, {"physiotherapy", "acupuncture"}, techniques=frozenset({"dry-needling"}), distance_km=1.0)
    physio = _c(2, {"physiotherapy"}, techniques=frozenset({"exercise-therapy"}), distance_km=1.0)
    cupper = _c(3, {"cupping"}, techniques=frozenset({"cupping"}), distance_km=1.0)
    either = Query(concerns=("sciatica",), therapies=("physiotherapy", "dry-needling"))
    assert [matches_filters(c, either) for c in (needling_physio, physio, cupper)] == [True, True, False]
    both = dataclasses.replace(either, together=True)
    assert [matches_filters(c, both) for c in (needling_physio, physio, cupper)] == [True, False, False]
    # a therapy the cautions rule out counts as not offered
    cups_or_physio = Query(therapies=("cupping", "physiotherapy"), cautions=frozenset({"bleeding-risk"}))
    assert [matches_filters(c, cups_or_physio) for c in (physio, cupper)] == [True, False]


def test_pregnancy_prefers_prenatal_trained_practitioners() -> None:
    prenatal = _c(1, {"massage"}, techniques=frozenset({"prenatal-massage"}), distance_km=5.0)
    other = _c(2, {"massage"}, techniques=frozenset({"medical-massage"}), distance_km=5.0)
    query = Query(concerns=("back-spasm",), cautions=frozenset({"pregnancy"}))
    assert _order([other, prenatal], query) == [1, 2]
    assert "Trained in prenatal massage" in score(prenatal, query).reasons


def test_hooks_contribute_nothing_until_filled() -> None:
    base = _c(1, {"massage"}, distance_km=3.0)
    now = datetime(2025, 1, 6, 9, tzinfo=timezone.utc)
    rated = dataclasses.replace(base, rating=4.8, next_available=now + timedelta(hours=3))
    query = dataclasses.replace(SPASM, now=now)
    assert score(base, query).score < score(rated, query).score
    assert {"Rated 4.8 out of 5", "Available today"} <= set(score(rated, query).reasons)
    assert score(base, query).score == score(base, SPASM).score


def test_price_is_a_small_bonus_only() -> None:
    cheap, dear = _c(1, {"massage"}, distance_km=5.0, min_price=3000, currency="GBP"), \
        _c(2, {"massage"}, distance_km=5.0, min_price=9000, currency="GBP")
    gap = score(cheap, SPASM).score - score(dear, SPASM).score
    assert 0 < gap <= DEFAULT_WEIGHTS.price
    assert "Lower price than a typical £60 session" in score(cheap, SPASM).reasons
    assert score(_c(3, {"massage"}, distance_km=5.0, min_price=3000, currency="XYZ"), SPASM).score == \
        score(_c(4, {"massage"}, distance_km=5.0), SPASM).score


def test_filters_radius_mode_budget_language_and_modality() -> None:
    c = _c(1, {"massage"}, distance_km=30.0, min_price=5000, currency="GBP", languages=("English",))
    assert not matches_filters(c, Query(radius_km=25))
    assert matches_filters(c, Query(radius_km=30))
    assert not matches_filters(c, Query(radius_km=50, mode="online"))
    assert not matches_filters(c, Query(radius_km=50, max_price=4000, currency="GBP"))
    assert not matches_filters(c, Query(radius_km=50, max_price=9000, currency="EUR"))
    assert matches_filters(c, Query(radius_km=50, language="en"))
    assert not matches_filters(c, Query(radius_km=50, language="hi"))
    assert not matches_filters(c, Query(radius_km=50, modality="acupuncture"))
    online = _c(2, {"massage"}, offers_online=True)
    assert matches_filters(online, Query(mode="online")) and not matches_filters(online, Query(mode="in_person"))


@pytest.mark.parametrize("km", [7.8500001, 7.849, 0.04999, 9.95, 3.0])
def test_the_reason_gives_the_distance_the_card_shows(km: float) -> None:
    """The card shows the result's distance (kept to two decimals) as "%.1f"; the reason
    must not say 7.9 km where the card says 7.8."""
    card = "%.1f" % round(km, 2)
    reasons = score(_c(1, {"massage"}, distance_km=km), SPASM).reasons
    assert f"{card} km away" in reasons or float(card) >= 10


def test_a_gender_asked_for_keeps_only_those_who_stated_it() -> None:
    woman, man, unstated = (_c(pid, {"massage"}, distance_km=3.0, gender=g) for pid, g in
                            ((1, "woman"), (2, "man"), (3, None)))
    assert [c.practitioner_id for c in (woman, man, unstated) if matches_filters(c, Query(gender="woman"))] == [1]
    assert [c.practitioner_id for c in (woman, man, unstated) if matches_filters(c, Query(gender="man"))] == [2]
    assert all(matches_filters(c, Query()) for c in (woman, man, unstated))


def test_ties_break_by_distance_then_id_so_paging_is_stable() -> None:
    same = [_c(pid, {"massage"}, distance_km=4.0) for pid in (5, 3, 9)]
    assert _order(same, SPASM) == [3, 5, 9]


def test_relevance_table_covers_every_concern_with_known_slugs() -> None:
    assert {c for c, _ in RELEVANCE} == set(CONCERN_NAMES)
    assert {s for _, s in RELEVANCE} <= set(MODALITY_NAMES) | set(TECHNIQUE_NAMES)
    assert all(0 <= v <= 1 for v in RELEVANCE.values())
    for concern in CONCERN_NAMES:
        assert sum(1 for c, s in RELEVANCE if c == concern and s in MODALITY_NAMES) >= 5


def test_brief_examples_in_the_relevance_table() -> None:
    assert RELEVANCE[("back-spasm", "massage")] == .9 and RELEVANCE[("back-spasm", "tui-na")] == .7
    assert RELEVANCE[("sciatica", "physiotherapy")] == .9
    assert RELEVANCE[("pregnancy-postnatal-back-pain", "prenatal-massage")] == 1.0
    assert RELEVANCE[("posture-desk-pain", "posture-coaching")] == 1.0


# --- Geometry ----------------------------------------------------------------------------------
LONDON, READING, PARIS = (51.5074, -0.1278), (51.4543, -0.9781), (48.8566, 2.3522)
MUMBAI, PUNE, QUITO = (19.0760, 72.8777), (18.5204, 73.8567), (-0.1807, -78.4678)


@pytest.mark.parametrize(("a", "b"), [(LONDON, READING), (MUMBAI, PUNE), (LONDON, PARIS), (QUITO, (0.5, -78.4))])
def test_approx_km_matches_geodesic_for_known_places(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert approx_km(*a, *b) == pytest.approx(geodesic(a, b).km, rel=0.005)


_lat = st.floats(-90, 90, allow_nan=False)
_lon = st.floats(-180, 180, allow_nan=False)
_bearing = st.floats(0, 360, allow_nan=False)


@settings(max_examples=400, deadline=None, database=None)
@given(_lat, _lon, _bearing, st.floats(0.001, 200))
def test_approx_km_is_within_half_a_percent_of_geodesic_up_to_200_km(lat: float, lon: float, bearing: float,
                                                                     km: float) -> None:
    end = geodesic(kilometers=km).destination((lat, lon), bearing)
    exact = geodesic((lat, lon), (end.latitude, end.longitude)).km
    assert abs(approx_km(lat, lon, end.latitude, end.longitude) - exact) <= 0.005 * exact + 1e-6


@settings(max_examples=400, deadline=None, database=None)
@given(_lat, _lon, _bearing, st.floats(0.1, 200), st.floats(0, 1))
def test_bounding_box_contains_every_point_within_the_radius(lat: float, lon: float, bearing: float,
                                                             radius: float, share: float) -> None:
    end = geodesic(kilometers=radius * share).destination((lat, lon), bearing)
    assert bounding_box(lat, lon, radius).contains(end.latitude, end.longitude)


def test_bounding_box_splits_at_the_antimeridian() -> None:
    box = bounding_box(-17.7, 179.9, 50)  # Fiji
    assert box.crosses_antimeridian
    (w_lo, w_hi), (e_lo, e_hi) = box.lon_ranges()
    assert w_hi == 180.0 and e_lo == -180.0 and w_lo > 179 and e_hi < -179
    assert box.contains(-17.7, -179.9) and not box.contains(-17.7, 0)


def test_bounding_box_near_a_pole_spans_all_longitudes_and_is_clamped() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(89.9, 10, 50)
    assert (max_lat, min_lon, max_lon) == (90.0, -180.0, 180.0) and min_lat < 89.9


def test_bounding_box_is_tight_enough_to_be_useful() -> None:
    box = bounding_box(*LONDON, 25)
    assert box.max_lat - box.min_lat < 0.46  # 50 km is ~0.45° of latitude
    assert not box.crosses_antimeridian and box.lon_ranges() == ((box.min_lon, box.max_lon),)
    with pytest.raises(ValueError):
        bounding_box(0, 0, -1)


def test_matching_stays_free_of_flask_and_the_database() -> None:
    package = Path(__file__).resolve().parents[2] / "marketplace" / "matching"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "marketplace.extensions")), (module.name, name)
                assert not name.startswith("marketplace.") or name.startswith(
                    ("marketplace.matching", "marketplace.taxonomy.data", "marketplace.geo.distance",
                     "marketplace.geo.address_words", "marketplace.core.money", "marketplace.core.spelling",
                     "marketplace.core.wording")),\
                    (module.name, name)  # pure: no Flask, no database
