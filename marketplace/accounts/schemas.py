"""API shapes for accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from marketplace.accounts.models import User
from marketplace.web.api import Schema


class RegisterIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    role: Literal["seeker", "practitioner"]


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime


class UserOut(BaseModel):
    id: int
    email: str
    role: Literal["seeker", "practitioner", "admin"]
    created_at: datetime
    practitioner_id: int | None = None

    @classmethod
    def of(cls, user: User, practitioner_id: int | None = None) -> "UserOut":
        return cls(id=user.id, email=user.email, role=user.role.value, created_at=user.created_at,
                   practitioner_id=practitioner_id)


class PasswordResetRequestIn(Schema):
    email: str = Field(max_length=254)


class PasswordResetIn(Schema):
    token: str = Field(max_length=500)
    password: str = Field(max_length=256)
