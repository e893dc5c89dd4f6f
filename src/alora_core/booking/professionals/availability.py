"""When a professional can work, and the slots that leaves open for bookings.

Working hours are wall-clock times in the professional's IANA time zone: a weekly pattern plus
date exceptions (days off, hours off, extra hours). Everything else is UTC. A slot is offered
only where the wall clock runs normally: never across a daylight-saving jump or repeat.

How slots are made (``open_slots``; ``refusal`` explains, with the same checks, why one start
is not among them):

1. Each local date has working hours: the weekly ranges of its weekday, minus the ``off``
   exceptions of that date (the whole day when one has no ranges), plus its ``extra`` ranges.
   Ranges that overlap or touch merge into one.
2. Candidate starts step through each range from its start by ``slot_minutes`` of wall-clock
   time; a candidate of ``duration`` must end by the range's end, on the same local date.
3. A candidate is dropped when its local start or end falls in a daylight-saving gap (does not
   exist) or repeat (is ambiguous), or when the UTC offset differs at its start and end.
4. A start is bookable from ``now + min_notice`` up to ``now + horizon_days`` days (24 h each),
   both included, when ``[start, end + buffer)`` overlaps no busy interval.
"""

from __future__ import annotations

import enum
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from attrs import field, frozen

from alora_core.shared.errors import Invalid
from alora_core.shared.ids import new_id

MINUTES_PER_DAY = 24 * 60
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 12 * 60
DURATION_STEP_MINUTES = 5
"""Bookings last a multiple of this; every slot length is one too."""


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


def duration_problem(minutes: int) -> str | None:
    """Why a booking cannot last ``minutes``, or None: 15 minutes to 12 hours, in steps of 5
    (so any professional's slot length is a possible duration)."""
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        return f"must be {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes"
    if minutes % DURATION_STEP_MINUTES:
        return f"must be a multiple of {DURATION_STEP_MINUTES} minutes"
    return None


def booking_duration(minutes: int | None, rules: BookingRules) -> timedelta:
    """How long a booking asked for ``minutes`` lasts; None means one slot. ``Invalid``
    (field ``duration_minutes``) for a duration no booking may have."""
    if minutes is None:
        return timedelta(minutes=rules.slot_minutes)
    if (problem := duration_problem(minutes)) is not None:
        raise Invalid.field("duration_minutes", problem)
    return timedelta(minutes=minutes)


def earliest_start(rules: BookingRules, now: datetime) -> datetime:
    """The first bookable instant: ``min_notice_minutes`` from now."""
    return now + timedelta(minutes=rules.min_notice_minutes)


def latest_start(rules: BookingRules, now: datetime) -> datetime:
    """The last bookable instant: ``horizon_days`` days of 24 h from now."""
    return now + timedelta(days=rules.horizon_days)


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
    _require_aware(start=start, end=end, now=now)
    hours = _WorkingHours(schedule, duration)
    # The starts that pass ``_timing`` and lie in the window: ``[first, last)``.
    first = max(start, earliest_start(schedule.rules, now))
    last = min(end, latest_start(schedule.rules, now) + _TICK)
    if first >= last:
        return []
    taken = _Busy(busy)
    day = first.astimezone(hours.zone).date()
    last_day = (last - _TICK).astimezone(hours.zone).date()
    slots: list[Slot] = []
    while day <= last_day:
        for slot in hours.candidates(day):
            if first <= slot.start < last and not taken.blocks(slot, schedule.rules):
                slots.append(slot)
        day += _DAY
    slots.sort(key=lambda slot: slot.start)
    return slots


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
    _require_aware(start=start, now=now)
    reason = _timing(schedule.rules, now, start)
    if reason is not None:
        return reason
    hours = _WorkingHours(schedule, duration)
    slot = next(
        (s for s in hours.candidates(start.astimezone(hours.zone).date()) if s.start == start),
        None,
    )
    if slot is None:
        return Refusal.OUTSIDE_HOURS
    if _Busy(busy).blocks(slot, schedule.rules):
        return Refusal.TAKEN
    return None


def day_ranges(schedule: Schedule, day: date) -> tuple[TimeRange, ...]:
    """The working hours of local date ``day``: sorted, neither overlapping nor touching."""
    return _WorkingHours(schedule, timedelta(minutes=schedule.rules.slot_minutes)).ranges(day)


# --- internals ---------------------------------------------------------------------------------

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_WEEKDAYS = tuple(Weekday)  # in date.weekday() order, Monday first


def _require_aware(**instants: datetime) -> None:
    for name, instant in instants.items():
        if instant.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")


def _timing(rules: BookingRules, now: datetime, start: datetime) -> Refusal | None:
    if start < earliest_start(rules, now):
        return Refusal.TOO_SOON
    if start > latest_start(rules, now):
        return Refusal.BEYOND_HORIZON
    return None


Minutes = tuple[int, int]


