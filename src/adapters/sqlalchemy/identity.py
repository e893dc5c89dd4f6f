"""Identity tables and the imperative mapping of its aggregates (User, Session, OneTimeCode).

Every attrs field of a mapped aggregate is a column: objects loaded from the database skip
``__init__``, so a field without a column would be missing, not defaulted. Pending domain events
live in ``obj.__dict__["_events"]``, which SQLAlchemy ignores (it is no mapped attribute).

``version`` is the optimistic-concurrency counter (``version_id_col``). We set it ourselves
(``version_id_generator=False``, see ``_bump_version``) so that it grows by one per committed
transaction that changed the row, whatever the number of flushes inside it, exactly like the
in-memory adapter. A stale version makes the flush raise ``StaleDataError``, which the unit of
work turns into ``Conflict``.

The column types shared by every context (``UtcDateTime``, ``JsonOf``, ``JsonDict``,
``str_enum``) live here for now; move them to their own module when a second context needs them.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from cattrs.preconf.json import make_converter
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    TypeDecorator,
    Uuid,
    event,
    inspect,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapper, object_session, registry, relationship
from sqlalchemy.types import TypeEngine

from adapters.sqlalchemy.database import metadata
from alora_core.identity.model import (
    Address,
    OneTimeCode,
    Purpose,
    RevokeReason,
    Role,
    Session,
    User,
    UserSettings,
)

__all__ = [
    "JsonDict",
    "JsonOf",
    "UtcDateTime",
    "codes_table",
    "converter",
    "mapper_registry",
    "refresh_tokens_table",
    "sessions_table",
    "str_enum",
    "users_table",
]

mapper_registry = registry(metadata=metadata)

# JSON columns go through one cattrs converter: attrs value objects and enums on the way in,
# the declared type on the way out. UUIDs inside free-form JSON are written as strings.
converter = make_converter()
converter.register_unstructure_hook(uuid.UUID, str)


# --- column types -----------------------------------------------------------------------------


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only takes and always gives aware UTC datetimes.

    SQLite keeps no offset: values are stored as naive UTC text (which sorts and compares
    chronologically) and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the domain uses aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _Json(TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL; SQL NULL (not JSON ``null``) for None."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


class JsonOf(_Json):
    """A value of ``cls`` (an attrs class, possibly ``X | None``) stored as JSON via cattrs."""

    def __init__(self, cls: Any) -> None:
        super().__init__()
        self.cls = cls  # the attribute name must match the argument for the cache key

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else converter.unstructure(value, self.cls)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else converter.structure(value, self.cls)


class JsonDict(_Json):
    """A JSON object of plain values (``dict[str, Any]``); UUIDs and datetimes become strings."""

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else converter.unstructure(dict(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else dict(value)


def str_enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    """An enum stored as its ``.value`` in a VARCHAR (no native type, no CHECK constraint)."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# In-place changes of ``user.social_links`` are tracked too (the in-memory adapter sees them).
_social_links_type = MutableDict.as_mutable(JsonDict())


# --- tables -----------------------------------------------------------------------------------

users_table = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("full_name", String, nullable=False),
    Column("username", String, nullable=False, unique=True),
    Column("email", String, nullable=False, unique=True),
    Column("phone", String, nullable=True, unique=True),
    Column("password_hash", String, nullable=False),
    Column("role", str_enum(Role), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("email_verified_at", UtcDateTime, nullable=True),
    Column("suspended_at", UtcDateTime, nullable=True),
    Column("suspension_reason", String, nullable=True),
    Column("bio", String, nullable=False),
    Column("avatar_file_id", Uuid, nullable=True),
    Column("address", JsonOf(Address | None), nullable=True),
    Column("social_links", _social_links_type, nullable=False),
    Column("settings", JsonOf(UserSettings), nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("last_login_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

sessions_table = Table(
    "sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=False),
    Column("user_agent", String, nullable=False),
    Column("ip", String, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoke_reason", str_enum(RevokeReason), nullable=True),
    Column("version", Integer, nullable=False),
)

refresh_tokens_table = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String, primary_key=True),
    Column(
        "session_id",
        Uuid,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
)

codes_table = Table(
    "one_time_codes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", str_enum(Purpose), nullable=False),
    Column("code_hash", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_one_time_codes_user_id_purpose", "user_id", "purpose"),
)


# --- mapping ----------------------------------------------------------------------------------


def _map_versioned(cls: type[Any], table: Table, **properties: Any) -> Mapper[Any]:
    mapper = mapper_registry.map_imperatively(
        cls,
        table,
        properties=properties,
        version_id_col=table.c.version,
        version_id_generator=False,
    )
    event.listen(mapper, "before_update", _bump_version)
    return mapper


def _bump_version(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    """Add one to ``version`` the first time a row changes in a transaction (memory semantics).

    The UPDATE then says ``SET version = v + 1 ... WHERE id = :id AND version = v``; later
    flushes of the same transaction keep ``v + 1`` and check against it.
    """
    session = object_session(target)
    if session is None or not session.is_modified(target, include_collections=False):
        return
    transaction = session.get_transaction()
    state = inspect(target)
    if transaction is None or state.info.get("version_bumped_in") is transaction:
        return
    state.info["version_bumped_in"] = transaction
    if not state.attrs.version.history.has_changes():  # unless the caller set it on purpose
        target.version += 1


def _owner() -> Any:
    """A many-to-one to ``User`` that only orders the flush, never loaded or set.

    Without a relationship the unit of work does not know that a user's row must be inserted
    before its sessions' and codes' rows (and a session updated before its user is deleted).
    The attribute (``_orm_user``) is no attrs field: equality, repr and cattrs ignore it.
    """
    return relationship(User, lazy="raise", cascade="")


user_mapper = _map_versioned(User, users_table)
session_mapper = _map_versioned(Session, sessions_table, _orm_user=_owner())
code_mapper = _map_versioned(OneTimeCode, codes_table, _orm_user=_owner())
