"""Identity tables and the imperative mapping of its aggregates (User, Session, OneTimeCode).

Every attrs field of a mapped aggregate is a column: objects loaded from the database skip
``__init__``, so a field without a column would be missing, not defaulted. Pending domain events
live in ``obj.__dict__["_events"]``, which SQLAlchemy ignores (it is no mapped attribute).

``version`` is the optimistic-concurrency counter (``version_id_col``). We set it ourselves
(``version_id_generator=False``, see ``_bump_version``) so that it grows by one per committed
transaction that changed the row, whatever the number of flushes inside it, exactly like the
in-memory adapter. A stale version makes the flush raise ``StaleDataError``, which the unit of
work turns into ``Conflict``.

The column types (``UtcDateTime``, ``JsonOf``, ``JsonDict``, ``str_enum``) live in
``adapters.sqlalchemy.types``, shared by every context.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    event,
    inspect,
)
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapper, object_session, registry, relationship

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.types import JsonDict, JsonOf, UtcDateTime, str_enum
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
    "codes_table",
    "devices_table",
    "mapper_registry",
    "refresh_tokens_table",
    "sessions_table",
    "users_table",
]

mapper_registry = registry(metadata=metadata)

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

# The devices each user signed in from (a Core table, written by ``SqlDevices``).
devices_table = Table(
    "user_devices",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("device_hash", String(64), primary_key=True),
    Column("user_agent", String(512), nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("last_ip", String, nullable=False),
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
