"""A professional's availability on the wire (camelCase): weekly hours, booking rules and date
exceptions, as the professional sets and reads them, and the open slots offered from them.

Body strings and lists are bounded here only against abuse; the rules of hours ("HH:MM"
times, overlaps, how many slots ...) are checked by the core, which reports every problem at
once with its path (``weekly[0].slots[1].end``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from msgspec import Meta

from alora_core.booking.bookings.queries import OpenSlots
from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import (
    BookingRules,
    DateException,
    DayHours,
    ExceptionKind,
    Schedule,
    Slot,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.validation import format_minutes
from alora_core.shared.actor import Actor
from entrypoints.http import examples
from entrypoints.http.schemas import RequestSchema, ResponseSchema

# --- requests -----------------------------------------------------------------------------------

_Time = Annotated[str, Meta(max_length=10, description="`HH:MM`, 24 h.", examples=["09:00"])]
TimeZoneName = Annotated[
    str,
    Meta(
        max_length=100,
        description="An IANA time zone; working hours are read in it.",
        examples=["Europe/Berlin"],
    ),
]


class HoursRequest(RequestSchema):
    start: _Time
    end: Annotated[
        str, Meta(max_length=10, description="`HH:MM`, after the start; `24:00` ends the day.")
    ]


def _hours(slots: list[HoursRequest]) -> list[c.HoursInput]:
    return [c.HoursInput(start=slot.start, end=slot.end) for slot in slots]


class DayRequest(RequestSchema):
    day: Annotated[
        str, Meta(max_length=20, description="`monday` ... `sunday`.", examples=["monday"])
    ]
    slots: Annotated[
        list[HoursRequest], Meta(max_length=1000, description="Up to 12, not overlapping.")
    ] = []


class RulesRequest(RequestSchema):
    min_notice_minutes: Annotated[int, Meta(description="0 to 43,200 (30 days).")] = 120
    horizon_days: Annotated[int, Meta(description="1 to 365.")] = 60
    buffer_minutes: Annotated[int, Meta(description="Kept free after each booking: 0 to 480.")] = 0
    slot_minutes: Annotated[int, Meta(description="15 to 720, a multiple of 5.")] = 60


class AvailabilityRequest(RequestSchema):
    """The weekly hours and the booking rules; date exceptions stay as they are."""

    example = examples.AVAILABILITY
    timezone: TimeZoneName
    weekly: Annotated[list[DayRequest], Meta(max_length=100, description="Each day once.")] = []
    rules: RulesRequest | None = None
    """Left out: the defaults."""

    def to_command(self, actor: Actor) -> c.SetAvailability:
        rules = self.rules
        return c.SetAvailability(
            actor=actor,
            timezone=self.timezone,
            weekly=[c.DayInput(day=day.day, slots=_hours(day.slots)) for day in self.weekly],
            rules=None
            if rules is None
            else c.RulesInput(
                min_notice_minutes=rules.min_notice_minutes,
                horizon_days=rules.horizon_days,
                buffer_minutes=rules.buffer_minutes,
                slot_minutes=rules.slot_minutes,
            ),
        )


class ExceptionRequest(RequestSchema):
    """`off` without slots: the whole day off; `off` with slots: those hours off; `extra`:
    working these hours too."""

    example = examples.EXCEPTION
    date: Annotated[dt.date, Meta(description="A local date, today or later.")]
    kind: ExceptionKind
    slots: Annotated[list[HoursRequest], Meta(max_length=1000)] = []
    note: Annotated[str, Meta(max_length=1000, description="Up to 200 characters.")] = ""

    def to_command(self, actor: Actor) -> c.AddException:
        return c.AddException(
            actor=actor,
            day=self.date,
            kind=self.kind,
            slots=_hours(self.slots),
            note=self.note,
        )


# --- responses ----------------------------------------------------------------------------------


class HoursResponse(ResponseSchema):
    start: str
    end: str


def _ranges(ranges: tuple[TimeRange, ...]) -> list[HoursResponse]:
    return [HoursResponse(format_minutes(r.start), format_minutes(r.end)) for r in ranges]


class DayResponse(ResponseSchema):
    day: Weekday
    slots: list[HoursResponse]

    @classmethod
    def of(cls, day: DayHours) -> DayResponse:
        return cls(day=day.day, slots=_ranges(day.ranges))


class ExceptionResponse(ResponseSchema):
    id: uuid.UUID
    date: dt.date
    kind: ExceptionKind
    slots: list[HoursResponse]
    note: str

    @classmethod
    def of(cls, exception: DateException) -> ExceptionResponse:
        return cls(
            id=exception.id,
            date=exception.day,
            kind=exception.kind,
            slots=_ranges(exception.ranges),
            note=exception.note,
        )


class RulesResponse(ResponseSchema):
    min_notice_minutes: int
    horizon_days: int
    buffer_minutes: int
    slot_minutes: int

    @classmethod
    def of(cls, rules: BookingRules) -> RulesResponse:
        return cls(
            min_notice_minutes=rules.min_notice_minutes,
            horizon_days=rules.horizon_days,
            buffer_minutes=rules.buffer_minutes,
            slot_minutes=rules.slot_minutes,
        )


class AvailabilityResponse(ResponseSchema):
    """Weekly hours (Monday first; days without hours left out), date exceptions (by date) and
    booking rules, all read in ``timezone``."""

    timezone: str
    weekly: list[DayResponse]
    exceptions: list[ExceptionResponse]
    rules: RulesResponse

    @classmethod
    def of(cls, schedule: Schedule) -> AvailabilityResponse:
        return cls(
            timezone=schedule.timezone,
            weekly=[DayResponse.of(day) for day in schedule.weekly],
            exceptions=[ExceptionResponse.of(e) for e in schedule.exceptions],
            rules=RulesResponse.of(schedule.rules),
        )


class SlotResponse(ResponseSchema):
    start: Annotated[dt.datetime, Meta(description="UTC.")]
    end: Annotated[dt.datetime, Meta(description="UTC; the end of the booked work.")]
    local_start: Annotated[
        dt.datetime, Meta(description="`start` in the professional's time zone, with its offset.")
    ]
    local_end: Annotated[
        dt.datetime, Meta(description="`end` in the professional's time zone, with its offset.")
    ]

    @classmethod
    def of(cls, slot: Slot) -> SlotResponse:
        return cls(
            start=slot.start.astimezone(dt.UTC),
            end=slot.end.astimezone(dt.UTC),
            local_start=slot.local_start,
            local_end=slot.local_end,
        )


class SlotsResponse(ResponseSchema):
    timezone: Annotated[str, Meta(description="The professional's IANA time zone.")]
    slots: Annotated[list[SlotResponse], Meta(description="Bookable starts, earliest first.")]

    @classmethod
    def of(cls, found: OpenSlots) -> SlotsResponse:
        return cls(timezone=found.timezone, slots=[SlotResponse.of(s) for s in found.slots])
