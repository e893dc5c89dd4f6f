"""Column types shared by every context's tables.

- ``UtcDateTime``: aware UTC datetimes in, aware UTC datetimes out (naive ones are refused).
- ``JsonOf(cls)``: an attrs value (or ``X | None``) stored as JSON through ``converter``.
- ``JsonDict``: a JSON object of plain values.
- ``str_enum(cls)``: an enum stored as its value in a VARCHAR.

JSON is JSON on SQLite and JSONB on PostgreSQL. Migrations keep frozen copies of what these
render to; they never import this module.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from cattrs.preconf.json import make_converter
from sqlalchemy import JSON, DateTime, Dialect, Enum, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

__all__ = ["JsonDict", "JsonOf", "UtcDateTime", "converter", "str_enum"]

# JSON columns go through one cattrs converter: attrs value objects and enums on the way in,
# the declared type on the way out. UUIDs inside free-form JSON are written as strings.
converter = make_converter()
converter.register_unstructure_hook(uuid.UUID, str)
converter.register_structure_hook(uuid.UUID, lambda value, _: uuid.UUID(value))


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

    cache_ok = True

    def __init__(self, cls: Any) -> None:
        super().__init__()
        self.cls = cls  # the attribute name must match the argument for the cache key

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else converter.unstructure(value, self.cls)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else converter.structure(value, self.cls)


class JsonDict(_Json):
    """A JSON object of plain values (``dict[str, Any]``); UUIDs and datetimes become strings."""

    cache_ok = True

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
