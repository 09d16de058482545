"""Telling a user something: in the app, and by mail when it matters."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import func, select, update

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.core.mail import Mail, send_after_commit
from marketplace.extensions import db
from marketplace.notifications.models import Notification


def notify(user: User, kind: str, message: str, *, mail_subject: str | None = None,
           link: str | None = None) -> Notification:
    """Show ``message`` to ``user`` in the app; also mail it when ``mail_subject`` is given
    (mail leaves only after the commit)."""
    note = Notification(user_id=user.id, kind=kind, message=message, link=link)
    db.session.add(note)
    # A deleted account's address is a tombstone (``deleted-<id>@invalid``): never mail it.
    if mail_subject and user.deleted_at is None:
        send_after_commit(db.session, Mail(to=user.email, subject=mail_subject, body=message + "\n"))
    return note


def for_user(user: User, limit: int = 50) -> Sequence[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
