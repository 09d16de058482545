"""The package journey in a real browser: a seeker finds a combined package for
sciatica in London, reserves it, and once it is paid books its first two sessions with
two different practitioners; each practitioner sees their booking.

Paying is its own journey (tests/browser/test_payment_journey.py); here the reservation
is activated the way a successful payment does, through ``enrollments.activate``, to
keep this journey about finding and scheduling a combined package.
"""

import re

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.packages import enrollments
from marketplace.packages.models import Enrollment
from tests.builders import PASSWORD, make_user
from tests.packages.helpers import SOHO, open_every_day, package, practitioner

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password=PASSWORD):  # noqa: ANN001
    page.goto(f"{base}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def book_next(page, therapy):  # noqa: ANN001
    page.get_by_role("link", name=f"Schedule next {therapy} session").click()
    page.wait_for_load_state()
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Book this session").click()
    page.wait_for_load_state()
    assert "Booked:" in page.content()


def test_seeker_books_a_combined_package_with_two_practitioners(app, live_server, browser, page):
    base = live_server
    asha = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    ben = practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)
    for p in (asha, ben):
        open_every_day(p)
    package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000,
            name="Sciatica relief: acupuncture and physio")
    seeker = make_user(Role.SEEKER, email="sam@example.com")
    # Load the offline gazetteer now (a few seconds, once per process) rather than inside
    # the first page's request, which on a busy machine would outlast the browser's timeout.
    app.extensions["place_resolver"].resolve("London")

    # The seeker finds the package for sciatica in London.
    page.goto(f"{base}/packages")
    page.select_option("#filter-concern", "sciatica")
    page.fill("#filter-near", "London")
    page.get_by_role("button", name="Show packages").click()
    page.wait_for_load_state()
    card = page.locator(".package-card").first
    assert "Combined package from 2 verified practitioners" in card.inner_text()
    assert "save £170.00 (27%)" in card.inner_text()
    card.get_by_role("link", name="Sciatica relief: acupuncture and physio").click()
    page.wait_for_load_state()
    assert "with Asha Rao" in page.content() or "Asha Rao" in page.content()

    # …signs in and reserves it.
    page.get_by_role("link", name="Sign in to reserve").click()
    page.fill("input[name=email]", seeker.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Reserve this package").click()
    page.wait_for_load_state()
    assert "Reserved, waiting for payment" in page.content()

    # Payment happens outside this journey (no online payment yet): activate as payments will.
    enrollment = db.session.scalar(db.select(Enrollment))
    enrollments.activate(enrollment)
    db.session.commit()

    page.reload()
    assert re.search(r"0</strong> of 10 sessions used", page.content())
    book_next(page, "acupuncture")
    book_next(page, "physiotherapy")
    upcoming = page.locator(".enrollment ul.plain").first.inner_text()
    assert "Acupuncture with Asha Rao" in upcoming and "Physiotherapy with Ben Okafor" in upcoming

    db.session.expire_all()
    booked = {s.practitioner_id: s.booking for s in db.session.scalar(db.select(Enrollment)).sessions if s.booking}
    assert set(booked) == {asha.id, ben.id}

    # Each practitioner sees their own booking, and only theirs.
    for who, other in ((asha, ben), (ben, asha)):
        context = browser.new_context()
        own = context.new_page()
        sign_in(own, base, who.user.email)
        own.goto(f"{base}/practitioner/packages")
        section = own.locator("section", has=own.get_by_role("heading", name="Package sessions booked with you"))
        assert "sam@example.com" in section.inner_text()
        assert "Sciatica relief: acupuncture and physio" in section.inner_text()
        day = booked[who.id].starts_at.date().isoformat()
        own.goto(f"{base}/practitioner/schedule?view=day&date={day}")
        assert "sam@example.com" in own.content()
        other_day = booked[other.id].starts_at.date().isoformat()
        if other_day != day:
            own.goto(f"{base}/practitioner/schedule?view=day&date={other_day}")
            assert "sam@example.com" not in own.content()
        context.close()
