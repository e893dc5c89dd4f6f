"""Slot generation on examples: working hours, exceptions, notice, horizon, bookings, buffers,
and the exact days the clocks change (Berlin, New York, Lord Howe)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from alora_core.booking.professionals.availability import (
    BookingRules,
    DateException,
    DayHours,
    ExceptionKind,
    Interval,
    Refusal,
    Schedule,
    Slot,
    TimeRange,
    Weekday,
    booking_duration,
    day_ranges,
    open_slots,
    refusal,
)
from alora_core.shared.errors import Invalid

pytestmark = pytest.mark.memory  # pure: no backend

HOUR = timedelta(hours=1)
# Far from every window below: neither notice nor horizon gets in the way unless a test says so.
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
OPEN = BookingRules(min_notice_minutes=0, horizon_days=3650)


def hours(*spans: str) -> tuple[TimeRange, ...]:
    """``hours("09:00-12:00", "22:00-24:00")``."""
    ranges = []
    for span in spans:
        start, end = span.split("-")
        ranges.append(TimeRange(_minute(start), _minute(end)))
    return tuple(ranges)


def _minute(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def every_day(*spans: str) -> tuple[DayHours, ...]:
    return tuple(DayHours(day, hours(*spans)) for day in Weekday)


def schedule(
    timezone: str = "Europe/Berlin",
    weekly: tuple[DayHours, ...] = (),
    exceptions: tuple[DateException, ...] = (),
    **rules: int,
) -> Schedule:
    return Schedule(
        timezone=timezone,
        weekly=weekly,
        exceptions=exceptions,
        rules=BookingRules(**{"min_notice_minutes": 0, "horizon_days": 3650, **rules}),
    )


def local_day(sched: Schedule, day: date, *, days: int = 1) -> tuple[datetime, datetime]:
    """The window from local midnight of ``day`` to local midnight ``days`` later, in UTC."""
    zone = ZoneInfo(sched.timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=days), start.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def slots_on(
    sched: Schedule,
    day: date,
    *,
    days: int = 1,
    minutes: int | None = None,
    busy: tuple[Interval, ...] = (),
    now: datetime = LONG_AGO,
) -> list[Slot]:
    start, end = local_day(sched, day, days=days)
    duration = timedelta(minutes=minutes or sched.rules.slot_minutes)
    return open_slots(sched, busy, start=start, end=end, duration=duration, now=now)


def local(slots: list[Slot]) -> list[str]:
    """Each slot as ``local start/local end``, ISO 8601 with offsets."""
    return [f"{s.local_start.isoformat()}/{s.local_end.isoformat()}" for s in slots]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- working hours and exceptions -----------------------------------------------------------


def test_weekly_hours_in_steps_of_the_slot_length() -> None:
    sched = schedule(weekly=(DayHours(Weekday.MONDAY, hours("09:00-12:30", "14:00-16:00")),))
    slots = slots_on(sched, date(2026, 6, 1), days=7)  # a Monday, and the week after it
    assert local(slots) == [
        "2026-06-01T09:00:00+02:00/2026-06-01T10:00:00+02:00",
        "2026-06-01T10:00:00+02:00/2026-06-01T11:00:00+02:00",
        "2026-06-01T11:00:00+02:00/2026-06-01T12:00:00+02:00",
        "2026-06-01T14:00:00+02:00/2026-06-01T15:00:00+02:00",
        "2026-06-01T15:00:00+02:00/2026-06-01T16:00:00+02:00",
    ]
    assert slots[0].start == utc("2026-06-01T07:00:00Z")
    assert slots[0].end == utc("2026-06-01T08:00:00Z")
    assert all(s.start.tzinfo is UTC and s.end.tzinfo is UTC for s in slots)


def test_a_longer_duration_steps_by_the_slot_length_and_must_fit_the_range() -> None:
    sched = schedule(weekly=every_day("09:00-12:00"), slot_minutes=30)
    assert local(slots_on(sched, date(2026, 6, 1), minutes=90)) == [
        "2026-06-01T09:00:00+02:00/2026-06-01T10:30:00+02:00",
        "2026-06-01T09:30:00+02:00/2026-06-01T11:00:00+02:00",
        "2026-06-01T10:00:00+02:00/2026-06-01T11:30:00+02:00",
        "2026-06-01T10:30:00+02:00/2026-06-01T12:00:00+02:00",
    ]


def test_overlapping_and_touching_ranges_merge_into_one_stretch() -> None:
    sched = schedule(
        weekly=(
            DayHours(Weekday.MONDAY, hours("09:00-10:30", "10:30-11:00")),
            DayHours(Weekday.MONDAY, hours("10:00-12:00")),
        )
    )
    assert day_ranges(sched, date(2026, 6, 1)) == hours("09:00-12:00")
    starts = [s.local_start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1))]
    assert starts == ["09:00", "10:00", "11:00"]


def test_a_day_off_removes_the_whole_day() -> None:
    off = DateException(day=date(2026, 6, 2), kind=ExceptionKind.OFF)
    sched = schedule(weekly=every_day("09:00-11:00"), exceptions=(off,))
    days = {s.local_start.date() for s in slots_on(sched, date(2026, 6, 1), days=3)}
    assert days == {date(2026, 6, 1), date(2026, 6, 3)}
    assert day_ranges(sched, date(2026, 6, 2)) == ()


def test_hours_off_cut_the_day_and_the_rest_steps_from_its_own_start() -> None:
    off = DateException(day=date(2026, 6, 1), kind=ExceptionKind.OFF, ranges=hours("10:30-12:00"))
    sched = schedule(weekly=every_day("09:00-14:00"), exceptions=(off,))
    assert day_ranges(sched, date(2026, 6, 1)) == hours("09:00-10:30", "12:00-14:00")
    starts = [s.local_start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1))]
    assert starts == ["09:00", "12:00", "13:00"]


def test_extra_hours_add_to_the_week_and_count_even_on_a_day_off() -> None:
    day = date(2026, 6, 1)
    sched = schedule(
        weekly=every_day("09:00-12:00"),
        exceptions=(
            DateException(day=day, kind=ExceptionKind.OFF),
            DateException(day=day, kind=ExceptionKind.EXTRA, ranges=hours("18:00-20:00")),
            DateException(
                day=day + timedelta(days=1), kind=ExceptionKind.EXTRA, ranges=hours("11:00-14:00")
            ),
        ),
    )
    assert day_ranges(sched, day) == hours("18:00-20:00")
    assert day_ranges(sched, day + timedelta(days=1)) == hours("09:00-14:00")
    assert [s.local_start.strftime("%d %H:%M") for s in slots_on(sched, day, days=2)] == [
        "01 18:00",
        "01 19:00",
        "02 09:00",
        "02 10:00",
        "02 11:00",
        "02 12:00",
        "02 13:00",
    ]


def test_a_night_worker_never_gets_a_slot_across_midnight() -> None:
    sched = schedule(weekly=every_day("00:00-02:00", "22:00-24:00"), timezone="Europe/Berlin")
    one_hour = slots_on(sched, date(2026, 6, 1), days=2)
    assert local(one_hour)[1:5] == [
        "2026-06-01T01:00:00+02:00/2026-06-01T02:00:00+02:00",
        "2026-06-01T22:00:00+02:00/2026-06-01T23:00:00+02:00",
        "2026-06-01T23:00:00+02:00/2026-06-02T00:00:00+02:00",
        "2026-06-02T00:00:00+02:00/2026-06-02T01:00:00+02:00",
    ]
    two_hours = slots_on(sched, date(2026, 6, 1), days=2, minutes=120)
    assert local(two_hours) == [
        "2026-06-01T00:00:00+02:00/2026-06-01T02:00:00+02:00",
        "2026-06-01T22:00:00+02:00/2026-06-02T00:00:00+02:00",
        "2026-06-02T00:00:00+02:00/2026-06-02T02:00:00+02:00",
        "2026-06-02T22:00:00+02:00/2026-06-03T00:00:00+02:00",
    ]
    # 23:00 + 2 h would end at 01:00 the next day: not a slot, so not bookable either.
    late = utc("2026-06-01T23:00:00+02:00")
    assert refusal(sched, [], start=late, duration=2 * HOUR, now=LONG_AGO) is Refusal.OUTSIDE_HOURS


def test_no_working_hours_means_no_slots() -> None:
    assert slots_on(schedule(), date(2026, 6, 1), days=7) == []


# --- daylight saving ------------------------------------------------------------------------


def test_berlin_spring_forward_night() -> None:
    """2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:00-03:00 does not exist."""
    sched = schedule(weekly=every_day("00:00-05:00", "22:00-24:00"))
    assert local(slots_on(sched, date(2026, 3, 29))) == [
        "2026-03-29T00:00:00+01:00/2026-03-29T01:00:00+01:00",
        # 01:00-02:00 ends in the gap, 02:00-03:00 starts in it.
        "2026-03-29T03:00:00+02:00/2026-03-29T04:00:00+02:00",
        "2026-03-29T04:00:00+02:00/2026-03-29T05:00:00+02:00",
        "2026-03-29T22:00:00+02:00/2026-03-29T23:00:00+02:00",
        "2026-03-29T23:00:00+02:00/2026-03-30T00:00:00+02:00",
    ]
    # The day before and after run normally: 7 slots each.
    assert len(slots_on(sched, date(2026, 3, 28))) == len(slots_on(sched, date(2026, 3, 30))) == 7


def test_berlin_fall_back_night() -> None:
    """2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:00-03:00 happens twice."""
    sched = schedule(weekly=every_day("00:00-05:00", "22:00-24:00"))
    slots = slots_on(sched, date(2026, 10, 25))
    assert local(slots) == [
        "2026-10-25T00:00:00+02:00/2026-10-25T01:00:00+02:00",
        # 01:00-02:00 ends on the repeated 02:00, 02:00-03:00 starts on it.
        "2026-10-25T03:00:00+01:00/2026-10-25T04:00:00+01:00",
        "2026-10-25T04:00:00+01:00/2026-10-25T05:00:00+01:00",
        "2026-10-25T22:00:00+01:00/2026-10-25T23:00:00+01:00",
        "2026-10-25T23:00:00+01:00/2026-10-26T00:00:00+01:00",
    ]
    assert [s.start for s in slots[:2]] == [utc("2026-10-24T22:00Z"), utc("2026-10-25T02:00Z")]


def test_new_york_spring_forward_day() -> None:
    """2026-03-08: 02:00 EST jumps to 03:00 EDT."""
    sched = schedule("America/New_York", every_day("00:00-04:00"), slot_minutes=30)
    assert [s.local_start.strftime("%H:%M%z") for s in slots_on(sched, date(2026, 3, 8))] == [
        "00:00-0500",
        "00:30-0500",
        "01:00-0500",
        # 01:30-02:00 ends in the gap.
        "03:00-0400",
        "03:30-0400",
    ]


def test_new_york_fall_back_day() -> None:
    """2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00-02:00 happens twice."""
    sched = schedule("America/New_York", every_day("00:00-04:00"), slot_minutes=30)
    slots = slots_on(sched, date(2026, 11, 1))
    assert [s.local_start.strftime("%H:%M%z") for s in slots] == [
        "00:00-0400",
        # 00:30-01:00 ends on the repeated 01:00; 01:00 and 01:30 start in the repeat.
        "02:00-0500",
        "02:30-0500",
        "03:00-0500",
        "03:30-0500",
    ]
    assert slots[0].start == utc("2026-11-01T04:00:00Z")
    assert slots[1].start == utc("2026-11-01T07:00:00Z")


def test_a_long_slot_whose_offset_changes_is_never_offered() -> None:
    sched = schedule(weekly=every_day("00:00-12:00"))
    starts = [
        s.local_start.strftime("%H:%M") for s in slots_on(sched, date(2026, 3, 29), minutes=240)
    ]
    # 00:00 and 01:00 would end after the jump, 02:00 does not exist.
    assert starts == ["03:00", "04:00", "05:00", "06:00", "07:00", "08:00"]
    for slot in slots_on(sched, date(2026, 3, 29), minutes=240):
        assert slot.end - slot.start == timedelta(hours=4)


def test_lord_howe_half_hour_shifts() -> None:
    """Lord Howe Island moves its clock by 30 minutes, at 02:00 local time."""
    sched = schedule("Australia/Lord_Howe", every_day("00:00-04:00"), slot_minutes=30)
    autumn = [s.local_start.strftime("%H:%M%z") for s in slots_on(sched, date(2026, 4, 5))]
    # 02:00 falls back to 01:30: 01:30-02:00 happens twice.
    assert autumn == [
        "00:00+1100",
        "00:30+1100",
        "02:00+1030",
        "02:30+1030",
        "03:00+1030",
        "03:30+1030",
    ]
    spring = [s.local_start.strftime("%H:%M%z") for s in slots_on(sched, date(2026, 10, 4))]
    # 02:00 jumps to 02:30.
    assert spring == [
        "00:00+1030",
        "00:30+1030",
        "01:00+1030",
        "02:30+1100",
        "03:00+1100",
        "03:30+1100",
    ]


def test_a_zone_that_changes_at_midnight_loses_the_slot_at_midnight() -> None:
    """Havana jumps from 00:00 to 01:00 on 2026-03-08."""
    sched = schedule("America/Havana", every_day("00:00-03:00"))
    assert [s.local_start.strftime("%H:%M") for s in slots_on(sched, date(2026, 3, 8))] == [
        "01:00",
        "02:00",
    ]


def test_the_night_worker_across_both_berlin_changes() -> None:
    sched = schedule(weekly=every_day("00:00-02:00", "22:00-24:00"))
    spring = local(slots_on(sched, date(2026, 3, 28), days=2))
    assert spring == [
        "2026-03-28T00:00:00+01:00/2026-03-28T01:00:00+01:00",
        "2026-03-28T01:00:00+01:00/2026-03-28T02:00:00+01:00",
        "2026-03-28T22:00:00+01:00/2026-03-28T23:00:00+01:00",
        "2026-03-28T23:00:00+01:00/2026-03-29T00:00:00+01:00",
        "2026-03-29T00:00:00+01:00/2026-03-29T01:00:00+01:00",
        # 01:00-02:00 on the 29th ends at 02:00, which does not exist.
        "2026-03-29T22:00:00+02:00/2026-03-29T23:00:00+02:00",
        "2026-03-29T23:00:00+02:00/2026-03-30T00:00:00+02:00",
    ]
    autumn = local(slots_on(sched, date(2026, 10, 24), days=2))
    assert autumn == [
        "2026-10-24T00:00:00+02:00/2026-10-24T01:00:00+02:00",
        "2026-10-24T01:00:00+02:00/2026-10-24T02:00:00+02:00",
        "2026-10-24T22:00:00+02:00/2026-10-24T23:00:00+02:00",
        "2026-10-24T23:00:00+02:00/2026-10-25T00:00:00+02:00",
        "2026-10-25T00:00:00+02:00/2026-10-25T01:00:00+02:00",
        # 01:00-02:00 on the 25th ends at 02:00, which happens twice.
        "2026-10-25T22:00:00+01:00/2026-10-25T23:00:00+01:00",
        "2026-10-25T23:00:00+01:00/2026-10-26T00:00:00+01:00",
    ]


# --- window, notice, horizon --------------------------------------------------------------


def test_slots_start_inside_the_window() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"))
    start, end = utc("2026-06-01T10:30:00Z"), utc("2026-06-01T13:00:00Z")
    slots = open_slots(sched, [], start=start, end=end, duration=HOUR, now=LONG_AGO)
    assert [s.start for s in slots] == [utc("2026-06-01T11:00Z"), utc("2026-06-01T12:00Z")]
    # A slot may end after the window.
    slots = open_slots(sched, [], start=start, end=end + HOUR / 2, duration=HOUR, now=LONG_AGO)
    assert slots[-1].start == utc("2026-06-01T13:00Z")
    assert open_slots(sched, [], start=end, end=start, duration=HOUR, now=LONG_AGO) == []


def test_minimum_notice_is_inclusive() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"), min_notice_minutes=120)
    now = utc("2026-06-01T08:00:00Z")
    first = slots_on(sched, date(2026, 6, 1), now=now)[0]
    assert first.start == now + timedelta(hours=2)
    later = now + timedelta(seconds=1)
    assert slots_on(sched, date(2026, 6, 1), now=later)[0].start == utc("2026-06-01T11:00Z")
    assert refusal(sched, [], start=first.start, duration=HOUR, now=later) is Refusal.TOO_SOON


def test_the_horizon_is_horizon_days_of_24_hours_inclusive() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"), horizon_days=2)
    now = utc("2026-06-01T12:00:00Z")
    slots = slots_on(sched, date(2026, 6, 1), days=5, now=now)
    assert slots[-1].start == utc("2026-06-03T12:00Z")
    past = utc("2026-06-03T13:00Z")
    assert refusal(sched, [], start=past, duration=HOUR, now=now) is Refusal.BEYOND_HORIZON
    assert refusal(sched, [], start=slots[-1].start, duration=HOUR, now=now) is None


def test_a_window_beyond_the_horizon_is_empty() -> None:
    sched = schedule("UTC", every_day("00:00-24:00"), horizon_days=1)
    assert slots_on(sched, date(2026, 6, 10), now=utc("2026-06-01T00:00Z")) == []


def test_a_window_wholly_in_the_past_is_empty() -> None:
    sched = schedule("UTC", every_day("00:00-24:00"))
    assert slots_on(sched, date(2026, 6, 1), now=utc("2026-06-02T00:00Z")) == []


# --- bookings and buffers -----------------------------------------------------------------


def test_busy_intervals_take_their_slots_and_no_more() -> None:
    sched = schedule("UTC", every_day("09:00-13:00"))
    busy = (Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T11:00Z")),)
    starts = [s.start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1), busy=busy)]
    assert starts == ["09:00", "11:00", "12:00"]


def test_a_busy_interval_blocks_every_slot_it_touches() -> None:
    sched = schedule("UTC", every_day("09:00-13:00"), slot_minutes=30)
    busy = (Interval(utc("2026-06-01T10:10Z"), utc("2026-06-01T10:40Z")),)
    starts = [
        s.start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1), minutes=60, busy=busy)
    ]
    assert starts == ["09:00", "11:00", "11:30", "12:00"]


def test_the_buffer_keeps_time_free_after_the_new_booking() -> None:
    sched = schedule("UTC", every_day("09:00-13:00"), buffer_minutes=15)
    busy = (Interval(utc("2026-06-01T11:00Z"), utc("2026-06-01T12:00Z")),)
    starts = [s.start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1), busy=busy)]
    # 10:00-11:00 plus 15 minutes of buffer would run into the booking at 11:00.
    assert starts == ["09:00", "12:00"]
    assert (
        refusal(sched, busy, start=utc("2026-06-01T10:00Z"), duration=HOUR, now=LONG_AGO)
        is Refusal.TAKEN
    )


def test_busy_intervals_carry_the_buffer_of_their_own_booking() -> None:
    sched = schedule("UTC", every_day("09:00-13:00"))
    # A booking 10:00-11:00 with a 30 minute buffer holds until 11:30.
    busy = (Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T11:30Z")),)
    starts = [s.start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1), busy=busy)]
    assert starts == ["09:00", "12:00"]


def test_overlapping_and_unsorted_busy_intervals() -> None:
    sched = schedule("UTC", every_day("08:00-16:00"))
    busy = (
        Interval(utc("2026-06-01T13:00Z"), utc("2026-06-01T13:30Z")),
        Interval(utc("2026-06-01T09:00Z"), utc("2026-06-01T12:00Z")),
        Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T10:30Z")),
        Interval(utc("2026-06-01T15:00Z"), utc("2026-06-01T15:00Z")),  # empty: holds nothing
    )
    starts = [s.start.strftime("%H:%M") for s in slots_on(sched, date(2026, 6, 1), busy=busy)]
    assert starts == ["08:00", "12:00", "14:00", "15:00"]


# --- refusals ------------------------------------------------------------------------------


def test_refusal_is_none_for_every_offered_slot() -> None:
    sched = schedule("Europe/Berlin", every_day("00:00-05:00"), slot_minutes=30)
    for slot in slots_on(sched, date(2026, 3, 29), minutes=60):
        assert refusal(sched, [], start=slot.start, duration=HOUR, now=LONG_AGO) is None


def test_refusal_reasons_come_in_order() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"), min_notice_minutes=60, horizon_days=1)
    now = utc("2026-06-01T08:00Z")
    busy = [Interval(utc("2026-06-01T12:00Z"), utc("2026-06-01T13:00Z"))]

    def why(start: str) -> Refusal | None:
        return refusal(sched, busy, start=utc(start), duration=HOUR, now=now)

    assert why("2026-06-01T08:30Z") is Refusal.TOO_SOON  # outside hours too
    assert why("2026-06-02T09:00:01Z") is Refusal.BEYOND_HORIZON
    assert why("2026-06-01T09:30Z") is Refusal.OUTSIDE_HOURS  # not on the slot grid
    assert why("2026-06-01T10:00:00.000001Z") is Refusal.OUTSIDE_HOURS
    assert why("2026-06-01T17:00Z") is Refusal.OUTSIDE_HOURS
    assert why("2026-06-01T12:00Z") is Refusal.TAKEN
    assert why("2026-06-01T11:00Z") is None
    assert why("2026-06-01T09:00Z") is None  # exactly the notice


def test_refusal_of_a_start_the_clock_change_removed() -> None:
    sched = schedule("Europe/Berlin", every_day("00:00-05:00"))
    for start in ("2026-03-29T01:00:00+01:00", "2026-10-25T02:00:00+02:00"):
        assert (
            refusal(sched, [], start=utc(start), duration=HOUR, now=LONG_AGO)
            is Refusal.OUTSIDE_HOURS
        )
    assert (
        refusal(sched, [], start=utc("2026-10-25T03:00+01:00"), duration=HOUR, now=LONG_AGO) is None
    )


def test_refusal_accepts_any_offset_for_the_same_instant() -> None:
    sched = schedule("Europe/Berlin", every_day("09:00-17:00"))
    start = datetime.fromisoformat("2026-06-01T03:00:00-04:00")  # 09:00 in Berlin
    assert refusal(sched, [], start=start, duration=HOUR, now=LONG_AGO) is None


# --- durations and input --------------------------------------------------------------------


def test_booking_duration() -> None:
    rules = BookingRules(slot_minutes=20)
    assert booking_duration(None, rules) == timedelta(minutes=20)
    assert booking_duration(20, rules) == timedelta(minutes=20)
    assert booking_duration(15, rules) == timedelta(minutes=15)
    assert booking_duration(25, rules) == timedelta(minutes=25)
    assert booking_duration(720, rules) == timedelta(hours=12)


@pytest.mark.parametrize("minutes", [0, -15, 10, 22, 725, 10**9])
def test_booking_duration_refuses(minutes: int) -> None:
    with pytest.raises(Invalid) as raised:
        booking_duration(minutes, BookingRules())
    assert [e.field for e in raised.value.errors] == ["duration_minutes"]


def test_instants_must_be_timezone_aware() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"))
    naive = datetime(2026, 6, 1, 9)
    with pytest.raises(ValueError, match="start"):
        open_slots(
            sched, [], start=naive, end=utc("2026-06-02T00:00Z"), duration=HOUR, now=LONG_AGO
        )
    with pytest.raises(ValueError, match="now"):
        refusal(sched, [], start=utc("2026-06-01T09:00Z"), duration=HOUR, now=naive)


def test_durations_must_be_whole_positive_minutes() -> None:
    sched = schedule("UTC", every_day("09:00-17:00"))
    start, end = utc("2026-06-01T00:00Z"), utc("2026-06-02T00:00Z")
    for duration in (timedelta(0), timedelta(seconds=90), -HOUR):
        with pytest.raises(ValueError, match="duration"):
            open_slots(sched, [], start=start, end=end, duration=duration, now=LONG_AGO)


def test_a_month_of_slots_around_the_clock() -> None:
    sched = schedule("Europe/Berlin", every_day("00:00-24:00"), slot_minutes=15)
    start, end = local_day(sched, date(2026, 3, 1), days=31)
    slots = open_slots(sched, [], start=start, end=end, duration=HOUR, now=LONG_AGO)
    # 31 days of 93 starts, less 8 on the night of 29 March: those starting at 02:00-02:45,
    # which does not exist, and at 01:00-01:45, whose hour would end in that gap.
    assert len(slots) == 31 * 93 - 8
    assert all(a.start < b.start for a, b in pairwise(slots))
