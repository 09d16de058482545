"""Builders for test data. They go through the services where the services have rules,
so tests start from states the product can really reach, and commit like a request does."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import date, timedelta
from typing import Iterable

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import hash_password
from marketplace.core.clock import today, utcnow
from marketplace.extensions import db
from marketplace.geo.gazetteer import OfflineGazetteer
from marketplace.practitioners.models import Location, Practitioner, VenueType
from marketplace.practitioners.services import FeeInput, ListingInput, save_listing
from marketplace.seed.documents import licence_pdf
from marketplace.taxonomy.models import Modality
from marketplace.taxonomy.services import by_slugs
from marketplace.verification.models import Credential, CredentialStatus, CredentialType
from marketplace.verification.storage import DocumentStorage, sniff

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


@functools.lru_cache(maxsize=8)
def _hashed(password: str) -> str:
    """scrypt is slow on purpose; one hash per password is enough for test accounts."""
    return hash_password(password)


def make_user(role: Role | str = Role.SEEKER, email: str | None = None, password: str = PASSWORD) -> User:
    role = Role(role)
    user = User(email=email or f"{role.value}{next(_seq)}@example.com", password_hash=_hashed(password), role=role)
    db.session.add(user)
    db.session.commit()
    return user


def make_admin(email: str | None = None) -> User:
    return make_user(Role.ADMIN, email)


def make_practitioner(
    user: User | None = None,
    *,
    display_name: str = "Asha Rao",
    modalities: Iterable[str] = ("acupuncture",),
    techniques: Iterable[str] = (),
    concerns: Iterable[str] = ("back-spasm",),
    languages: Iterable[str] = ("English",),
    offers_online: bool = False,
    fees: Iterable[tuple[str, int, int, str]] = (("First consultation", 60, 150000, "INR"),),
    city: str | None = "Bengaluru",
    lat: float = 12.9716,
    lon: float = 77.5946,
    venue_type: VenueType = VenueType.CLINIC,
    country_code: str | None = None,
    gender: str | None = None,
    years_in_practice: int | None = 8,
) -> Practitioner:
    """A practitioner account with a listing and (unless ``city`` is None) one location;
    ``country_code`` is the country they declare they practise from, ``gender`` the one
    they state (a Gender value; None: not stated)."""
    user = user or make_user(Role.PRACTITIONER)
    practitioner = save_listing(user, ListingInput(
        display_name=display_name, bio="Treats back pain.", modalities=tuple(modalities),
        techniques=tuple(techniques), concerns=tuple(concerns), languages=tuple(languages),
        offers_online=offers_online, years_in_practice=years_in_practice,
        fees=tuple(FeeInput(*fee) for fee in fees), country_code=country_code, gender=gender,
    ))
    if city:
        # The country the point lies in, as the geocoder gives it for a real address.
        where = OfflineGazetteer().reverse((lat, lon)).raw["countrycode"]
        db.session.add(Location(practitioner=practitioner, label=f"{city} clinic", venue_type=venue_type,
                                address="12 MG Road", city=city, country="", lat=lat, lon=lon,
                                resolved_label=city, country_code=where))
    db.session.commit()
    return practitioner


def make_credential(
    app: Flask,
    practitioner: Practitioner,
    *,
    status: CredentialStatus | str = CredentialStatus.PENDING,
    modalities: Iterable[str] | None = None,
    issued_on: date | None = None,
    expires_on: date | None = None,
    type: CredentialType = CredentialType.LICENSED_ACUPUNCTURIST,
    reviewer: User | None = None,
) -> Credential:
    """A credential with a real stored PDF, in any review state (set directly, as if an
    admin had acted earlier)."""
    status = CredentialStatus(status)
    slugs = list(modalities) if modalities is not None else [m.slug for m in practitioner.modalities]
    doc = sniff(licence_pdf(f"Licence for {practitioner.display_name}"), app.config["MAX_DOCUMENT_BYTES"])
    credential = Credential(
        practitioner=practitioner, type=type, number=f"LIC-{next(_seq):05d}", issuing_body="State Board",
        jurisdiction="Karnataka", issued_on=issued_on or today() - timedelta(days=400),
        expires_on=expires_on or today() + timedelta(days=365), status=status,
        modalities=by_slugs(Modality, slugs, "modalities"),
        document_key=DocumentStorage(app.config["UPLOAD_FOLDER"]).save(doc), document_mime=doc.mime,
        document_size=len(doc.content), document_sha256=doc.sha256, document_filename="licence.pdf",
    )
    if status is not CredentialStatus.PENDING:
        credential.reviewed_at = utcnow()
        credential.reviewed_by = reviewer
    if status is CredentialStatus.REJECTED:
        credential.rejection_reason = "Unreadable scan."
    db.session.add(credential)
    db.session.commit()
    return credential


def make_verified_practitioner(app: Flask, **kwargs) -> Practitioner:  # noqa: ANN003
    practitioner = make_practitioner(**kwargs)
    make_credential(app, practitioner, status=CredentialStatus.APPROVED)
    return practitioner


# --- signing in ----------------------------------------------------------------------------

def login(client: FlaskClient, user: User) -> None:
    """Sign ``user`` in on ``client`` through the session cookie (as Flask-Login does)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, url: str = "/account/login") -> str:
    """The CSRF token a browser would post, read from the form on ``url``."""
    html = client.get(url).get_data(as_text=True)
    match = _CSRF_RE.search(html)
    assert match, f"no csrf_token field on {url}"
    return match.group(1) or match.group(2)


def bearer(client: FlaskClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    """Headers carrying a fresh API token for ``user`` (asked for from a cookie-less client,
    as an API client would)."""
    response = client.application.test_client().post("/api/v1/auth/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
