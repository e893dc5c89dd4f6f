"""Reviews in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.reviews``: one review per booking (the store's unique
column), newest first, the author's name read from the users. The professional's counters
change at commit, added to the stored profile as the SQL relative update adds them; memory
commits have no ``await`` inside, so that is atomic. A deletion checks at commit that the review
is still as it was read, as the SQL adapter's versioned DELETE does.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from alora_core.booking.reviews.model import Review
from alora_core.booking.reviews.queries import ReviewView, public_name
from alora_core.identity.model import User
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "reviews"
STALE_DETAIL = "the record was changed by someone else; try again"


class MemoryReviews:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, review: Review) -> None:
        self._uow.add(TABLE, review)

    async def get(self, review_id: uuid.UUID) -> Review | None:
        review: Review | None = self._uow.load(TABLE, review_id)
        return review

    async def get_for_update(self, review_id: uuid.UUID) -> Review | None:
        return await self.get(review_id)

    async def of_booking(self, booking_id: uuid.UUID) -> Review | None:
        return next(self._uow.scan(TABLE, lambda r: r.booking_id == booking_id), None)

    async def delete(self, review: Review) -> None:
        version, rows = review.version, self._uow.store.rows("reviews")

        def unchanged() -> None:
            stored = rows.get(review.id)
            if stored is None or stored.version != version:
                raise Conflict(STALE_DETAIL)

        self._uow.before_commit(unchanged)
        self._uow.delete(TABLE, review)

    async def count_in_rating(
        self, professional_id: uuid.UUID, *, reviews: int, rating: int
    ) -> None:
        profiles = self._uow.store.rows("professional_profiles")

        def add() -> None:
            profile = profiles.get(professional_id)
            if profile is not None:
                profile.review_count += reviews
                profile.rating_total += rating

        self._uow.on_commit(add)

    async def author_name(self, user_id: uuid.UUID | None) -> str | None:
        user: User | None = None if user_id is None else self._uow.load("users", user_id)
        return None if user is None else user.full_name

    async def view(self, review_id: uuid.UUID) -> ReviewView | None:
        review = await self.get(review_id)
        return None if review is None else await self._view(review)

    async def page(self, professional_id: uuid.UUID | None, page: PageRequest) -> Page[ReviewView]:
        found = sorted(
            self._uow.scan(
                TABLE, lambda r: professional_id is None or r.professional_id == professional_id
            ),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        return Page(
            items=[await self._view(r) for r in found[page.offset : page.offset + page.page_size]],
            total=len(found),
            page=page.page,
            page_size=page.page_size,
        )

    async def _view(self, review: Review) -> ReviewView:
        name = await self.author_name(review.author_id)
        return ReviewView(review=review, author_name=None if name is None else public_name(name))
