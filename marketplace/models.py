"""Import every model so SQLAlchemy metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import ApiToken, Role, User  # noqa: F401
from marketplace.audit.models import AuditEntry  # noqa: F401
from marketplace.booking.models import (  # noqa: F401
    AvailabilityException, AvailabilityStamp, Booking, BookingSettings, WeeklyHours,
)
from marketplace.notifications.models import Notification  # noqa: F401
from marketplace.packages.models import (  # noqa: F401
    Enrollment, EnrollmentSession, EnrollmentShare, Package, PackageComponent, PackagePartner,
)
from marketplace.practitioners.models import Fee, Location, Practitioner  # noqa: F401
from marketplace.taxonomy.models import Concern, Modality, Technique  # noqa: F401
from marketplace.taxonomy.models import ConcernPhrase, MatchingDataVersion, RelevanceWeight  # noqa: F401
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile, SearchStamp, UrgentOutcome  # noqa: F401
from marketplace.verification.models import Credential  # noqa: F401

# The search index keeps itself current through session hooks registered on import.
from marketplace.search import index as _search_index  # noqa: F401, E402
# So do the stamps that retire the next openings web processes keep in memory.
from marketplace.booking import openings as _openings  # noqa: F401, E402
from marketplace.payments.models import (  # noqa: F401, E402
    LedgerEntry, Order, OrderShare, PayoutAccount, Refund, StripeEvent, Transfer,
)
