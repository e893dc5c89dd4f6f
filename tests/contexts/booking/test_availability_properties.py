"""Properties of slot generation, checked against an independent model of the rules.

The model works minute by minute: a date's working minutes are a set (weekly minutes, less the
minutes off, plus the extra minutes), UTC offsets come from converting UTC instants to the zone
(never from resolving wall-clock times), and the clock changes are found by scanning the zone.
Schedules, bookings and clocks are drawn around the 2026 clock changes of zones with daylight
saving time, Lord Howe Island's 30-minute one, Havana's at midnight, and UTC.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alora_core.booking.professionals.availability import (
    MINUTES_PER_DAY,
    BookingRules,
    DateException,
    DayHours,
    ExceptionKind,
    Interval,
    Refusal,
    Schedule,
    TimeRange,
    Weekday,
    open_slots,
    refusal,
)

pytestmark = pytest.mark.memory  # pure: no backend

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Havana", "UTC")
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


# --- the model ----------------------------------------------------------------------------


def offset_at(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


@functools.cache
def transitions(zone_name: str) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """``(instant, offset before, offset after)`` of each clock change from late 2025 to early
    2027, found by scanning every hour and narrowing down to the second."""
    zone = ZoneInfo(zone_name)
    found = []
    instant = YEAR_START - timedelta(days=40)
    before = offset_at(instant, zone)
    while instant < YEAR_END + timedelta(days=40):
        later = instant + timedelta(hours=1)
        after = offset_at(later, zone)
        if after != before:
            low, high = instant, later  # offset(low) == before, offset(high) == after
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset_at(middle, zone) == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before, after))
        instant, before = later, after
    return tuple(found)


def wall_is_regular(wall: datetime, zone_name: str) -> bool:
    """Whether the naive wall-clock time shows exactly once in the zone: it lies in no gap or
    repeat, i.e. not within ``[change + smaller offset, change + larger offset)``."""
    for instant, before, after in transitions(zone_name):
        low = instant.replace(tzinfo=None) + min(before, after)
        high = instant.replace(tzinfo=None) + max(before, after)
        if low <= wall < high:
            return False
    return True


def utc_of_regular_wall(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time that shows exactly once: the offset it has."""
    guess = wall.replace(tzinfo=UTC)
    for _ in range(3):
        guess = wall.replace(tzinfo=UTC) - offset_at(guess, zone)
    assert (guess + offset_at(guess, zone)).replace(tzinfo=None) == wall
    return guess


def working_minutes(schedule: Schedule, day: date) -> set[int]:
    weekday = list(Weekday)[day.weekday()]
    minutes: set[int] = set()
    for hours in schedule.weekly:
        if hours.day is weekday:
            for r in hours.ranges:
                minutes |= set(range(r.start, r.end))
    for exception in schedule.exceptions:
        if exception.day == day and exception.kind is ExceptionKind.OFF:
            if not exception.ranges:
                minutes.clear()
            for r in exception.ranges:
                minutes -= set(range(r.start, r.end))
    for exception in schedule.exceptions:
        if exception.day == day and exception.kind is ExceptionKind.EXTRA:
            for r in exception.ranges:
                minutes |= set(range(r.start, r.end))
    return minutes


def stretches(minutes: set[int]) -> list[tuple[int, int]]:
    """The maximal runs of consecutive minutes, as ``[start, end)``."""
    runs: list[tuple[int, int]] = []
    for minute in sorted(minutes):
        if runs and runs[-1][1] == minute:
            runs[-1] = (runs[-1][0], minute + 1)
        else:
            runs.append((minute, minute + 1))
    return runs


def crosses_a_change(start: datetime, end: datetime, zone_name: str) -> bool:
    return any(start < instant < end for instant, _, _ in transitions(zone_name))


