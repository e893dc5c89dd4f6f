"""What the reviews need from storage, and from the bookings they review."""

from __future__ import annotations

import uuid
from typing import Protocol

from alora_core.booking.reviews.model import Review
from alora_core.booking.reviews.queries import ReviewView
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


class Reviews(Protocol):
    async def add(self, review: Review) -> None:
        """On commit, a second review of the same booking raises ``Conflict`` naming
        ``booking_id``: the database's unique index decides races."""
        ...

    async def get(self, review_id: uuid.UUID) -> Review | None: ...

    async def get_for_update(self, review_id: uuid.UUID) -> Review | None:
        """``get``, locked against other writers until this transaction ends (``FOR UPDATE``
        on PostgreSQL), so a change is computed from the rating as it is."""
        ...

    async def of_booking(self, booking_id: uuid.UUID) -> Review | None: ...

    async def delete(self, review: Review) -> None:
        """On commit, ``Conflict`` when another transaction changed or deleted it since."""
        ...

    async def count_in_rating(
        self, professional_id: uuid.UUID, *, reviews: int, rating: int
    ) -> None:
        """Add ``reviews`` to the professional's review count and ``rating`` to their rating
        total, as one atomic relative update in this transaction (in memory: at commit), so
        concurrent reviews never lose each other's change."""
        ...

    async def author_name(self, user_id: uuid.UUID | None) -> str | None:
        """The user's full name; None when there is no such user."""
        ...

    async def view(self, review_id: uuid.UUID) -> ReviewView | None: ...

    async def page(self, professional_id: uuid.UUID | None, page: PageRequest) -> Page[ReviewView]:
        """Newest first (then the highest id), all reviews or the professional's, with the
        number of them; one query for the page."""
        ...


class ReviewedBooking(Protocol):
    """What a review needs to know of its booking."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def customer_id(self) -> uuid.UUID: ...

    @property
    def professional_id(self) -> uuid.UUID: ...

    @property
    def status(self) -> str: ...


class ReviewedBookings(Protocol):
    async def get(self, booking_id: uuid.UUID) -> ReviewedBooking | None: ...


class ReviewsUnitOfWork(UnitOfWork, Protocol):
    @property
    def reviews(self) -> Reviews: ...

    @property
    def bookings(self) -> ReviewedBookings: ...
