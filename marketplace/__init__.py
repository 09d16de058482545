"""The practitioner-referral marketplace.

``create_app`` is imported lazily so pure packages (``marketplace.matching``,
``marketplace.geo``) can be used and benchmarked without loading Flask.
"""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from marketplace.app import create_app

        return create_app
    raise AttributeError(f"module 'marketplace' has no attribute {name!r}")
