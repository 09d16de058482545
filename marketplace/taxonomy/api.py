"""The taxonomy in the JSON API: public reads, admin edits."""

from __future__ import annotations

from typing import Literal

from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.taxonomy import services
from marketplace.taxonomy.schemas import ConcernList, ConcernOut, ModalityList, ModalityOut, TermIn, TermOut
from marketplace.web.api import endpoint

ADMIN = (Role.ADMIN,)
KINDS: tuple[Literal["concern", "modality", "technique"], ...] = ("concern", "modality", "technique")


@endpoint("/concerns", summary="Concerns seekers can choose", tag="taxonomy", response=ConcernList)
def list_concerns() -> ConcernList:
    return ConcernList(items=[ConcernOut.of(c) for c in services.concerns()])


@endpoint("/modalities", summary="Modalities and their techniques", tag="taxonomy", response=ModalityList)
def list_modalities() -> ModalityList:
    return ModalityList(items=[ModalityOut.of(m) for m in services.modalities()])


def _term_out(kind: str, term) -> TermOut:  # noqa: ANN001
    return TermOut(id=term.id, kind=kind, slug=term.slug, name=term.name,
                   description=term.description, is_active=term.is_active)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"No taxonomy kind {kind!r}; use one of {', '.join(KINDS)}.")
    return kind


@endpoint("/admin/taxonomy/<kind>", "POST", summary="Add a concern, modality or technique", tag="admin",
          auth=ADMIN, body=TermIn, response=TermOut, status=201, errors=(404, 409))
def create_term(kind: str, body: TermIn) -> TermOut:
    term = services.save_term(_kind(kind), body.to_input(), current_user)
    db.session.commit()
    return _term_out(kind, term)


@endpoint("/admin/taxonomy/<kind>/<int:term_id>", "PUT", summary="Rename, describe or retire a term",
          tag="admin", auth=ADMIN, body=TermIn, response=TermOut, errors=(404,))
def update_term(kind: str, term_id: int, body: TermIn) -> TermOut:
    """The slug is fixed once created (clients hold it); a retired term stops being offered."""
    term = services.save_term(_kind(kind), body.to_input(), current_user, term_id)
    db.session.commit()
    return _term_out(kind, term)
