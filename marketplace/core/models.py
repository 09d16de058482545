"""The declarative base and the column types every feature shares."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import (
    Connection, DateTime, Enum, Integer, MetaData, Select, String, bindparam, cast, literal_column, null, union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from marketplace.core.clock import utcnow

# Constraint names are part of the schema: name them so migrations can drop them by name
# on every backend (SQLite batch mode needs it).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def upsert_for(session: Session):  # noqa: ANN201
    """The backend's INSERT with ``on_conflict_do_update`` (PostgreSQL's or SQLite's), for
    the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def restamp(session: Session, table: type, keys: Iterable[tuple], columns: Sequence[str]) -> int | None:
    """Give the rows of a stamp table (``columns`` its key, plus ``stamp``) at ``keys`` one
    new random stamp, in the caller's transaction, written on its connection (so a flush
    hook can call it), and return it (None when there are no keys). Web processes keep
    derived data in memory under the stamp they read first; a new stamp retires it. In
    sorted order, so two writers lock the rows in the same order and cannot deadlock."""
    keys = sorted(set(keys))
    if not keys:
        return None
    stamp = secrets.randbits(62)
    upsert = upsert_for(session)
    connection = session.connection()
    for start in range(0, len(keys), 1000):
        rows = [{**dict(zip(columns, key)), "stamp": stamp} for key in keys[start:start + 1000]]
        stmt = upsert(table).values(rows)
        connection.execute(stmt.on_conflict_do_update(index_elements=list(columns),
                                                      set_={"stamp": stmt.excluded.stamp}))
    return stamp


def in_one_trip(connection: Connection, statements: tuple[Select, ...], params: dict) -> list[list[tuple]]:
    """The rows of several small SELECTs, in one round trip: one UNION ALL (``params`` holds
    every statement's parameters), each row tagged with the statement it came from. A
    results page sends a few such lookups, and on a database across a network each costs a
    round trip. Their columns must agree in type, position by position; a narrower one is
    padded with NULLs (and its rows come back without them)."""
    rows: list[list[tuple]] = [[] for _ in statements]
    widths = [len(s.selected_columns) for s in statements]
    for *row, part in connection.execute(_tagged(statements), params):
        rows[part].append(tuple(row[:widths[part]]))
    return rows


@lru_cache(maxsize=32)
def _tagged(statements: tuple[Select, ...]):  # noqa: ANN202
    """The UNION ALL of :func:`in_one_trip`, built once per tuple of statements (so its
    compiled form is cached too)."""
    widest = max(statements, key=lambda s: len(s.selected_columns)).selected_columns
    return union_all(*(  # NULLs of the widest one's types (PostgreSQL takes a bare NULL for text)
        s.add_columns(*(cast(null(), widest[j].type).label(f"pad{j}") for j in range(len(s.selected_columns),
                                                                                      len(widest))),
                      literal_column(str(i)).label("part"))
        for i, s in enumerate(statements)))


class IdList(TypeDecorator[list]):
    """Integer ids bound as one parameter: an array on PostgreSQL, JSON text elsewhere
    (which :class:`one_of_ids` reads back with ``json_each``)."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect):  # noqa: ANN001, ANN201
        return dialect.type_descriptor(postgresql.ARRAY(Integer) if dialect.name == "postgresql" else String())

    def process_bind_param(self, value: Iterable[int] | None, dialect) -> list[int] | str | None:  # type: ignore[override]  # noqa: ANN001
        if value is None:
            return None
        return [int(v) for v in value] if dialect.name == "postgresql" else json.dumps([int(v) for v in value])


class one_of_ids(FunctionElement):  # noqa: N801 (a SQL construct, named as SQLAlchemy's are)
    """``column`` is one of the ids bound to ``ids`` (a bindparam of type :class:`IdList`):
    ``= ANY(:ids)`` on PostgreSQL, ``IN (SELECT value FROM json_each(:ids))`` elsewhere.
    One parameter however many ids, so the statement is compiled once and reused; an
    expanding ``IN`` is rendered anew on every execution, which costs more than running it
    on the short lists of a results page. Build it with :func:`in_ids`."""

    inherit_cache = True
    name = "one_of_ids"


@compiles(one_of_ids)
def _one_of_ids(element: one_of_ids, compiler, **kw) -> str:  # noqa: ANN001
    column, ids = element.clauses
    return f"{compiler.process(column, **kw)} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(one_of_ids, "postgresql")
def _one_of_ids_postgresql(element: one_of_ids, compiler, **kw) -> str:  # noqa: ANN001
    column, ids = element.clauses
    return f"{compiler.process(column, **kw)} = ANY({compiler.process(ids, **kw)})"


def in_ids(column, name: str = "ids") -> one_of_ids:  # noqa: ANN001
    """``column`` is one of the integer ids passed as the parameter ``name`` (any iterable)."""
    return one_of_ids(column, bindparam(name, type_=IdList()))


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def str_enum(enum_cls: type) -> Enum:
    """Store a StrEnum by its value, as a plain string column (portable, readable in SQL)."""
    return Enum(
        enum_cls,
        native_enum=False,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        length=32,
    )
