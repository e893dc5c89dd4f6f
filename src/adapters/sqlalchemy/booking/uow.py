"""The booking context's unit of work in SQL: one for all its parts (catalog,
professionals, bookings, reviews, favorites, search), each part using the repositories its
own protocol names. The no-overlap exclusion constraint means ``SlotUnavailable`` (taken)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.booking.bookings import (
    NO_OVERLAP,
    SqlBookingReminders,
    SqlBookings,
    SqlBusyTimes,
)
from adapters.sqlalchemy.booking.favorites import SqlFavorites
from adapters.sqlalchemy.booking.professionals import (
    SqlProfessionalDirectory,
    SqlProfessionals,
)
from adapters.sqlalchemy.booking.reviews import SqlReviews
from adapters.sqlalchemy.booking.search import SqlSearchIndex
from adapters.sqlalchemy.booking.services import SqlServices
from adapters.sqlalchemy.booking.statistics import SqlBookingStatistics
from adapters.sqlalchemy.files.readers import SqlOwnImages
from adapters.sqlalchemy.uow import SqlUnitOfWork
from alora_core.booking.bookings.errors import SlotUnavailable

if TYPE_CHECKING:
    from alora_core.booking.bookings.ports import BookingsUnitOfWork
    from alora_core.booking.catalog.ports import CatalogUnitOfWork
    from alora_core.booking.favorites.ports import FavoritesUnitOfWork
    from alora_core.booking.professionals.ports import ProfessionalsUnitOfWork
    from alora_core.booking.reviews.ports import ReviewsUnitOfWork
    from alora_core.booking.search.ports import SearchUnitOfWork


class SqlBookingUnitOfWork(SqlUnitOfWork):
    constraint_errors = {NO_OVERLAP: SlotUnavailable.taken}

    services = repository(SqlServices)
    professionals = repository(SqlProfessionals)
    professional_directory = repository(SqlProfessionalDirectory)
    gallery_files = repository(SqlOwnImages)
    bookings = repository(SqlBookings)
    busy_times = repository(SqlBusyTimes)
    booking_reminders = repository(SqlBookingReminders)
    reviews = repository(SqlReviews)
    favorites = repository(SqlFavorites)
    search = repository(SqlSearchIndex)
    statistics = repository(SqlBookingStatistics)


if TYPE_CHECKING:

    def _conforms(
        uow: SqlBookingUnitOfWork,
    ) -> tuple[
        CatalogUnitOfWork,
        ProfessionalsUnitOfWork,
        BookingsUnitOfWork,
        ReviewsUnitOfWork,
        FavoritesUnitOfWork,
        SearchUnitOfWork,
    ]:
        return uow, uow, uow, uow, uow, uow
