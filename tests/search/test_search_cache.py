"""Identical searches share one cached answer; any change to what search shows retires it
at once. (CACHE_TYPE is SimpleCache here, one per test app; with REDIS_URL the same code
runs on Redis.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from marketplace.extensions import db
from marketplace.search.index import indexed_blocks, stamp_blocks
from marketplace.search.models import SearchProfile, UrgentOutcome
from marketplace.verification.models import CredentialStatus
from tests.booking.helpers import NOW, london_practitioner, set_hours
from tests.builders import make_credential, make_practitioner, make_verified_practitioner

PARAMS = {"concern": "sciatica", "lat": 12.9716, "lon": 77.5946, "mode": "in_person"}


def search(client, **params) -> dict:  # noqa: ANN001
    response = client.get("/api/v1/search", query_string={**PARAMS, **params})
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/json"
    return response.get_json()


def names(body: dict) -> list[str]:
    return [r["practitioner"]["display_name"] for r in body["results"]]


@pytest.fixture
def physio(app):  # noqa: ANN001, ANN201
    return make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), lat=12.975, lon=77.59)


def sneak_rename(practitioner_id: int, name: str) -> None:
    """Change the index behind the answer cache's back: the row and its blocks' stamps (so
    each process's memory of cells reads it again, as after any index write) but no
    rebuild, so no version bump. Only a fresh computation can show the new name, a cached
    answer still shows the old one."""
    db.session.execute(update(SearchProfile).where(SearchProfile.practitioner_id == practitioner_id)
                       .values(display_name=name))
    stamp_blocks(db.session, indexed_blocks(db.session, [practitioner_id]))
    db.session.commit()


def test_a_repeated_search_is_answered_from_the_cache(app, client, physio):
    first = search(client)
    assert names(first) == ["Meera Physio"]
    sneak_rename(physio.id, "Renamed Underneath")
    assert search(client) == first  # served from the cache
    app.config["SEARCH_CACHE_SECONDS"] = 0
    assert names(search(client)) == ["Renamed Underneath"]  # with the cache off, computed afresh


def test_a_listing_edit_shows_in_the_very_next_search(client, physio):
    assert names(search(client)) == ["Meera Physio"]
    physio.display_name = "Meera Rao, Physiotherapist"
    db.session.commit()
    assert names(search(client)) == ["Meera Rao, Physiotherapist"]


def test_a_verification_decision_shows_in_the_very_next_search(app, client, physio):
    newcomer = make_practitioner(display_name="New Physio", modalities=("physiotherapy",), concerns=("sciatica",),
                                 lat=12.972, lon=77.595)
    credential = make_credential(app, newcomer)
    assert names(search(client)) == ["Meera Physio"]
    credential.status = CredentialStatus.APPROVED
    db.session.commit()
    assert sorted(names(search(client))) == ["Meera Physio", "New Physio"]


def test_a_suspension_shows_in_the_very_next_search(client, physio):
    assert names(search(client)) == ["Meera Physio"]
    physio.is_suspended = True
    db.session.commit()
    body = search(client)
    assert body["results"] == [] and body["total"] == 0


def test_different_parameters_never_share_an_answer(app, client, physio):
    make_verified_practitioner(app, display_name="Second Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), lat=13.05, lon=77.60)
    both = search(client)
    assert names(both) == ["Meera Physio", "Second Physio"]
    assert names(search(client, per_page=1)) == ["Meera Physio"]
    assert names(search(client, per_page=1, page=2)) == ["Second Physio"]
    assert names(search(client, radius_km=3)) == ["Meera Physio"]
    assert names(search(client, concern="fibromyalgia", modality="physiotherapy")) == ["Meera Physio",
                                                                                     "Second Physio"]
    assert search(client, language="Klingon")["results"] == []
    assert search(client, cautions="pregnancy")["cautions"] == ["pregnancy"]
    assert search(client) == both


def test_an_answer_outlives_the_turn_of_the_minute(client, physio, frozen_clock):
    """An answer once lived only until its minute turned, however long it had to live."""
    frozen_clock(datetime(2026, 11, 23, 9, 0, 50, tzinfo=timezone.utc))
    first = search(client)
    sneak_rename(physio.id, "Renamed Underneath")
    frozen_clock(datetime(2026, 11, 23, 9, 1, 5, tzinfo=timezone.utc))
    assert search(client) == first


def test_an_answer_lives_no_longer_than_the_first_next_opening_it_shows(app, client, frozen_clock):
    """Lena's 09:00 opening holds until her hour's notice begins, at 08:00: an answer given
    a few seconds before is kept until then, not for the cache's five minutes."""
    lena = london_practitioner(app, modalities=("physiotherapy",), concerns=("sciatica",))
    set_hours(lena)  # Mon–Fri 09:00–17:00, an hour's notice
    frozen_clock(NOW - timedelta(seconds=5))
    london = {"lat": 51.5085, "lon": -0.1257}
    first = search(client, **london)
    assert first["results"][0]["next_available"].startswith("2026-03-25T09:00")
    sneak_rename(lena.id, "Renamed Underneath")
    assert search(client, **london) == first  # kept...
    frozen_clock(NOW + timedelta(seconds=1))
    again = search(client, **london)  # ...but not past 08:00
    assert names(again) == ["Renamed Underneath"]
    assert not again["results"][0]["next_available"].startswith("2026-03-25T09:00")


def test_an_answer_given_in_the_last_seconds_of_a_licence_is_not_kept_past_them(app, client, frozen_clock):
    """Licences lapse at the end of their expiry day (UTC): the next search, a moment
    later, must not list the practitioner from a kept answer."""
    frozen_clock(datetime(2026, 11, 23, 23, 59, 50, tzinfo=timezone.utc))
    lapsing = make_practitioner(display_name="Lapsing Physio", modalities=("physiotherapy",),
                                concerns=("sciatica",), lat=12.975, lon=77.59)
    make_credential(app, lapsing, status=CredentialStatus.APPROVED, expires_on=date(2026, 11, 23))
    assert names(search(client)) == ["Lapsing Physio"]
    frozen_clock(datetime(2026, 11, 24, 0, 0, 0, 100_000, tzinfo=timezone.utc))
    assert search(client)["results"] == []


def test_every_urgent_search_is_counted_even_when_repeated(client, physio):
    for _ in range(3):
        assert search(client, red_flags="fever")["urgent"] is True
    assert db.session.scalar(select(UrgentOutcome.count).where(UrgentOutcome.red_flag == "fever")) == 3


def test_the_search_page_shares_outcomes_and_shows_edits_at_once(app, client, physio):
    def page() -> str:
        response = client.get("/search", query_string={"concern": "sciatica", "near": "Bengaluru"})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert "Meera Physio" in page()
    sneak_rename(physio.id, "Renamed Underneath")
    assert "Meera Physio" in page()  # the shared outcome
    physio.display_name = "Meera Rao, Physiotherapist"
    db.session.commit()
    html = page()
    assert "Meera Rao, Physiotherapist" in html and "Meera Physio" not in html


def test_urgent_page_searches_are_counted_every_time(client, physio):
    for _ in range(2):
        response = client.get("/search", query_string={"concern": "sciatica", "near": "Bengaluru",
                                                       "red_flags": "fever"})
        assert response.status_code == 200
    assert db.session.scalar(select(UrgentOutcome.count).where(UrgentOutcome.red_flag == "fever")) == 2


def test_production_without_redis_computes_every_answer(app, client, physio):
    """Several gunicorn processes each with their own in-process cache could not retire
    each other's answers after a suspension: production caches answers only in Redis."""
    app.config.update(MARKETPLACE_ENV="production", CACHE_TYPE="SimpleCache")
    assert names(search(client)) == ["Meera Physio"]
    sneak_rename(physio.id, "Renamed Underneath")
    assert names(search(client)) == ["Renamed Underneath"]


def test_a_booking_that_takes_the_next_opening_shown_is_never_served_from_a_kept_answer(app, client, frozen_clock):
    """Lena's first opening is 09:30 (an hour's notice from 08:15). Someone books it: the
    answer kept a moment ago would still offer it, so the next search is worked out again
    and offers her next free time, and that answer is kept in its turn."""
    from tests.booking.helpers import confirmed_at, local, make_seeker

    lena = london_practitioner(app, modalities=("physiotherapy",), concerns=("sciatica",))
    set_hours(lena, min_notice_minutes=60)
    # (At 08:15 the answer holds until 08:30, when 09:30 falls inside the notice. At 08:30
    # itself it would be kept for the one second the cache rounds up to: a slow machine
    # would then compute the "kept" answer afresh.)
    frozen_clock(NOW + timedelta(minutes=15))
    london = {"lat": 51.5085, "lon": -0.1257}
    first = search(client, **london)
    assert first["results"][0]["next_available"] == "2026-03-25T09:30:00Z"
    assert search(client, **london) == first  # kept
    confirmed_at(make_seeker(), lena, local(2026, 3, 25, 9, 30), fee_label="Short session")
    again = search(client, **london)
    assert again["results"][0]["next_available"] == "2026-03-25T10:00:00Z"
    sneak_rename(lena.id, "Renamed Underneath")
    assert search(client, **london) == again  # the new answer is kept in its turn


def test_a_change_that_rolls_back_leaves_kept_answers_served(app, client, frozen_clock):
    from tests.booking.helpers import hold_at, local, make_seeker

    lena = london_practitioner(app, modalities=("physiotherapy",), concerns=("sciatica",))
    set_hours(lena)
    # (08:15: the first opening, 09:30, is outside the hour's notice for a quarter of an hour,
    # so the answer is kept that long. At 08:30 it would lapse at once, kept for the second
    # the cache rounds up to, and a slow machine would compute the second answer afresh.)
    frozen_clock(NOW + timedelta(minutes=15))
    london = {"lat": 51.5085, "lon": -0.1257}
    first = search(client, **london)
    hold_at(make_seeker(), lena, local(2026, 3, 25, 10), commit=False)
    db.session.rollback()
    sneak_rename(lena.id, "Renamed Underneath")
    assert search(client, **london) == first


def test_a_course_of_care_put_on_sale_or_withdrawn_shows_in_the_very_next_search(app, client):
    from marketplace.packages import services as packages
    from tests.packages.helpers import package, practitioner

    physio = practitioner(app, "Priya Physio", "physiotherapy")
    params = {"lat": 51.5074, "lon": -0.1278}
    assert search(client, **params)["results"][0]["packages"] == []
    course = package(physio, [(physio, "physiotherapy", 4, 45)], price=20000)
    assert [p["id"] for p in search(client, **params)["results"][0]["packages"]] == [course.id]
    packages.withdraw(physio, course)
    db.session.commit()
    assert search(client, **params)["results"][0]["packages"] == []


def test_a_stamp_told_for_a_practitioner_shown_retires_the_answer_and_one_told_for_another_does_not(app):
    from marketplace.search import answers

    with app.test_request_context():
        kept = ((1, 111), (2, 222))
        assert answers.still_shown(kept)  # nothing told: nothing changed since
        answers.restamped({3: 333})
        assert answers.still_shown(kept)
        answers.restamped({2: 222})  # told the very stamp the answer read
        assert answers.still_shown(kept)
        answers.restamped({2: 999})
        assert not answers.still_shown(kept)
        assert answers.still_shown(())
