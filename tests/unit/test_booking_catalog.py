"""The services catalog's use-case suite, in memory."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.shared.ids import new_id
from suites.booking_catalog import *  # noqa: F403
from suites.booking_catalog import START


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def uow_factory(store: MemoryStore) -> Callable[[], MemoryUnitOfWork]:
    return lambda: MemoryUnitOfWork(store)


@pytest.fixture
def add_booking(store: MemoryStore) -> Callable[[uuid.UUID, str], Awaitable[None]]:
    async def add(service_id: uuid.UUID, status: str) -> None:
        start = START + timedelta(days=3)
        booking = Booking(
            customer_id=new_id(),
            professional_id=new_id(),
            service_id=service_id,
            status=BookingStatus(status),
            start=start,
            end=start + timedelta(hours=1),
            blocked_until=start + timedelta(hours=1),
            address="1 Main Street",
            notes="",
            price=None,
            created_at=START,
            updated_at=START,
        )
        store.rows("bookings")[booking.id] = booking

    return add
