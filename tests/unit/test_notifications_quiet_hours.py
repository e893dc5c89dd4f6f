"""When a notification's email may go: preferences, and quiet hours in the recipient's local time
(windows across midnight, DST days in several zones), as examples and as properties."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from alora_core.notifications.model import EmailKind, Recipient, end_of_quiet_hours

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def at(tz: ZoneInfo, wall: str) -> datetime:
    """The instant (UTC) a clock in ``tz`` shows ``wall`` (``YYYY-MM-DD HH:MM``)."""
    return datetime.fromisoformat(wall).replace(tzinfo=tz).astimezone(UTC)


def quiet(instant: datetime, tz: ZoneInfo, start: time, end: time) -> bool:
    """The definition: the wall clock in ``tz`` shows a time in ``[start, end)``."""
    wall = instant.astimezone(tz).time()
    return start <= wall < end if start <= end else (wall >= start or wall < end)


# --- examples -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "now", "start", "end", "due"),
    [
        # Outside the window: at once.
        (BERLIN, at(BERLIN, "2030-01-15 13:00"), time(22), time(7), at(BERLIN, "2030-01-15 13:00")),
        (BERLIN, at(BERLIN, "2030-01-15 07:00"), time(22), time(7), at(BERLIN, "2030-01-15 07:00")),
        # Across midnight: before it, the end is tomorrow; after it, today.
        (BERLIN, at(BERLIN, "2030-01-15 23:00"), time(22), time(7), at(BERLIN, "2030-01-16 07:00")),
        (BERLIN, at(BERLIN, "2030-01-15 22:00"), time(22), time(7), at(BERLIN, "2030-01-16 07:00")),
        (BERLIN, at(BERLIN, "2030-01-16 02:00"), time(22), time(7), at(BERLIN, "2030-01-16 07:00")),
        # Within one day.
        (
            BERLIN,
            at(BERLIN, "2030-01-15 12:30"),
            time(12),
            time(14),
            at(BERLIN, "2030-01-15 14:00"),
        ),
        # Spring forward in Berlin (02:00 CET -> 03:00 CEST at 01:00 UTC): an end at 02:30
        # never shows; the quiet hours end at the jump.
        (BERLIN, utc(2030, 3, 31, 0, 30), time(1), time(2, 30), utc(2030, 3, 31, 1, 0)),
        # ... and a night across it is an hour shorter.
        (BERLIN, at(BERLIN, "2030-03-30 23:00"), time(22), time(7), utc(2030, 3, 31, 5, 0)),
        # Fall back in New York (02:00 EDT -> 01:00 EST at 06:00 UTC): 01:30 shows twice.
        (NEW_YORK, utc(2030, 11, 3, 4, 0), time(0), time(1, 30), utc(2030, 11, 3, 5, 30)),
        (NEW_YORK, utc(2030, 11, 3, 6, 10), time(0), time(1, 30), utc(2030, 11, 3, 6, 30)),
        # A night across it is an hour longer.
        (NEW_YORK, at(NEW_YORK, "2030-11-02 23:00"), time(22), time(7), utc(2030, 11, 3, 12, 0)),
        # Spring forward in New York, across midnight.
        (NEW_YORK, utc(2030, 3, 10, 3, 0), time(22), time(7), utc(2030, 3, 10, 11, 0)),
        # A window of no length is no window.
        (BERLIN, at(BERLIN, "2030-01-15 09:00"), time(9), time(9), at(BERLIN, "2030-01-15 09:00")),
    ],
)
def test_end_of_quiet_hours(
    tz: ZoneInfo, now: datetime, start: time, end: time, due: datetime
) -> None:
    assert end_of_quiet_hours(now, tz, start, end) == due


def recipient(**fields: object) -> Recipient:
    defaults: dict[str, object] = {
        "user_id": uuid.uuid4(),
        "email": "ana@example.com",
        "full_name": "Ana",
        "email_notifications": True,
        "marketing_emails": False,
        "booking_reminders": True,
        "review_notifications": True,
    }
    return Recipient(**(defaults | fields))  # type: ignore[arg-type]


NOON = utc(2030, 1, 15, 12, 0)


def test_an_unwanted_kind_has_no_email() -> None:
    assert recipient().email_due_at(EmailKind.MARKETING, NOON) is None
    assert recipient(marketing_emails=True).email_due_at(EmailKind.MARKETING, NOON) == NOON
    assert recipient(email_notifications=False).email_due_at(EmailKind.SECURITY, NOON) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), ("11:00", None), (None, "13:00"), ("11:00", "24:00"), ("1100", "13:00"),
     ("11:00", "13:0"), ("", "")],
)  # fmt: skip
def test_quiet_hours_need_two_valid_times(start: str | None, end: str | None) -> None:
    ana = recipient(quiet_hours_start=start, quiet_hours_end=end)
    assert ana.email_due_at(EmailKind.ACCOUNT, NOON) == NOON


def test_quiet_hours_are_local_and_an_unknown_zone_is_utc() -> None:
    quiet_hours = {"quiet_hours_start": "11:00", "quiet_hours_end": "13:00"}
    assert recipient(**quiet_hours).email_due_at(EmailKind.ACCOUNT, NOON) == utc(2030, 1, 15, 13)
    in_berlin = recipient(timezone="Europe/Berlin", **quiet_hours)
    assert in_berlin.email_due_at(EmailKind.ACCOUNT, NOON) == utc(2030, 1, 15, 12)
    nowhere = recipient(timezone="Mars/Olympus_Mons", **quiet_hours)
    assert nowhere.email_due_at(EmailKind.ACCOUNT, NOON) == utc(2030, 1, 15, 13)
    for odd in ("../../etc/passwd", "America", "", "UTC\x00", "x" * 300):
        odd_zone = recipient(timezone=odd, **quiet_hours)
        assert odd_zone.email_due_at(EmailKind.ACCOUNT, NOON) == utc(2030, 1, 15, 13), odd


# --- properties -----------------------------------------------------------------------------------

# Days the clocks change, and a day Samoa skipped altogether (2011-12-30).
DST_DAYS = {
    "Europe/Berlin": [date(2030, 3, 31), date(2030, 10, 27)],
    "America/New_York": [date(2030, 3, 10), date(2030, 11, 3)],
    "Australia/Lord_Howe": [date(2030, 4, 7), date(2030, 10, 6)],  # a 30-minute shift
    "Pacific/Apia": [date(2011, 12, 30)],
    "UTC": [date(2030, 6, 1)],
}

zones = st.sampled_from(sorted(DST_DAYS))
wall_times = st.one_of(
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    # Near the hours the clocks change at.
    st.builds(time, st.sampled_from([0, 1, 2, 3]), st.sampled_from([0, 1, 15, 30, 45, 59])),
)


@st.composite
def moments(draw: st.DrawFn, zone: str) -> datetime:
    day = draw(st.sampled_from(DST_DAYS[zone]))
    seconds = draw(st.integers(-2 * 86_400, 2 * 86_400))
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)


@given(st.data(), zones, wall_times, wall_times, st.floats(0, 1, exclude_max=True))
@example(None, "Europe/Berlin", time(1), time(2, 30), 0.5)
def test_the_email_goes_at_the_first_moment_outside_quiet_hours(
    data: st.DataObject | None, zone: str, start: time, end: time, fraction: float
) -> None:
    tz = ZoneInfo(zone)
    now = utc(2030, 3, 31, 0, 30) if data is None else data.draw(moments(zone))
    due = end_of_quiet_hours(now, tz, start, end)
    assert due >= now
    assert due.tzinfo is UTC
    assert not quiet(due, tz, start, end), (due, due.astimezone(tz))
    assert due - now <= timedelta(hours=48)
    if due > now:
        # Quiet all the way: right before, and anywhere in between.
        assert quiet(due - timedelta(seconds=1), tz, start, end)
        assert quiet(now, tz, start, end)
        between = min(now + (due - now) * fraction, due - timedelta(microseconds=1))
        assert quiet(between, tz, start, end), (between, between.astimezone(tz))
