"""Fixtures for the matching-data tests: an admin signed in on the client, or holding an
API token."""

from __future__ import annotations

import pytest

from tests.builders import bearer, login, make_admin


@pytest.fixture
def admin(app):
    return make_admin()


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    client.user = admin
    return client


@pytest.fixture
def admin_headers(client, admin):
    return bearer(client, admin)
