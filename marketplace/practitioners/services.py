"""Building and changing a practitioner's listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from marketplace.extensions import db
from marketplace.geo.gazetteer import country_name
from marketplace.geo.service import GeocoderUnavailable, PlaceNotFound, PlaceResolver, whole_area_error
from marketplace.practitioners.models import Fee, Gender, Location, Practitioner, VenueType
from marketplace.taxonomy.models import Concern, Modality, Technique
from marketplace.taxonomy.services import by_slugs

# ISO 4217 codes we take payment in; all have two decimal places (minor units = 1/100).
CURRENCIES = ("INR", "USD", "GBP", "EUR", "AUD", "CAD", "SGD", "AED")
MAX_FEES = 20
MAX_LANGUAGES = 20


@dataclass(frozen=True)
class FeeInput:
    label: str
    minutes: int
    amount: int
    currency: str


@dataclass(frozen=True)
class ListingInput:
    display_name: str
    bio: str = ""
    modalities: Sequence[str] = ()
    techniques: Sequence[str] = ()
    concerns: Sequence[str] = ()
    languages: Sequence[str] = ()
    offers_online: bool = False
    years_in_practice: int | None = None
    uses_single_use_needles: bool = False
    fees: Sequence[FeeInput] = field(default_factory=tuple)
    country_code: str | None = None  # where they practise from (ISO 3166-1 alpha-2); optional
    # False: leave the stored country as it is (an API client written before the field existed)
    country_given: bool = True
    gender: str | None = None  # a Gender value, stated only if they choose to
    gender_given: bool = True  # False: leave the stored gender as it is, likewise


@dataclass(frozen=True)
class LocationInput:
    label: str
    venue_type: str
    address: str = ""
    city: str = ""
    country: str = ""
    lat: float | None = None
    lon: float | None = None


def listing_for(user: User) -> Practitioner | None:
    return db.session.scalar(select(Practitioner).where(Practitioner.user_id == user.id))


def get_practitioner(practitioner_id: int) -> Practitioner:
    practitioner = db.session.get(Practitioner, practitioner_id)
    if practitioner is None:
        raise NotFound(f"No practitioner {practitioner_id}.")
    return practitioner


def ensure_can_edit(actor: User, practitioner: Practitioner) -> None:
    """Only the owner and admins change a listing; raises Forbidden otherwise."""
    if not (actor.is_admin or practitioner.user_id == actor.id):
        raise Forbidden("Only the practitioner who owns this listing (or an admin) can change it.")


def _validate_fees(fees: Sequence[FeeInput], errors: dict[str, list[str]]) -> list[Fee]:
    rows: list[Fee] = []
    if len(fees) > MAX_FEES:
        errors.setdefault("fees", []).append(f"List at most {MAX_FEES} fees.")
        return rows
    seen: set[str] = set()
    for i, fee in enumerate(fees):
        key = f"fees.{i}"
        label = (fee.label or "").strip()
        if not label or len(label) > 80:
            errors.setdefault(f"{key}.label", []).append("Give a label of up to 80 characters (e.g. 'First consultation').")
        elif label.lower() in seen:
            errors.setdefault(f"{key}.label", []).append("Each fee needs its own label.")
        seen.add(label.lower())
        if not isinstance(fee.minutes, int) or not 5 <= fee.minutes <= 480:
            errors.setdefault(f"{key}.minutes", []).append("Sessions last between 5 and 480 minutes.")
        if not isinstance(fee.amount, int) or isinstance(fee.amount, bool) or not 0 <= fee.amount <= 100_000_000:
            errors.setdefault(f"{key}.amount", []).append(
                "Give the price in minor units (e.g. 4500 for 45.00), between 0 and 1,000,000.00.")
        currency = (fee.currency or "").strip().upper()
        if currency not in CURRENCIES:
            errors.setdefault(f"{key}.currency", []).append("Use one of: " + ", ".join(CURRENCIES) + ".")
        rows.append(Fee(position=i, label=label, minutes=fee.minutes, amount=fee.amount, currency=currency))
    return rows


def _clean_languages(languages: Sequence[str], errors: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for raw in languages:
        name = " ".join((raw or "").split())
        if not name:
            continue
        if len(name) > 40:
            errors.setdefault("languages", []).append(f"'{name[:40]}…' is too long for a language name.")
            continue
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name[0].upper() + name[1:])
    if len(out) > MAX_LANGUAGES:
        errors.setdefault("languages", []).append(f"List at most {MAX_LANGUAGES} languages.")
    return out


def _clean_country(code: str | None, errors: dict[str, list[str]]) -> str | None:
    """A declared country of practice: an ISO 3166-1 alpha-2 code the gazetteer knows
    (any case), or None when none is given."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if country_name(code) is None:
        errors["country_code"] = [f"'{code[:10]}' is not a country code: give two letters, e.g. IN or GB."]
        return None
    return code


