"""Import every model so SQLAlchemy metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import ApiToken, Role, User  # noqa: F401
from marketplace.audit.models import AuditEntry  # noqa: F401
from marketplace.notifications.models import Notification  # noqa: F401
from marketplace.practitioners.models import Fee, Location, Practitioner  # noqa: F401
from marketplace.taxonomy.models import Concern, Modality, Technique  # noqa: F401
from marketplace.verification.models import Credential  # noqa: F401
