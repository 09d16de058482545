"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db


def record(actor: User | None, action: str, subject_type: str, subject_id: int,
           reason: str | None = None, **details: Any) -> AuditEntry:
    """Append one decision to the log (``actor`` None means the system did it)."""
    entry = AuditEntry(actor=actor, action=action, subject_type=subject_type,
                       subject_id=subject_id, reason=reason, details=details)
    db.session.add(entry)
    return entry


def entries_query(subject_type: str | None = None, subject_id: int | None = None,
                  action: str | None = None) -> Select[tuple[AuditEntry]]:
    """Newest first, optionally for one subject or one kind of action."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt
