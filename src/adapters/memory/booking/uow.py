"""The booking context's unit of work in memory: one for all its parts (catalog,
professionals, bookings, reviews, favorites, search), each part using the repositories its
own protocol names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.booking.bookings import (
    MemoryBookingReminders,
    MemoryBookings,
    MemoryBusyTimes,
)
from adapters.memory.booking.favorites import MemoryFavorites
from adapters.memory.booking.professionals import (
    MemoryProfessionalDirectory,
    MemoryProfessionals,
)
from adapters.memory.booking.reviews import MemoryReviews
from adapters.memory.booking.search import MemorySearchIndex
from adapters.memory.booking.services import MemoryServices
from adapters.memory.booking.statistics import MemoryBookingStatistics
from adapters.memory.files.readers import MemoryOwnImages
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.booking.bookings.ports import BookingsUnitOfWork
    from alora_core.booking.catalog.ports import CatalogUnitOfWork
    from alora_core.booking.favorites.ports import FavoritesUnitOfWork
    from alora_core.booking.professionals.ports import ProfessionalsUnitOfWork
    from alora_core.booking.reviews.ports import ReviewsUnitOfWork
    from alora_core.booking.search.ports import SearchUnitOfWork


class MemoryBookingUnitOfWork(MemoryUnitOfWork):
    tables = (
        TableSpec("services"),
        TableSpec("professional_profiles", references=(Reference("id", "users"),)),
        TableSpec(
            "bookings",
            references=(Reference("customer_id", "users"), Reference("professional_id", "users")),
        ),
        TableSpec(
            "booking_reminders",
            references=(Reference("booking_id", "bookings"), Reference("recipient_id", "users")),
        ),
        TableSpec(
            "reviews",
            unique=("booking_id",),
            references=(
                Reference("booking_id", "bookings", "set null"),
                Reference("professional_id", "professional_profiles"),
                Reference("author_id", "users", "set null"),
            ),
        ),
        TableSpec(
            "favorites",
            references=(
                Reference("user_id", "users"),
                Reference("professional_id", "professional_profiles"),
            ),
        ),
        TableSpec("search_documents"),
    )

    services = repository(MemoryServices)
    professionals = repository(MemoryProfessionals)
    professional_directory = repository(MemoryProfessionalDirectory)
    gallery_files = repository(MemoryOwnImages)
    bookings = repository(MemoryBookings)
    busy_times = repository(MemoryBusyTimes)
    booking_reminders = repository(MemoryBookingReminders)
    reviews = repository(MemoryReviews)
    favorites = repository(MemoryFavorites)
    search = repository(MemorySearchIndex)
    statistics = repository(MemoryBookingStatistics)


if TYPE_CHECKING:

    def _conforms(
        uow: MemoryBookingUnitOfWork,
    ) -> tuple[
        CatalogUnitOfWork,
        ProfessionalsUnitOfWork,
        BookingsUnitOfWork,
        ReviewsUnitOfWork,
        FavoritesUnitOfWork,
        SearchUnitOfWork,
    ]:
        return uow, uow, uow, uow, uow, uow