class _WorkingHours:
    """A schedule indexed for one computation: working hours and candidate slots per date."""

    def __init__(self, schedule: Schedule, duration: timedelta) -> None:
        step = schedule.rules.slot_minutes
        length, rest = divmod(duration, timedelta(minutes=1))
        if step <= 0 or length <= 0 or rest:
            raise ValueError("slot_minutes and duration must be positive whole minutes")
        self.zone = ZoneInfo(schedule.timezone)
        self._step = step
        self._length = length
        self._weekly: dict[Weekday, list[Minutes]] = {}
        for hours in schedule.weekly:
            self._weekly.setdefault(hours.day, []).extend(_minutes(hours.ranges))
        self._off: dict[date, list[Minutes]] = {}
        self._extra: dict[date, list[Minutes]] = {}
        for exception in schedule.exceptions:
            if exception.kind is ExceptionKind.EXTRA:
                self._extra.setdefault(exception.day, []).extend(_minutes(exception.ranges))
            else:
                whole_day = [(0, MINUTES_PER_DAY)]
                cut = _minutes(exception.ranges) or whole_day
                self._off.setdefault(exception.day, []).extend(cut)

    def _day_minutes(self, day: date) -> list[Minutes]:
        weekly = self._weekly.get(_WEEKDAYS[day.weekday()], [])
        working = _subtract(_merge(weekly), _merge(self._off.get(day, [])))
        return _merge([*working, *self._extra.get(day, [])])

    def ranges(self, day: date) -> tuple[TimeRange, ...]:
        return tuple(TimeRange(start, end) for start, end in self._day_minutes(day))

    def candidates(self, day: date) -> Iterator[Slot]:
        """The slots the working hours of ``day`` hold, before notice, horizon and bookings."""
        midnight = datetime.combine(day, time())
        offset = self._steady_offset(midnight)
        length = timedelta(minutes=self._length)
        for first, last in self._day_minutes(day):
            for minute in range(first, last - self._length + 1, self._step):
                wall_start = midnight + timedelta(minutes=minute)
                wall_end = wall_start + length
                if offset is None:
                    slot = _slot(wall_start, wall_end, self.zone)
                    if slot is not None:
                        yield slot
                else:
                    yield Slot(
                        start=(wall_start - offset).replace(tzinfo=UTC),
                        end=(wall_end - offset).replace(tzinfo=UTC),
                        local_start=wall_start.replace(tzinfo=self.zone),
                        local_end=wall_end.replace(tzinfo=self.zone),
                    )

    def _steady_offset(self, midnight: datetime) -> timedelta | None:
        """The UTC offset of the whole day from ``midnight`` to the next, or None when the
        clock jumps or repeats in it (time zones change their offset at most once a day)."""
        start = _unique_instant(midnight, self.zone)
        end = _unique_instant(midnight + _DAY, self.zone)
        if start is None or end is None or start.utcoffset() != end.utcoffset():
            return None
        return start.utcoffset()


def _minutes(ranges: Iterable[TimeRange]) -> list[Minutes]:
    return [(r.start, r.end) for r in ranges if r.start < r.end]


def _merge(ranges: Iterable[Minutes]) -> list[Minutes]:
    merged: list[Minutes] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(ranges: list[Minutes], cuts: list[Minutes]) -> list[Minutes]:
    """``ranges`` without ``cuts``; both sorted and disjoint."""
    result: list[Minutes] = []
    for start, end in ranges:
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                result.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def _slot(wall_start: datetime, wall_end: datetime, zone: ZoneInfo) -> Slot | None:
    """The slot between two wall-clock times, or None when the clock jumps or repeats there."""
    local_start = _unique_instant(wall_start, zone)
    local_end = _unique_instant(wall_end, zone)
    if local_start is None or local_end is None:
        return None
    if local_start.utcoffset() != local_end.utcoffset():
        return None
    return Slot(
        start=local_start.astimezone(UTC),
        end=local_end.astimezone(UTC),
        local_start=local_start,
        local_end=local_end,
    )


def _unique_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """``wall`` in ``zone`` when that wall time happens exactly once.

    ``fold`` picks the earlier or later reading of a wall time; both give the same offset
    except in a gap (the time never shows) or a repeat (it shows twice).
    """
    first = wall.replace(tzinfo=zone)
    if first.utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset():
        return None
    return first


class _Busy:
    """Busy intervals merged and sorted, to find an overlap by bisection."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        starts: list[datetime] = []
        ends: list[datetime] = []
        for interval in sorted(intervals, key=lambda i: i.start):
            if interval.end <= interval.start:
                continue
            if ends and interval.start <= ends[-1]:
                ends[-1] = max(ends[-1], interval.end)
            else:
                starts.append(interval.start)
                ends.append(interval.end)
        self._starts = starts
        self._ends = ends

    def blocks(self, slot: Slot, rules: BookingRules) -> bool:
        """Whether ``[slot.start, slot.end + buffer)`` overlaps a busy interval."""
        until = slot.end + timedelta(minutes=rules.buffer_minutes)
        # Intervals [0, i) start before ``until``; the last of them reaches furthest.
        i = bisect_left(self._starts, until)
        return i > 0 and self._ends[i - 1] > slot.start
