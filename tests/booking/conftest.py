"""Booking tests start at a fixed moment (see helpers.NOW) with a bookable practitioner."""

from __future__ import annotations

import pytest

from tests.booking.helpers import NOW, london_practitioner, make_seeker, set_hours


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    """The clock pinned at Wednesday 25 March 2026, 08:00 UTC; move it with ``frozen_clock``."""
    frozen_clock(NOW)
    return NOW


@pytest.fixture
def practitioner(app, now):  # noqa: ANN001, ANN201
    """A verified London practitioner: clinic Mon–Fri 09:00–17:00, online 18:00–20:00."""
    p = london_practitioner(app)
    set_hours(p)
    return p


@pytest.fixture
def seeker(app):  # noqa: ANN001, ANN201
    return make_seeker()
