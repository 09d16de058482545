"""Domain errors: what went wrong, in words a user can act on, and which field it was.

Services raise these; the web layer turns them into a form error on a page or an
``application/problem+json`` answer in the API. They never carry a stack trace to users.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None,
                 extensions: dict[str, object] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        # RFC 9457 extension members, e.g. ``suggestions`` for a place that was not found.
        self.extensions = extensions or {}

    @classmethod
    def on_field(cls, field: str, message: str) -> "DomainError":
        return cls(message, {field: [message]})


class ValidationFailed(DomainError):
    status = 400
    title = "Invalid input"
    type_slug = "validation"


class Unauthorized(DomainError):
    status = 401
    title = "Authentication required"
    type_slug = "unauthorized"


class Forbidden(DomainError):
    status = 403
    title = "Not allowed"
    type_slug = "forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class ServiceUnavailable(DomainError):
    status = 503
    title = "Service unavailable"
    type_slug = "unavailable"
