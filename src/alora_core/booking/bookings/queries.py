"""Bookings' read models that are not the aggregate."""

from __future__ import annotations

from attrs import frozen

from alora_core.booking.professionals.availability import Slot


@frozen(kw_only=True)
class OpenSlots:
    """A professional's bookable starts in a window, in time order."""

    timezone: str
    """The professional's IANA zone: ``Slot.local_start`` and ``local_end`` are in it."""
    slots: list[Slot]