def model_candidates(schedule: Schedule, day: date, length: int) -> list[tuple[datetime, datetime]]:
    """The ``(start, end)`` in UTC the working hours of ``day`` hold, before any other rule."""
    zone = ZoneInfo(schedule.timezone)
    midnight = datetime.combine(day, time())
    found = []
    for first, last in stretches(working_minutes(schedule, day)):
        for minute in range(first, last - length + 1, schedule.rules.slot_minutes):
            wall_start = midnight + timedelta(minutes=minute)
            wall_end = wall_start + timedelta(minutes=length)
            if not (
                wall_is_regular(wall_start, schedule.timezone)
                and wall_is_regular(wall_end, schedule.timezone)
            ):
                continue
            start = utc_of_regular_wall(wall_start, zone)
            end = utc_of_regular_wall(wall_end, zone)
            if end - start == timedelta(minutes=length) and not crosses_a_change(
                start, end, schedule.timezone
            ):
                found.append((start, end))
    return found


def overlaps_busy(start: datetime, until: datetime, busy: Sequence[Interval]) -> bool:
    return any(start < b.end and b.start < until for b in busy)


def expected_reason(
    schedule: Schedule, busy: Sequence[Interval], start: datetime, length: int, now: datetime
) -> Refusal | None:
    rules = schedule.rules
    if start < now + timedelta(minutes=rules.min_notice_minutes):
        return Refusal.TOO_SOON
    if start > now + timedelta(days=rules.horizon_days):
        return Refusal.BEYOND_HORIZON
    day = start.astimezone(ZoneInfo(schedule.timezone)).date()
    match = [c for c in model_candidates(schedule, day, length) if c[0] == start]
    if not match:
        return Refusal.OUTSIDE_HOURS
    until = match[0][1] + timedelta(minutes=rules.buffer_minutes)
    if overlaps_busy(start, until, busy):
        return Refusal.TAKEN
    return None


