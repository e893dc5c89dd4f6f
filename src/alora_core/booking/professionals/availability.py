"""When a professional can work, and the slots that leaves open for bookings.

Working hours are wall-clock times in the professional's IANA time zone: a weekly pattern plus
date exceptions (days off, hours off, extra hours). Everything else is UTC. A slot is offered
only where the wall clock runs normally: never across a daylight-saving jump or repeat.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from attrs import field, frozen

from alora_core.shared.ids import new_id

MINUTES_PER_DAY = 24 * 60


class Weekday(enum.StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


@frozen
class TimeRange:
    """Wall-clock minutes since local midnight, ``[start, end)``; ``0 <= start < end <= 1440``
    (``end == 1440`` is "24:00", the end of the day)."""

    start: int
    end: int


@frozen
class DayHours:
    day: Weekday
    ranges: tuple[TimeRange, ...]


class ExceptionKind(enum.StrEnum):
    OFF = "off"
    """Not working: the whole day when ``ranges`` is empty, else just those hours."""
    EXTRA = "extra"
    """Working these hours too, on top of the weekly pattern."""


@frozen(kw_only=True)
class DateException:
    day: date
    kind: ExceptionKind
    ranges: tuple[TimeRange, ...] = ()
    note: str = ""
    id: uuid.UUID = field(factory=new_id)


@frozen(kw_only=True)
class BookingRules:
    min_notice_minutes: int = 120
    horizon_days: int = 60
    buffer_minutes: int = 0
    """Kept free after each booking."""
    slot_minutes: int = 60


@frozen(kw_only=True)
class Schedule:
    """Everything slot generation needs to know about one professional."""

    timezone: str = "UTC"
    weekly: tuple[DayHours, ...] = ()
    exceptions: tuple[DateException, ...] = ()
    rules: BookingRules = BookingRules()


@frozen
class Interval:
    """``[start, end)`` in UTC (aware datetimes)."""

    start: datetime
    end: datetime


@frozen(kw_only=True)
class Slot:
    start: datetime
    end: datetime
    local_start: datetime
    """``start`` in the professional's zone (aware)."""
    local_end: datetime


class Refusal(enum.StrEnum):
    """Why a start time cannot be booked; checked in this order."""

    TOO_SOON = "too_soon"
    BEYOND_HORIZON = "beyond_horizon"
    OUTSIDE_HOURS = "outside_hours"
    TAKEN = "taken"


def open_slots(
    schedule: Schedule,
    busy: Sequence[Interval],
    *,
    start: datetime,
    end: datetime,
    duration: timedelta,
    now: datetime,
) -> list[Slot]:
    """The bookable slots of ``duration`` that start in ``[start, end)``, in time order.

    ``busy`` are the professional's held bookings, each already extended by its buffer.
    """
    raise NotImplementedError


def refusal(
    schedule: Schedule,
    busy: Sequence[Interval],
    *,
    start: datetime,
    duration: timedelta,
    now: datetime,
) -> Refusal | None:
    """None when ``start`` is one of ``open_slots`` for ``duration``, else the first reason
    it is not."""
    raise NotImplementedError
