"""The rules for what professionals write: each input checked into domain values, every problem
reported at once with the path of its field (``weekly[0].slots[1].end``).

Checks that need the database (services that exist, files the professional uploaded) are made
by the use cases; everything here is pure.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import TypeVar

from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import (
    MINUTES_PER_DAY,
    BookingRules,
    DayHours,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.model import ServiceArea
from alora_core.shared.clock import iana_time_zones
from alora_core.shared.errors import FieldError
from alora_core.shared.money import Money
from alora_core.shared.text import has_control_characters

T = TypeVar("T")

MAX_CATEGORIES = 10
MAX_CATEGORY = 40
MAX_SERVICES = 50
MAX_SKILLS = 30
MAX_SKILL = 60
MAX_BIO = 2000
MAX_CITIES = 20
MAX_CITY = 80
MAX_POSTAL_CODES = 50
MAX_GALLERY = 20
RATE_CURRENCY = "EUR"
MAX_RATE = 1_000_000
"""Minor units: 10,000.00 an hour."""
MAX_RANGES_PER_DAY = 12
MAX_NOTE = 200

# (lowest, highest) for each booking rule.
RULE_BOUNDS: dict[str, tuple[int, int]] = {
    "min_notice_minutes": (0, 30 * 24 * 60),
    "horizon_days": (1, 365),
    "buffer_minutes": (0, 8 * 60),
    "slot_minutes": (15, 12 * 60),
}
SLOT_STEP_MINUTES = 5

_CATEGORY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_POSTAL_CODE = re.compile(r"[A-Z0-9](?:[A-Z0-9 -]{0,10}[A-Z0-9])?")
_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_DAYS = ", ".join(day.value for day in Weekday)


class Problems:
    """Collects field errors while a whole input is checked."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(path, message, code))

    def __bool__(self) -> bool:
        return bool(self.errors)


def _line(text: str) -> str:
    """Trimmed, with runs of spaces as one."""
    return " ".join(text.split())


def _unique(values: Iterable[tuple[int, T]]) -> list[tuple[int, T]]:
    """The first of each value (by ``str.casefold`` for text), with its index in the input."""
    seen: set[object] = set()
    kept = []
    for index, value in values:
        marker = value.casefold() if isinstance(value, str) else value
        if marker not in seen:
            seen.add(marker)
            kept.append((index, value))
    return kept


def _labels(
    values: Sequence[str], path: str, problems: Problems, *, most: int, longest: int
) -> list[tuple[int, str]]:
    """One-line texts of 1 to ``longest`` characters, repeats (ignoring case) dropped."""
    if len(values) > most:
        problems.add(path, f"must have at most {most} entries")
        return []
    kept = []
    for index, raw in enumerate(values):
        if has_control_characters(raw):
            problems.add(f"{path}[{index}]", "must be one line without control characters")
            continue
        text = _line(raw)
        if not 1 <= len(text) <= longest:
            problems.add(f"{path}[{index}]", f"must have 1 to {longest} characters")
            continue
        kept.append((index, text))
    return _unique(kept)


# --- the offer ------------------------------------------------------------------------------


def timezone_problem(name: str) -> str | None:
    if name not in iana_time_zones():
        return "must be an IANA time zone such as Europe/Berlin"
    return None


def normalize_category(category: str) -> str:
    """Categories are labels like the services' (``home-cleaning``), compared in lower case."""
    return category.strip().lower()


def categories(values: Sequence[str], problems: Problems) -> tuple[str, ...]:
    if len(values) > MAX_CATEGORIES:
        problems.add("categories", f"must have at most {MAX_CATEGORIES} entries")
        return ()
    kept = []
    for index, raw in enumerate(values):
        category = normalize_category(raw)
        if len(category) <= MAX_CATEGORY and _CATEGORY.fullmatch(category):
            kept.append((index, category))
        else:
            problems.add(
                f"categories[{index}]",
                f"must be a label of 1 to {MAX_CATEGORY} letters, digits and single hyphens, "
                "e.g. home-cleaning",
            )
    return tuple(category for _, category in _unique(kept))


def skills(values: Sequence[str], problems: Problems) -> tuple[str, ...]:
    kept = _labels(values, "skills", problems, most=MAX_SKILLS, longest=MAX_SKILL)
    return tuple(skill for _, skill in kept)


def bio(text: str, problems: Problems) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if has_control_characters(cleaned, allowed="\n\t"):
        problems.add("bio", "must not hold control characters")
    elif len(cleaned) > MAX_BIO:
        problems.add("bio", f"must have at most {MAX_BIO} characters")
    return cleaned


def hourly_rate(rate: c.RateInput | None, problems: Problems) -> Money | None:
    if rate is None:
        return None
    amount, currency = rate.amount, rate.currency.strip().upper()
    valid = True
    if type(amount) is not int or not 0 <= amount <= MAX_RATE:
        problems.add("hourly_rate.amount", f"must be a whole number of cents from 0 to {MAX_RATE}")
        valid = False
    if currency != RATE_CURRENCY:
        problems.add("hourly_rate.currency", f"must be {RATE_CURRENCY}")
        valid = False
    return Money(amount, currency) if valid else None


