"""The ``reviews`` table, its imperative mapping and the repository.

One review per booking: a unique constraint on ``booking_id``, so of two concurrent reviews of
one booking the second fails at commit (``Conflict`` naming ``booking_id``). A review belongs to
its professional's profile and goes with it (``ON DELETE CASCADE``); it outlives its booking and
its author's account (``ON DELETE SET NULL``), so no deletion elsewhere changes the professional's
rating behind the counters' back.

The counters ``professional_profiles.review_count`` and ``rating_total`` change by one relative
``UPDATE`` in the transaction of each review write. Edits and deletions first lock the review
(``FOR UPDATE``) and then the profile row (the UPDATE); a new review locks the profile row and
then inserts; so writers of one professional queue on the profile row and never deadlock, and the
counters always equal ``COUNT``/``SUM`` over the reviews. Lists read the index on
``(professional_id, created_at, id)`` backwards, the author's name joined from ``users``, with the
number of matches beside each row (``count(*) OVER ()``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    column,
    func,
    select,
    table,
    update,
)
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.paging import windowed_page
from adapters.sqlalchemy.types import UtcDateTime
from alora_core.booking.reviews.model import MAX_RATING, MIN_RATING, Review
from alora_core.booking.reviews.queries import ReviewView, public_name
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlReviews", "reviews_table"]

reviews_table = Table(
    "reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("booking_id", Uuid, ForeignKey("bookings.id", ondelete="SET NULL"), nullable=True),
    Column(
        "professional_id",
        Uuid,
        ForeignKey("professional_profiles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("author_id", Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("rating", Integer, nullable=False),
    Column("comment", String, nullable=False),
    Column("reply", String, nullable=True),
    Column("replied_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("booking_id"),
    CheckConstraint(f"rating BETWEEN {MIN_RATING} AND {MAX_RATING}", name="rating"),
    Index("ix_reviews_professional_id_created_at", "professional_id", "created_at", "id"),
    Index("ix_reviews_author_id", "author_id"),
)
_r = reviews_table.c

review_mapper: Mapper[Any] = map_versioned(Review, reviews_table)

# The profiles part owns this table; the reviews write only these two pinned counters.
_profiles = table(
    "professional_profiles",
    column("id", Uuid),
    column("review_count", Integer),
    column("rating_total", Integer),
)
_u = users_table.c
_AUTHOR_NAME = _u.full_name.label("author_name")


class SqlReviews:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, review: Review) -> None:
        self._uow.add(review)

    async def get(self, review_id: uuid.UUID) -> Review | None:
        return await self._uow.get(Review, review_id)

    async def get_for_update(self, review_id: uuid.UUID) -> Review | None:
        statement = (
            select(Review)
            .where(_r.id == review_id)
            .with_for_update()  # SQLite has no row locks; its writers queue
            .execution_options(populate_existing=True)
        )
        return await self._uow.first(statement)

    async def of_booking(self, booking_id: uuid.UUID) -> Review | None:
        return await self._uow.first(select(Review).where(_r.booking_id == booking_id))

    async def delete(self, review: Review) -> None:
        await self._uow.delete(review)

    async def count_in_rating(
        self, professional_id: uuid.UUID, *, reviews: int, rating: int
    ) -> None:
        statement = (
            update(_profiles)
            .where(_profiles.c.id == professional_id)
            .values(
                review_count=_profiles.c.review_count + reviews,
                rating_total=_profiles.c.rating_total + rating,
            )
        )
        await self._uow.execute(statement)

    async def author_name(self, user_id: uuid.UUID | None) -> str | None:
        if user_id is None:
            return None
        return await self._uow.scalar(select(_u.full_name).where(_u.id == user_id))

    async def view(self, review_id: uuid.UUID) -> ReviewView | None:
        statement = _with_author(select(Review, _AUTHOR_NAME)).where(_r.id == review_id)
        row = (await self._uow.execute(statement)).first()
        return None if row is None else _view(row.Review, row.author_name)

    async def page(self, professional_id: uuid.UUID | None, page: PageRequest) -> Page[ReviewView]:
        where: list[ColumnElement[bool]] = []
        if professional_id is not None:
            where.append(_r.professional_id == professional_id)
        statement = (
            _with_author(select(Review, _AUTHOR_NAME, func.count().over().label("total")))
            .where(*where)
            .order_by(_r.created_at.desc(), _r.id.desc())
        )
        counting = select(func.count()).select_from(reviews_table).where(*where)
        return await windowed_page(
            self._uow, statement, counting, page, lambda row: _view(row.Review, row.author_name)
        )


def _with_author(statement: Any) -> Any:
    return statement.outerjoin(users_table, _u.id == _r.author_id)


def _view(review: Review, full_name: str | None) -> ReviewView:
    return ReviewView(
        review=review, author_name=None if full_name is None else public_name(full_name)
    )
