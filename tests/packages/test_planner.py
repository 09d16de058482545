"""The planner, on its own: which practitioners a build-your-own plan proposes, and the
dates a rhythm suggests. Pure: no database, no Flask."""

from datetime import date

import pytest

from marketplace.packages.planner import (
    COURSES, PlanCandidate, assemble_plan, course_for, session_interval_days, suggest_dates,
)
from marketplace.packages.shares import SingleFee

LONDON = (51.5074, -0.1278)


def near(km_north: float) -> tuple[float, float]:
    return (LONDON[0] + km_north / 111.2, LONDON[1])


def candidate(pid, name, modalities, *, km=2.0, fee=6000, minutes=45, currency="GBP", concerns=("sciatica",)):
    return PlanCandidate(practitioner_id=pid, display_name=name, modalities=frozenset(modalities),
                         concerns=frozenset(concerns), points=(near(km),),
                         fees=(SingleFee("Session", minutes, fee, currency),))


def test_sciatica_plan_mixes_physiotherapy_and_acupuncture_from_two_practitioners_with_one_total():
    plan = assemble_plan("sciatica", *LONDON, 25, [
        candidate(1, "Asha (acupuncture)", {"acupuncture"}, fee=5000),
        candidate(2, "Ben (physio)", {"physiotherapy"}, fee=7000),
        candidate(3, "Cara (massage)", {"massage"}, fee=4000),
    ])
    assert [(c.modality, c.display_name, c.sessions) for c in plan.components] == [
        ("physiotherapy", "Ben (physio)", 6), ("acupuncture", "Asha (acupuncture)", 4)]
    assert plan.total == 6 * 7000 + 4 * 5000
    assert plan.currency == "GBP"
    assert plan.course is COURSES["lasting"] and plan.sessions == 10
    assert plan.practitioner_ids == (2, 1)
    # Honest context for each component, from the guidelines.
    acupuncture = plan.components[1]
    assert any(note.source == "NICE NG59" and note.stance == "does-not-recommend" for note in acupuncture.evidence)


def test_acute_spasm_gets_the_short_course():
    assert course_for("back-spasm").kind == "acute"
    plan = assemble_plan("back-spasm", *LONDON, 25, [
        candidate(1, "Massage", {"massage"}), candidate(2, "Acu", {"acupuncture"})])
    assert [(c.modality, c.sessions) for c in plan.components] == [("massage", 4), ("acupuncture", 2)]


def test_the_nearest_practitioner_who_treats_the_concern_is_chosen():
    plan = assemble_plan("sciatica", *LONDON, 25, [
        candidate(1, "Far physio", {"physiotherapy"}, km=10),
        candidate(2, "Near physio", {"physiotherapy"}, km=1),
        candidate(3, "Nearest but not for sciatica", {"physiotherapy"}, km=0.5, concerns=()),
    ])
    assert plan.components[0].display_name == "Near physio"
    assert "Treats sciatica" in plan.components[0].reasons


def test_practitioners_outside_the_radius_or_without_fees_are_never_proposed():
    no_fees = PlanCandidate(4, "No fees", frozenset({"physiotherapy"}), points=(near(1),))
    plan = assemble_plan("sciatica", *LONDON, 5, [
        candidate(1, "Too far", {"physiotherapy"}, km=30), no_fees,
        candidate(2, "Acu", {"acupuncture"}, km=3)])
    assert [c.display_name for c in plan.components] == ["Acu"]
    assert plan.components[0].sessions == 10  # the whole course, as nothing else fits nearby
    assert plan.missing == ("Physiotherapy",)


def test_later_picks_must_share_the_first_picks_currency():
    plan = assemble_plan("sciatica", *LONDON, 25, [
        candidate(1, "Physio GBP", {"physiotherapy"}, currency="GBP"),
        candidate(2, "Acu USD", {"acupuncture"}, currency="USD"),
        candidate(3, "Massage GBP", {"massage"}, currency="GBP"),
    ])
    assert [c.display_name for c in plan.components] == ["Physio GBP", "Massage GBP"]
    assert {c.currency for c in plan.components} == {"GBP"}


def test_a_session_is_priced_from_an_ordinary_30_to_60_minute_fee():
    c = PlanCandidate(1, "Physio", frozenset({"physiotherapy"}), points=(near(1),), fees=(
        SingleFee("Assessment", 90, 12000, "GBP"), SingleFee("First", 60, 9000, "GBP"),
        SingleFee("Follow-up", 45, 6500, "GBP")))
    component = assemble_plan("sciatica", *LONDON, 25, [c]).components[0]
    assert (component.fee_label, component.minutes, component.unit_price) == ("Follow-up", 45, 6500)


def test_nothing_nearby_gives_an_empty_plan_without_a_total():
    plan = assemble_plan("sciatica", *LONDON, 25, [])
    assert plan.components == () and plan.total is None and plan.currency is None
    assert "Physiotherapy" in plan.missing


def test_the_choice_is_deterministic_on_ties():
    same = [candidate(7, "Seven", {"physiotherapy"}), candidate(3, "Three", {"physiotherapy"})]
    assert assemble_plan("sciatica", *LONDON, 25, same).components[0].practitioner_id == 3
    assert assemble_plan("sciatica", *LONDON, 25, same[::-1]).components[0].practitioner_id == 3


@pytest.mark.parametrize("per_week, days", [(1, 7), (2, 4), (3, 2), (7, 1)])
def test_session_interval_follows_the_weekly_rhythm(per_week, days):
    assert session_interval_days(per_week) == days


def test_suggested_dates_follow_the_last_session_and_stay_within_validity():
    today = date(2026, 3, 2)
    assert suggest_dates(2, today=today, until=date(2026, 4, 1)) == [
        date(2026, 3, 3), date(2026, 3, 7), date(2026, 3, 11)]
    assert suggest_dates(2, today=today, until=date(2026, 4, 1), last=date(2026, 3, 5))[0] == date(2026, 3, 9)
    # Never before tomorrow, however long ago the last session was; never past validity.
    assert suggest_dates(1, today=today, until=date(2026, 3, 10), last=date(2026, 1, 1)) == [
        date(2026, 3, 3), date(2026, 3, 10)]