def service_area(area: c.AreaInput, problems: Problems) -> ServiceArea:
    cities = _labels(
        area.cities, "service_area.cities", problems, most=MAX_CITIES, longest=MAX_CITY
    )
    codes: list[tuple[int, str]] = []
    if len(area.postal_codes) > MAX_POSTAL_CODES:
        problems.add("service_area.postal_codes", f"must have at most {MAX_POSTAL_CODES} entries")
    else:
        for index, raw in enumerate(area.postal_codes):
            code = " ".join(raw.split()).upper()
            if _POSTAL_CODE.fullmatch(code):
                codes.append((index, code))
            else:
                problems.add(
                    f"service_area.postal_codes[{index}]",
                    "must be a postal code: 1 to 12 letters, digits, spaces or hyphens",
                )
    return ServiceArea(
        cities=[city for _, city in cities], postal_codes=[code for _, code in _unique(codes)]
    )


def unique_ids(
    ids: Sequence[uuid.UUID], path: str, problems: Problems, *, most: int
) -> list[tuple[int, uuid.UUID]]:
    """The ids without repeats, each with its index in the input (for error paths)."""
    if len(ids) > most:
        problems.add(path, f"must have at most {most} entries")
        return []
    return _unique(enumerate(ids))


# --- hours and rules ------------------------------------------------------------------------


def _minutes(text: str, *, end: bool) -> int | None:
    if end and text == "24:00":
        return MINUTES_PER_DAY
    match = _HH_MM.fullmatch(text)
    return int(match[1]) * 60 + int(match[2]) if match else None


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def ranges(slots: Sequence[c.HoursInput], path: str, problems: Problems) -> tuple[TimeRange, ...]:
    """Time ranges of one day, in order; each ``start < end``, none overlapping another
    (touching is fine)."""
    if len(slots) > MAX_RANGES_PER_DAY:
        problems.add(path, f"must have at most {MAX_RANGES_PER_DAY} time ranges")
        return ()
    parsed: list[tuple[int, TimeRange]] = []
    for index, slot in enumerate(slots):
        start = _minutes(slot.start, end=False)
        end = _minutes(slot.end, end=True)
        if start is None:
            problems.add(f"{path}[{index}].start", "must be a time from 00:00 to 23:59 (HH:MM)")
        if end is None:
            problems.add(f"{path}[{index}].end", "must be a time from 00:01 to 24:00 (HH:MM)")
        elif start is not None and end <= start:
            problems.add(f"{path}[{index}].end", "must be after the start")
        elif start is not None:
            parsed.append((index, TimeRange(start, end)))
    parsed.sort(key=lambda item: (item[1].start, item[1].end))
    reaching: tuple[int, TimeRange] | None = None  # the range ending last among those before
    for index, time_range in parsed:
        if reaching is not None and time_range.start < reaching[1].end:
            before_index, before = reaching
            problems.add(
                f"{path}[{index}].start",
                f"overlaps {path}[{before_index}] "
                f"({format_minutes(before.start)}-{format_minutes(before.end)})",
                "overlap",
            )
        if reaching is None or time_range.end > reaching[1].end:
            reaching = (index, time_range)
    return tuple(time_range for _, time_range in parsed)


def weekly(days: Sequence[c.DayInput], problems: Problems) -> tuple[DayHours, ...]:
    """The working hours of each weekday, Monday first; days without hours are left out."""
    found: dict[Weekday, int] = {}
    hours: dict[Weekday, tuple[TimeRange, ...]] = {}
    for index, entry in enumerate(days):
        path = f"weekly[{index}]"
        try:
            day = Weekday(entry.day.strip().lower())
        except ValueError:
            problems.add(f"{path}.day", f"must be one of {_DAYS}")
            continue
        if day in found:
            problems.add(f"{path}.day", f"repeats weekly[{found[day]}]", "duplicate")
            continue
        found[day] = index
        hours[day] = ranges(entry.slots, f"{path}.slots", problems)
    return tuple(DayHours(day, hours[day]) for day in Weekday if hours.get(day))


def booking_rules(rules: c.RulesInput | None, problems: Problems) -> BookingRules:
    if rules is None:
        return BookingRules()
    valid = True
    for name, (lowest, highest) in RULE_BOUNDS.items():
        value = getattr(rules, name)
        if type(value) is not int or not lowest <= value <= highest:
            problems.add(f"rules.{name}", f"must be a whole number from {lowest} to {highest}")
            valid = False
    if valid and rules.slot_minutes % SLOT_STEP_MINUTES:
        problems.add("rules.slot_minutes", f"must be a multiple of {SLOT_STEP_MINUTES}")
        valid = False
    if not valid:
        return BookingRules()
    return BookingRules(
        min_notice_minutes=rules.min_notice_minutes,
        horizon_days=rules.horizon_days,
        buffer_minutes=rules.buffer_minutes,
        slot_minutes=rules.slot_minutes,
    )


def note(text: str, problems: Problems) -> str:
    cleaned = _line(text)
    if has_control_characters(text):
        problems.add("note", "must be one line without control characters")
    elif len(cleaned) > MAX_NOTE:
        problems.add("note", f"must have at most {MAX_NOTE} characters")
    return cleaned
