"""Dates the API takes are bounded: years 1970 to 2199, as written, else a 422 naming the field.

Past these no booking, hour or report means anything, and arithmetic on them (a time zone's
offset, a window of days) can leave Python's calendar (years 1 to 9999) and fail as a 500.
Request bodies are checked as they are decoded (``RequestSchema.__post_init__`` calls
``check_dates``); query parameters by the handler (``bounded``). A context's own, narrower
bounds (open slots at most 366 days ahead ...) are its core's.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from alora_core.shared.errors import Invalid

EARLIEST_YEAR = 1970
LATEST_YEAR = 2199
OUT_OF_RANGE = "out-of-range"
MESSAGE = f"must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}"

D = TypeVar("D", bound=date)


def in_range(value: date) -> bool:
    """Whether a date or date-time (as written, whatever its offset) is in the bounds."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def bounded(value: D | None, field: str) -> D | None:
    """``value`` when in the bounds (or None); else a 422 naming ``field``."""
    if value is not None and not in_range(value):
        raise Invalid.field(field, MESSAGE, OUT_OF_RANGE)
    return value


def check_dates(struct: object, names: tuple[str, ...], wire_names: tuple[str, ...]) -> None:
    """Raise ``ValueError("`wireName` must be ...")`` for a date field out of the bounds: msgspec
    makes it a validation error, and the problem names the field (``problems``)."""
    for name, wire_name in zip(names, wire_names, strict=True):
        value = getattr(struct, name)
        if isinstance(value, date) and not in_range(value):
            raise ValueError(f"`{wire_name}` {MESSAGE}")