def model_slots(
    schedule: Schedule,
    busy: Sequence[Interval],
    start: datetime,
    end: datetime,
    length: int,
    now: datetime,
) -> list[tuple[datetime, datetime]]:
    rules = schedule.rules
    zone = ZoneInfo(schedule.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    found = []
    while day <= end.astimezone(zone).date() + timedelta(days=1):
        for slot_start, slot_end in model_candidates(schedule, day, length):
            if (
                start <= slot_start < end
                and slot_start >= now + timedelta(minutes=rules.min_notice_minutes)
                and slot_start <= now + timedelta(days=rules.horizon_days)
                and not overlaps_busy(
                    slot_start, slot_end + timedelta(minutes=rules.buffer_minutes), busy
                )
            ):
                found.append((slot_start, slot_end))
        day += timedelta(days=1)
    return sorted(found)


# --- strategies ---------------------------------------------------------------------------


# Whole days, nights (where the clocks change) and office hours.
TYPICAL_RANGES = st.sampled_from(
    [
        TimeRange(0, 1440),
        TimeRange(0, 300),
        TimeRange(60, 240),
        TimeRange(1320, 1440),
        TimeRange(90, 180),
        TimeRange(0, 120),
        TimeRange(540, 1020),
    ]
)


def time_ranges() -> st.SearchStrategy[TimeRange]:
    return TYPICAL_RANGES | any_time_ranges()


@st.composite
def any_time_ranges(draw: st.DrawFn) -> TimeRange:
    grid = draw(st.sampled_from([60, 30, 15, 5, 1]))
    start = draw(st.integers(0, MINUTES_PER_DAY // grid - 1)) * grid
    end = draw(st.integers(start // grid + 1, MINUTES_PER_DAY // grid)) * grid
    return TimeRange(start, end)


@st.composite
def touching_ranges(draw: st.DrawFn) -> tuple[TimeRange, ...]:
    """One range cut in two at a minute inside it: two ranges that meet."""
    whole = draw(time_ranges().filter(lambda r: r.end - r.start > 1))
    cut = draw(st.integers(whole.start + 1, whole.end - 1))
    return (TimeRange(whole.start, cut), TimeRange(cut, whole.end))


def range_lists(max_size: int) -> st.SearchStrategy[tuple[TimeRange, ...]]:
    return st.lists(time_ranges(), max_size=max_size).map(tuple) | touching_ranges()


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    timezone = draw(st.sampled_from(ZONES))
    changes = [instant for instant, _, _ in transitions(timezone) if instant >= YEAR_START]
    if changes and draw(st.booleans()):
        # A window around a clock change, seen from a little before it.
        anchor = draw(st.sampled_from(changes))
    else:
        anchor = YEAR_START + timedelta(minutes=draw(st.integers(0, 364 * MINUTES_PER_DAY)))
    quarter_hours = st.integers(-2 * 96, 0).map(lambda n: timedelta(minutes=15 * n))
    any_minutes = st.integers(-2 * MINUTES_PER_DAY, 0).map(lambda n: timedelta(minutes=n))
    window_start = anchor + draw(quarter_hours | any_minutes)
    window_end = window_start + timedelta(minutes=draw(st.integers(1, 5 * MINUTES_PER_DAY)))
    now = window_start - draw(
        st.integers(-96, 3 * 96).map(lambda n: timedelta(minutes=15 * n))
        | st.integers(-MINUTES_PER_DAY, 3 * MINUTES_PER_DAY).map(lambda n: timedelta(minutes=n))
    )
    now += timedelta(seconds=draw(st.sampled_from([0, 0, 0, 1, 59])))

    zone = ZoneInfo(timezone)
    first_day = window_start.astimezone(zone).date()
    days = st.integers(-1, 7).map(lambda n: first_day + timedelta(days=n))
    some_days = st.lists(
        st.builds(DayHours, st.sampled_from(list(Weekday)), range_lists(3)), max_size=9
    ).map(tuple)
    every_day = range_lists(3).map(lambda ranges: tuple(DayHours(d, ranges) for d in Weekday))
    weekly = draw(some_days | every_day)
    exceptions = draw(
        st.lists(
            st.builds(
                DateException,
                day=days,
                kind=st.sampled_from(list(ExceptionKind)),
                ranges=range_lists(2),
            ),
            max_size=4,
        ).map(tuple)
    )
    slot_minutes = draw(st.sampled_from([15, 20, 30, 45, 60, 90, 120]))
    rules = BookingRules(
        min_notice_minutes=draw(st.sampled_from([0, 0, 15, 120]) | st.integers(0, 3000)),
        horizon_days=draw(st.integers(0, 8)),
        buffer_minutes=draw(st.sampled_from([0, 15, 30]) | st.integers(0, 180)),
        slot_minutes=slot_minutes,
    )
    length = draw(st.sampled_from([slot_minutes, 15, 30, 60, 90, 120, 180, 240, 720]))
    busy = draw(
        st.lists(
            st.builds(
                lambda offset, minutes: Interval(
                    window_start + timedelta(minutes=offset),
                    window_start + timedelta(minutes=offset + minutes),
                ),
                st.integers(-720, 7 * MINUTES_PER_DAY),
                st.integers(1, 600),
            ),
            max_size=6,
        )
    )
    return {
        "schedule": Schedule(timezone=timezone, weekly=weekly, exceptions=exceptions, rules=rules),
        "busy": busy,
        "start": window_start,
        "end": window_end,
        "length": length,
        "now": now,
    }


PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --- properties ---------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_slot_keeps_every_rule(scenario: dict[str, object]) -> None:
    schedule, busy, start, end, length, now = _unpack(scenario)
    rules = schedule.rules
    zone = ZoneInfo(schedule.timezone)
    slots = open_slots(
        schedule, busy, start=start, end=end, duration=timedelta(minutes=length), now=now
    )

    # Sorted and unique, inside the window.
    assert all(a.start < b.start for a, b in pairwise(slots))
    for slot in slots:
        assert start <= slot.start < end
        assert slot.start.utcoffset() == timedelta(0) == slot.end.utcoffset()
        assert slot.end - slot.start == timedelta(minutes=length)
        # The local times are the same instants, read in the professional's zone.
        assert slot.local_start == slot.start and slot.local_end == slot.end
        assert slot.local_start.utcoffset() == offset_at(slot.start, zone)
        assert slot.local_end.utcoffset() == offset_at(slot.end, zone)

        # Inside the working hours of its local date, all of it on that date.
        day = slot.local_start.date()
        first = slot.local_start.hour * 60 + slot.local_start.minute
        assert slot.local_start.second == slot.local_start.microsecond == 0
        assert set(range(first, first + length)) <= working_minutes(schedule, day)

        # Never across a clock change, never starting or ending on a missing or repeated time.
        assert not crosses_a_change(slot.start, slot.end, schedule.timezone)
        assert wall_is_regular(slot.local_start.replace(tzinfo=None), schedule.timezone)
        assert wall_is_regular(slot.local_end.replace(tzinfo=None), schedule.timezone)
        assert slot.local_end.replace(tzinfo=None) - slot.local_start.replace(
            tzinfo=None
        ) == timedelta(minutes=length)

        # Not too soon, not beyond the horizon.
        assert slot.start >= now + timedelta(minutes=rules.min_notice_minutes)
        assert slot.start <= now + timedelta(days=rules.horizon_days)

        # Clear of every booking, its own buffer included.
        until = slot.end + timedelta(minutes=rules.buffer_minutes)
        assert not overlaps_busy(slot.start, until, busy)


@PROPERTY_SETTINGS
@given(scenarios())
def test_the_slots_are_exactly_those_the_rules_allow(scenario: dict[str, object]) -> None:
    schedule, busy, start, end, length, now = _unpack(scenario)
    slots = open_slots(
        schedule, busy, start=start, end=end, duration=timedelta(minutes=length), now=now
    )
    assert [(s.start, s.end) for s in slots] == model_slots(schedule, busy, start, end, length, now)


@PROPERTY_SETTINGS
@given(scenarios(), st.lists(st.integers(0, 7 * MINUTES_PER_DAY), max_size=8))
def test_a_start_is_refused_exactly_when_it_is_not_offered(
    scenario: dict[str, object], probes: list[int]
) -> None:
    schedule, busy, start, end, length, now = _unpack(scenario)
    duration = timedelta(minutes=length)
    slots = open_slots(schedule, busy, start=start, end=end, duration=duration, now=now)
    offered = {slot.start for slot in slots}
    zone = ZoneInfo(schedule.timezone)
    # Starts worth asking about: those offered, their neighbours, every candidate of the
    # window's dates, and arbitrary instants.
    asked = set(offered)
    asked |= {s + delta for s in offered for delta in (-MINUTE, MINUTE, -duration, duration)}
    day = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        asked |= {c[0] for c in model_candidates(schedule, day, length)}
        day += timedelta(days=1)
    asked |= {start + timedelta(minutes=p) for p in probes}

    for candidate in asked:
        if not start <= candidate < end:
            continue
        reason = refusal(schedule, busy, start=candidate, duration=duration, now=now)
        assert (reason is None) == (candidate in offered), (candidate, reason)
        assert reason == expected_reason(schedule, busy, candidate, length, now)


def _unpack(
    scenario: dict[str, object],
) -> tuple[Schedule, list[Interval], datetime, datetime, int, datetime]:
    schedule = scenario["schedule"]
    busy = scenario["busy"]
    start, end, now = scenario["start"], scenario["end"], scenario["now"]
    length = scenario["length"]
    assert isinstance(schedule, Schedule) and isinstance(busy, list) and isinstance(length, int)
    assert isinstance(start, datetime) and isinstance(end, datetime)
    assert isinstance(now, datetime)
    return schedule, busy, start, end, length, now


def test_the_model_knows_the_clock_changes() -> None:
    """The scan finds the 2026 changes the example tests rely on."""
    berlin = [t for t, _, _ in transitions("Europe/Berlin") if t.year == 2026]
    assert berlin == [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)]
    new_york = [t for t, _, _ in transitions("America/New_York") if t.year == 2026]
    assert new_york == [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)]
    lord_howe = [(t, a - b) for t, b, a in transitions("Australia/Lord_Howe") if t.year == 2026]
    assert [shift for _, shift in lord_howe] == [timedelta(minutes=-30), timedelta(minutes=30)]
    assert transitions("UTC") == ()
    assert not wall_is_regular(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert not wall_is_regular(datetime(2026, 10, 25, 2, 30), "Europe/Berlin")
    assert wall_is_regular(datetime(2026, 10, 25, 3, 0), "Europe/Berlin")
