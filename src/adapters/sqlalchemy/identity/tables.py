"""Identity's tables and the imperative mapping of its aggregates (User, Session, OneTimeCode).

Mapping rules (every attrs field a column, the ``version`` counter) are in
``adapters.sqlalchemy.mapping``; column types in ``adapters.sqlalchemy.types``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Uuid
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import relationship

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.mapping import map_versioned
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
    "refresh_tokens_table",
    "sessions_table",
    "user_owner",
    "users_table",
]

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
    Column("email_skeleton", String, nullable=True),
    Column("username_skeleton", String, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_users_email_skeleton", "email_skeleton", unique=True),
    Index("ix_users_username_skeleton", "username_skeleton", unique=True),
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


def user_owner() -> Any:
    """A many-to-one to ``User`` that only orders the flush, never loaded or set.

    Without a relationship the unit of work does not know that a user's row must be inserted
    before its sessions' and codes' rows (and a session updated before its user is deleted).
    The attribute (``_orm_user``) is no attrs field: equality, repr and cattrs ignore it.
    """
    return relationship(User, lazy="raise", cascade="")


user_mapper = map_versioned(User, users_table)
session_mapper = map_versioned(Session, sessions_table, _orm_user=user_owner())
code_mapper = map_versioned(OneTimeCode, codes_table, _orm_user=user_owner())
