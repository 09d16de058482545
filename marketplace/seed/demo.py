"""Demo data: practitioners in six cities across India, the US and the UK, some verified
and some not, and one account per role. Running it twice changes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import create_admin, hash_password
from marketplace.core.clock import today, utcnow
from marketplace.extensions import db
from marketplace.practitioners.models import Location, Practitioner, VenueType
from marketplace.practitioners.services import FeeInput, ListingInput, save_listing
from marketplace.seed.documents import licence_pdf
from marketplace.taxonomy.models import Modality
from marketplace.taxonomy.services import load_defaults
from marketplace.verification.models import Credential, CredentialStatus, CredentialType
from marketplace.verification.storage import DocumentStorage, sniff

DEMO_PASSWORD = "demo-password-2026"
DEMO_DOMAIN = "demo.example.com"

# city, country, country code, lat, lon, timezone, currency, languages
CITIES = [
    ("Bengaluru", "India", "IN", 12.97194, 77.59369, "Asia/Kolkata", "INR", ["English", "Kannada", "Hindi"]),
    ("Mumbai", "India", "IN", 19.07283, 72.88261, "Asia/Kolkata", "INR", ["English", "Marathi", "Hindi"]),
    ("Delhi", "India", "IN", 28.65195, 77.23149, "Asia/Kolkata", "INR", ["English", "Hindi", "Punjabi"]),
    ("New York City", "United States", "US", 40.71427, -74.00597, "America/New_York", "USD", ["English", "Spanish"]),
    ("San Francisco", "United States", "US", 37.77493, -122.41942, "America/Los_Angeles", "USD", ["English", "Mandarin"]),
    ("London", "United Kingdom", "GB", 51.50853, -0.12574, "Europe/London", "GBP", ["English", "Polish"]),
    ("Manchester", "United Kingdom", "GB", 53.48095, -2.23743, "Europe/London", "GBP", ["English", "Urdu"]),
]

# modality → (credential type, issuing body by country, techniques, concerns)
PROFILES = {
    "acupuncture": (CredentialType.LICENSED_ACUPUNCTURIST,
                    {"IN": "Indian Academy of Acupuncture Science", "US": "NCCAOM",
                     "GB": "British Acupuncture Council"},
                    ["traditional-acupuncture", "electro-acupuncture", "dry-needling", "moxibustion"],
                    ["back-spasm", "chronic-low-back-pain", "sciatica", "neck-shoulder-tension"]),
    "physiotherapy": (CredentialType.PHYSIOTHERAPIST,
                      {"IN": "Indian Association of Physiotherapists", "US": "State Board of Physical Therapy",
                       "GB": "Health and Care Professions Council"},
                      ["exercise-therapy", "spinal-mobilisation", "posture-training", "core-strengthening"],
                      ["chronic-low-back-pain", "disc-related-pain", "sports-injury", "posture-desk-pain",
                       "post-accident-pain"]),
    "ayurveda": (CredentialType.AYURVEDIC_DOCTOR,
                 {"IN": "Central Council of Indian Medicine", "US": "National Ayurvedic Medical Association",
                  "GB": "Ayurvedic Professionals Association"},
                 ["abhyanga", "kati-basti", "herbal-naturopathy-care"],
                 ["chronic-low-back-pain", "arthritis-back-pain", "stress-tension", "recurring-back-spasm"]),
    "massage": (CredentialType.MASSAGE_THERAPIST,
                {"IN": "Indian Massage Therapy Association", "US": "NCBTMB",
                 "GB": "Complementary and Natural Healthcare Council"},
                ["deep-tissue-massage", "sports-massage", "medical-massage", "prenatal-massage"],
                ["back-spasm", "it-band-tightness", "pregnancy-postnatal-back-pain", "upper-back-pain",
                 "piriformis-syndrome"]),
    "cupping": (CredentialType.OTHER,
                {"IN": "Indian Board of Alternative Medicines", "US": "International Cupping Therapy Association",
                 "GB": "British Cupping Society"},
                ["cupping"], ["neck-shoulder-tension", "upper-back-pain", "fibromyalgia"]),
}

# Practitioners with no place, online only: country code, country, currency, languages,
# modality, techniques that work over video, name.
ONLINE_ONLY = [
    ("GB", "United Kingdom", "GBP", ["English"], "physiotherapy", ["exercise-therapy", "posture-training"],
     "Hannah Price (online physio)"),
    ("IN", "India", "INR", ["English", "Hindi"], "ayurveda", ["herbal-naturopathy-care"],
     "Dr. Kavya Menon (online Ayurveda)"),
]

FIRST = ["Asha", "Ravi", "Meera", "Arjun", "Priya", "Karan", "Sarah", "James", "Emily", "Daniel", "Olivia",
         "Wei", "Lucia", "Tom", "Fatima", "Noah", "Ananya", "Vikram", "Grace", "Omar", "Isla", "Leo"]
LAST = ["Rao", "Sharma", "Iyer", "Patel", "Chen", "Smith", "Johnson", "Brown", "Khan", "Garcia", "Evans",
        "Nair", "Kapoor", "Walker", "Lee", "Murphy", "Singh", "Wright"]
# The gender the demo practitioners of each first name state (one in five states none; "Wei"
# is a woman's name and a man's).
WOMEN = {"Asha", "Meera", "Priya", "Sarah", "Emily", "Olivia", "Lucia", "Fatima", "Ananya", "Grace", "Isla", "Hannah",
         "Kavya"}
MEN = {"Ravi", "Arjun", "Karan", "James", "Daniel", "Tom", "Noah", "Vikram", "Omar", "Leo"}
VENUES = [VenueType.CLINIC, VenueType.WELLNESS_SPA, VenueType.HOSPITAL, VenueType.HOME_VISIT, VenueType.RETREAT]


@dataclass
class DemoSummary:
    practitioners: int = 0
    verified: int = 0
    cities: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def _user(email: str, role: Role) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=hash_password(DEMO_PASSWORD), role=role)
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo(upload_folder: str, per_city: int = 5, seed: int = 7) -> DemoSummary:
    """Create the demo data set (idempotent: existing demo users are left as they are)."""
    load_defaults()
    rng = random.Random(seed)
    storage = DocumentStorage(upload_folder)
    modalities = {m.slug: m for m in db.session.scalars(select(Modality))}
    summary = DemoSummary(cities=len(CITIES))

    admin_email = f"admin@{DEMO_DOMAIN}"
    if db.session.scalar(select(User).where(User.email == admin_email)) is None:
        create_admin(admin_email, DEMO_PASSWORD)
    admin = db.session.scalar(select(User).where(User.email == admin_email))
    _user(f"seeker@{DEMO_DOMAIN}", Role.SEEKER)
    summary.accounts = [("admin", admin_email, DEMO_PASSWORD), ("seeker", f"seeker@{DEMO_DOMAIN}", DEMO_PASSWORD)]

    number = 0
    for city, country, cc, lat, lon, tz, currency, languages in CITIES:
        for i in range(per_city):
            number += 1
            email = f"practitioner{number}@{DEMO_DOMAIN}"
            existing = db.session.scalar(select(User).where(User.email == email))
            if number == 1:
                summary.accounts.append(("practitioner", email, DEMO_PASSWORD))
            if existing is not None:
                summary.practitioners += 1
                continue
            user = _user(email, Role.PRACTITIONER)
            main = list(PROFILES)[(number + i) % len(PROFILES)]
            extra = rng.choice([m for m in PROFILES if m != main]) if rng.random() < 0.4 else None
            chosen = [main] + ([extra] if extra else [])
            techniques = sorted({t for m in chosen for t in PROFILES[m][2][: rng.randint(1, len(PROFILES[m][2]))]})
            concerns = sorted({c for m in chosen for c in PROFILES[m][3]})
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            years = rng.randint(2, 25)
            practitioner = save_listing(user, ListingInput(
                display_name=f"Dr. {name}" if main in ("ayurveda", "physiotherapy") and rng.random() < 0.5 else name,
                bio=(f"{years} years treating back pain and muscle spasm in {city}. "
                     f"I combine {' and '.join(modalities[m].name.lower() for m in chosen)} with advice you can "
                     "use at home, and I work alongside your doctor where needed."),
                modalities=chosen, techniques=techniques, concerns=concerns,
                languages=languages[: rng.randint(1, len(languages))],
                offers_online=rng.random() < 0.45, years_in_practice=years, country_code=cc,
                gender=None if number % 5 == 0 else _gender_of(name),
                uses_single_use_needles="acupuncture" in chosen,
                fees=[
                    FeeInput("First consultation", 60, _price(currency, 60, rng), currency),
                    FeeInput("Follow-up session", 45, _price(currency, 45, rng), currency),
                ],
            ))
            venue = VENUES[(number + i) % len(VENUES)]
            dlat, dlon = rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)
            db.session.add(Location(
                practitioner=practitioner, label=f"{city} {venue.label.lower()}", venue_type=venue,
                address=f"{rng.randint(1, 240)} {rng.choice(['Main', 'High', 'Park', 'Market', 'Lake'])} "
                        f"{rng.choice(['Road', 'Street', 'Avenue'])}",
                city=city, country=country, lat=round(lat + dlat, 5), lon=round(lon + dlon, 5),
                resolved_label=f"{city}, {country}", country_code=cc, timezone=tz,
            ))
            # Mostly verified; the rest show every other state an admin meets.
            state = "approved" if i < 3 else ("pending" if i == 3 else rng.choice(["rejected", "expired"]))
            _credentials(practitioner, chosen, state, f"{name} - {city}", cc, country, number, admin, storage, rng,
                         modalities)
            summary.practitioners += 1
            summary.verified += state == "approved"
    # Video consultations only, from a declared country: seekers there see them with the
    # local practitioners, seekers elsewhere see them marked as based abroad.
    for cc, country, currency, languages, modality, techniques, name in ONLINE_ONLY:
        number += 1
        email = f"practitioner{number}@{DEMO_DOMAIN}"
        summary.practitioners += 1
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            continue
        practitioner = save_listing(_user(email, Role.PRACTITIONER), ListingInput(
            display_name=name, bio=f"Video consultations only, from {country}: {modalities[modality].name.lower()} "
                                   "for back pain and muscle spasm, with exercises you can do at home.",
            modalities=[modality], techniques=techniques, concerns=PROFILES[modality][3],
            languages=languages, offers_online=True, years_in_practice=9, country_code=cc,
            gender=_gender_of(name.removeprefix("Dr. ")),
            fees=[FeeInput("Video consultation", 45, _price(currency, 45, rng), currency)],
        ))
        _credentials(practitioner, [modality], "approved", f"{name} - online", cc, country, number, admin, storage,
                     rng, modalities)
        summary.verified += 1
    db.session.flush()
    from marketplace.booking.demo import seed_hours

    seed_hours()
    from marketplace.packages.demo import seed_packages

    seed_packages()
    return summary


def _credentials(practitioner: Practitioner, chosen: list[str], state: str, who: str, cc: str, country: str,
                 number: int, admin: User, storage: DocumentStorage, rng: random.Random,
                 modalities: dict[str, Modality]) -> None:
    """One credential per modality, in ``state`` (approved, pending, rejected or expired)."""
    for modality in chosen:
        ctype, bodies, _, _ = PROFILES[modality]
        doc = sniff(licence_pdf(f"{ctype.label} - {who}"), 10 * 1024 * 1024)
        issued = today() - timedelta(days=rng.randint(200, 3000))
        expires = today() + timedelta(days=rng.choice([20, 200, 400, 700]))
        credential = Credential(
            practitioner=practitioner, type=ctype, number=f"{cc}-{modality[:3].upper()}-{10000 + number}",
            issuing_body=bodies[cc], jurisdiction=country, issued_on=issued, expires_on=expires,
            modalities=[modalities[modality]], document_key=storage.save(doc), document_mime=doc.mime,
            document_size=len(doc.content), document_sha256=doc.sha256,
            document_filename=f"{modality}-licence.pdf",
        )
        if state == "approved":
            credential.status = CredentialStatus.APPROVED
            credential.reviewed_by, credential.reviewed_at = admin, utcnow()
        elif state == "rejected":
            credential.status = CredentialStatus.REJECTED
            credential.reviewed_by, credential.reviewed_at = admin, utcnow()
            credential.rejection_reason = "The document is unreadable; upload a clearer scan."
        elif state == "expired":
            credential.status = CredentialStatus.EXPIRED
            credential.issued_on = today() - timedelta(days=1200)
            credential.expires_on = today() - timedelta(days=rng.randint(1, 60))
        db.session.add(credential)


def _price(currency: str, minutes: int, rng: random.Random) -> int:
    """A plausible price in minor units, rounded the way clinics round."""
    base = {"INR": 1500_00, "USD": 110_00, "GBP": 75_00}.get(currency, 80_00)
    value = base * minutes // 60 * rng.randint(80, 130) // 100
    step = 100_00 if currency == "INR" else 5_00
    return max(step, value // step * step)


def _gender_of(name: str) -> str | None:
    first = name.split()[0]
    return "woman" if first in WOMEN else "man" if first in MEN else None