def save_listing(owner: User, data: ListingInput, practitioner: Practitioner | None = None) -> Practitioner:
    """Create or replace the listing of ``owner`` (a practitioner account).

    Replaces every field, as a PUT does (the declared country only when
    ``data.country_given``). Raises ValidationFailed naming each bad field
    (unknown slugs, a technique whose modality is not listed, bad fees).
    """
    if owner.role is not Role.PRACTITIONER:
        raise Forbidden("Only practitioner accounts have a listing.")
    errors: dict[str, list[str]] = {}
    display_name = " ".join((data.display_name or "").split())
    if len(display_name) < 2 or len(display_name) > 120:
        errors["display_name"] = ["Give the name seekers will see (2 to 120 characters)."]
    bio = (data.bio or "").strip()
    if len(bio) > 5000:
        errors["bio"] = ["Keep the bio under 5,000 characters."]
    if data.years_in_practice is not None and not 0 <= data.years_in_practice <= 80:
        errors["years_in_practice"] = ["Give a number of years between 0 and 80."]
    resolved: dict[str, list] = {}
    for name, model in (("modalities", Modality), ("techniques", Technique), ("concerns", Concern)):
        try:
            resolved[name] = by_slugs(model, getattr(data, name), name)
        except ValidationFailed as exc:
            errors.update(exc.errors)
            resolved[name] = []
    listed = {m.id for m in resolved["modalities"]}
    orphans = [t.slug for t in resolved["techniques"] if t.modality_id not in listed]
    if orphans:
        errors.setdefault("techniques", []).append(
            "Add the modality for each technique first: " + ", ".join(orphans) + ".")
    languages = _clean_languages(data.languages, errors)
    country_code = _clean_country(data.country_code, errors)
    gender = None
    if data.gender:
        try:
            gender = Gender(data.gender)
        except ValueError:
            errors["gender"] = [f"Gender is one of {', '.join(g.value for g in Gender)}, or not stated."]
    fees = _validate_fees(data.fees, errors)
    if errors:
        raise ValidationFailed("The listing has some problems.", errors)

    practitioner = practitioner or listing_for(owner)
    if practitioner is None:
        practitioner = Practitioner(user=owner, display_name=display_name)
        db.session.add(practitioner)
    practitioner.display_name = display_name
    practitioner.bio = bio
    practitioner.years_in_practice = data.years_in_practice
    practitioner.offers_online = bool(data.offers_online)
    if data.country_given:
        practitioner.country_code = country_code
    if data.gender_given:
        practitioner.gender = gender
    practitioner.uses_single_use_needles = bool(data.uses_single_use_needles)
    practitioner.languages = languages
    practitioner.modalities = resolved["modalities"]
    practitioner.techniques = resolved["techniques"]
    practitioner.concerns = resolved["concerns"]
    practitioner.fees.clear()
    db.session.flush()
    practitioner.fees.extend(fees)
    db.session.flush()
    return practitioner


def add_location(practitioner: Practitioner, data: LocationInput, resolver: PlaceResolver) -> Location:
    """Add a place where the practitioner sees people, geocoded from its address or taken
    from ``lat``/``lon``.

    Raises ValidationFailed when the address cannot be resolved (with suggestions and the
    advice to give coordinates), or ServiceUnavailable when the geocoder is down.
    """
    values = _location_values(data, resolver, prefer=practitioner.home_country)
    location = Location(practitioner=practitioner, **values)
    db.session.add(location)
    db.session.flush()
    return location


# What moves a place: a booking made there keeps the address and clock it was given.
_WHERE = ("address", "city", "country", "lat", "lon", "timezone")


def update_location(practitioner: Practitioner, location_id: int, data: LocationInput, resolver: PlaceResolver,
                    *, keep_bookings: bool = False) -> Location:
    """Change a place: its name and kind at any time; its address or position (geocoded
    again only when they change). People with upcoming bookings there were given the old
    address, so moving it raises Conflict (409, as :func:`remove_location` does) unless
    ``keep_bookings``: those bookings then keep the address they were given."""
    location = get_location(practitioner, location_id)
    values = _location_values(data, resolver, location, prefer=practitioner.home_country)
    if any(values[k] != getattr(location, k) for k in _WHERE):
        _check_no_upcoming(location, keep_bookings, "move it anyway")
    for name, value in values.items():
        setattr(location, name, value)
    db.session.flush()
    return location


