"""Running one service call from a page view, and committing it."""

from __future__ import annotations

from typing import Callable, TypeVar

from marketplace.core.errors import DomainError
from marketplace.extensions import db

T = TypeVar("T")


def attempt(action: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run ``action`` and commit. A refusal the user can act on comes back as the error
    (the work is rolled back) for the page to show; a missing subject (404) propagates."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            raise
        return None, exc
    return result, None