def _location_values(data: LocationInput, resolver: PlaceResolver, current: Location | None = None, *,
                     prefer: str = "") -> dict:
    """A location's columns from ``data``, validated, with the point and what the map calls
    it geocoded from the address or taken from ``lat``/``lon``; the ``current`` location's
    when its address (or point) is unchanged, so an edit of its name never looks it up.
    Without a country, a town several countries share is taken in ``prefer``, the
    practice's own country ("12 High St, Richmond" from a London practice)."""
    errors: dict[str, list[str]] = {}
    label = " ".join((data.label or "").split())
    if not label or len(label) > 120:
        errors["label"] = ["Name this location (e.g. 'Indiranagar clinic'), up to 120 characters."]
    try:
        venue = VenueType(data.venue_type)
    except ValueError:
        venue = None
        errors["venue_type"] = ["Choose one of: " + ", ".join(v.value for v in VenueType) + "."]
    address, city, country = (" ".join((v or "").split()) for v in (data.address, data.city, data.country))
    for name, value, limit in (("address", address, 300), ("city", city, 120), ("country", country, 120)):
        if len(value) > limit:
            errors[name] = [f"Use at most {limit} characters."]
    has_point = data.lat is not None or data.lon is not None
    if has_point:
        if data.lat is None or not -90 <= data.lat <= 90:
            errors["lat"] = ["Latitude must be between -90 and 90."]
        if data.lon is None or not -180 <= data.lon <= 180:
            errors["lon"] = ["Longitude must be between -180 and 180."]
    elif not (city or address):
        errors["city"] = ["Give the address and city, or the coordinates (lat, lon)."]
    if errors or venue is None:
        raise ValidationFailed("The location has some problems.", errors)

    values = dict(label=label, venue_type=venue, address=address, city=city, country=country)
    if current is not None and (
            (float(data.lat), float(data.lon)) == (current.lat, current.lon) if has_point  # type: ignore[arg-type]
            else (address, city, country) == (current.address, current.city, current.country)):
        return values | {k: getattr(current, k) for k in ("lat", "lon", "resolved_label", "country_code", "timezone")}
    if has_point:
        lat, lon = float(data.lat), float(data.lon)  # type: ignore[arg-type]
        nearest = resolver.nearest(lat, lon)
        resolved_label = f"{lat:.5f}, {lon:.5f}" + (f" (near {nearest.label})" if nearest else "")
        country_code, timezone = (nearest.country_code, nearest.timezone) if nearest else (None, None)
    else:
        query = ", ".join(part for part in (address, city, country) if part)
        if not address and (error := whole_area_error(query, "city")) is not None:
            raise error  # "Karnataka, India": a town in it, not the middle of the state
        try:
            place = resolver.resolve(query, prefer=None if country else prefer or None)
        except PlaceNotFound as exc:
            raise exc.as_field_error("address", "Check the city, or give the coordinates (lat, lon).") from None
        except GeocoderUnavailable:
            raise ServiceUnavailable(
                "The address lookup service is unavailable. Try again shortly, or give the coordinates (lat, lon)."
            ) from None
        lat, lon, resolved_label = place.lat, place.lon, place.label
        country_code, timezone = place.country_code, place.timezone
    return values | dict(lat=lat, lon=lon, resolved_label=resolved_label, country_code=country_code,
                         timezone=timezone)


def get_location(practitioner: Practitioner, location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None or location.practitioner_id != practitioner.id:
        raise NotFound(f"No location {location_id} on this listing.")
    return location


def upcoming_bookings_at(location: Location, now: datetime | None = None) -> list:
    """The bookings people still expect to keep at ``location``: active (an unexpired hold
    or a confirmed session) and not yet over; soonest first."""
    from marketplace.booking.models import Booking
    from marketplace.booking.queries import active_condition

    now = now or utcnow()
    return list(db.session.scalars(select(Booking).where(
        Booking.location_id == location.id, Booking.ends_at > now, active_condition(now)).order_by(Booking.starts_at)))


def _local(moment: datetime, zone: str) -> str:
    from marketplace.booking.slots import zone as zone_of

    tz = zone_of(zone)
    return f"{moment.astimezone(tz):%a %d %b %Y, %H:%M} ({tz.key})"


def remove_location(practitioner: Practitioner, location_id: int, *, keep_bookings: bool = False) -> int:
    """Take a place off the listing (search and booking stop offering it at once). People
    with upcoming bookings there would still come, so while there are any this raises
    Conflict (409, with ``upcoming_bookings`` and ``first_starts_at``) unless
    ``keep_bookings``: then the bookings stay as they are, with the address they were
    given. Returns how many upcoming bookings were kept."""
    location = get_location(practitioner, location_id)
    kept = _check_no_upcoming(location, keep_bookings, "remove the place anyway")
    practitioner.locations.remove(location)
    db.session.flush()
    return kept


def _check_no_upcoming(location: Location, keep_bookings: bool, anyway: str) -> int:
    """Conflict (409, with ``upcoming_bookings`` and ``first_starts_at``) while people have
    upcoming bookings at ``location``, unless ``keep_bookings``; returns how many there are."""
    upcoming = upcoming_bookings_at(location)
    if upcoming and not keep_bookings:
        n, first = len(upcoming), upcoming[0]
        raise Conflict(
            f"{n} upcoming booking{'s are' if n > 1 else ' is'} at {location.label}, the first on "
            f"{_local(first.starts_at, first.timezone)}. Move or cancel {'them' if n > 1 else 'it'} first, or "
            f"{anyway}: {'those bookings keep' if n > 1 else 'that booking keeps'} its address, "
            f"so {'those people' if n > 1 else 'that person'} will still come there.",
            extensions={"upcoming_bookings": n, "first_starts_at": first.starts_at.isoformat()})
    return len(upcoming)
