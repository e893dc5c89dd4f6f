"""The service-booking marketplace: services catalog, professionals and their hours, open slots,
bookings, reviews, favorites and search."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from alora_core.booking.bookings import notices as booking_notices
from alora_core.booking.bookings import use_cases as bookings
from alora_core.booking.bookings.commands import (
    CompleteFinishedBookings,
    ExpireUnansweredBookings,
    SendBookingReminders,
)
from alora_core.booking.bookings.deps import BookingsDeps
from alora_core.booking.bookings.pending import PendingCaps
from alora_core.booking.catalog import use_cases as catalog
from alora_core.booking.catalog.queries import ServiceView
from alora_core.booking.favorites import use_cases as favorites
from alora_core.booking.professionals import use_cases as professionals
from alora_core.booking.professionals.queries import DirectoryEntry
from alora_core.booking.reviews import notices as review_notices
from alora_core.booking.reviews import use_cases as reviews
from alora_core.booking.search import handlers as search_handlers
from alora_core.booking.search import use_cases as search
from alora_core.identity.events import UserDeleted, UserUpdated
from alora_core.shared.cache import PageCache
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob
from entrypoints.settings import SettingsGroup, Variable, parse_int

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora


@frozen(kw_only=True)
class BookingSettings:
    completion_grace_minutes: int
    max_pending_per_customer: int
    max_pending_per_professional: int
    pending_expiry_hours: int


SETTINGS = SettingsGroup(
    BookingSettings,
    (
        Variable(
            "ALORA_BOOKING_COMPLETION_GRACE_MINUTES",
            parse_int(0, 10080),
            "120",
            "Confirmed bookings are completed automatically this long after their end.",
            field="completion_grace_minutes",
        ),
        Variable(
            "ALORA_BOOKING_MAX_PENDING_PER_CUSTOMER",
            parse_int(1, 1000),
            "10",
            "Pending booking requests one customer may hold at once, with all professionals "
            "together (409 `too_many_pending` beyond).",
            field="max_pending_per_customer",
        ),
        Variable(
            "ALORA_BOOKING_MAX_PENDING_PER_PROFESSIONAL",
            parse_int(1, 1000),
            "3",
            "Pending booking requests one customer may hold at once with any one professional "
            "(409 `too_many_pending_with_professional` beyond).",
            field="max_pending_per_professional",
        ),
        Variable(
            "ALORA_BOOKING_PENDING_EXPIRY_HOURS",
            parse_int(1, 720),
            "48",
            "A pending booking the professional has not answered this long after its request "
            "(or its last move) expires and frees its time; one whose start comes first "
            "expires then.",
            field="pending_expiry_hours",
        ),
    ),
)


SERVICES_CACHE = "booking.services"
PROFESSIONALS_CACHE = "booking.professionals"


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    clock = wiring.clock
    limits = wiring.settings.of(BookingSettings)
    caps = PendingCaps(
        overall=limits.max_pending_per_customer,
        with_professional=limits.max_pending_per_professional,
    )
    services: PageCache[ServiceView] = PageCache(catalog.LIST_CACHE_TTL)
    directory: PageCache[DirectoryEntry] = PageCache(professionals.DIRECTORY_CACHE_TTL)
    wiring.page_caches.update({SERVICES_CACHE: services, PROFESSIONALS_CACHE: directory})
    return {
        **catalog.command_handlers(clock=clock, list_cache=services),
        **professionals.command_handlers(
            professionals.ProfessionalsDeps(clock=clock, directory_cache=directory)
        ),
        **bookings.command_handlers(BookingsDeps(clock=clock, pending_caps=caps)),
        **reviews.command_handlers(reviews.ReviewsDeps(clock=clock)),
        **favorites.command_handlers(favorites.FavoritesDeps(clock=clock)),
        **search.command_handlers(),
    }


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    search_handlers.subscribe(subscriptions)
    renamed = {"when": lambda event: "full_name" in event.fields}
    # The directory searches professionals by name: their profile and the index keep it.
    subscriptions.add(
        UserUpdated,
        "professionals.refresh_search_name",
        lambda event, uow: professionals.refresh_search_name(event.user_id, uow),
        **renamed,
    )
    reindex_user = search_handlers.professional_handler(lambda event: event.user_id)
    subscriptions.add(UserUpdated, "search.index_renamed_professional", reindex_user, **renamed)
    subscriptions.add(UserDeleted, "search.drop_deleted_professional", reindex_user)


async def _booking_completion(alora: Alora, scheduled_for: datetime) -> str:
    grace = alora.settings.of(BookingSettings).completion_grace_minutes
    command = CompleteFinishedBookings(grace=timedelta(minutes=grace))
    completed = await alora.bus.handle(command)
    return f"completed {completed} booking(s) that ended more than {command.grace} ago"


async def _booking_expiry(alora: Alora, scheduled_for: datetime) -> str:
    hours = alora.settings.of(BookingSettings).pending_expiry_hours
    command = ExpireUnansweredBookings(unanswered_for=timedelta(hours=hours))
    expired = await alora.bus.handle(command)
    return f"expired {expired} pending booking(s) unanswered for {command.unanswered_for}"


async def _booking_reminders(alora: Alora, scheduled_for: datetime) -> str:
    sent = await alora.bus.handle(SendBookingReminders())
    return f"sent {sent} booking reminder(s)"


MODULE = ContextModule(
    name="booking",
    sql_unit_of_work="adapters.sqlalchemy.booking.uow:SqlBookingUnitOfWork",
    memory_unit_of_work="adapters.memory.booking.uow:MemoryBookingUnitOfWork",
    tables=(
        "adapters.sqlalchemy.booking.services",
        "adapters.sqlalchemy.booking.professionals",
        "adapters.sqlalchemy.booking.bookings",
        "adapters.sqlalchemy.booking.reviews",
        "adapters.sqlalchemy.booking.favorites",
        "adapters.sqlalchemy.booking.search",
    ),
    migrations="adapters.sqlalchemy.booking.migrations",
    settings=SETTINGS,
    commands=_commands,
    subscribe=_subscribe,
    notices=lambda wiring: [*booking_notices.notice_rules(), *review_notices.notice_rules()],
    jobs=(
        ScheduledJob(
            "booking-completion",
            "Complete confirmed bookings whose end is more than the grace period past.",
            _booking_completion,
            "*/15 * * * *",
        ),
        ScheduledJob(
            "booking-expiry",
            "Expire pending bookings left unanswered too long or whose start came, freeing "
            "their time.",
            _booking_expiry,
            "*/5 * * * *",
        ),
        ScheduledJob(
            "booking-reminders",
            "Remind customers and professionals of today's bookings, from 09:00 in their zone.",
            _booking_reminders,
            "*/15 * * * *",
        ),
    ),
    routes="entrypoints.http.booking:ROUTE_HANDLERS",
    statistics="entrypoints.http.booking.statistics:SHAPE",
    cli="entrypoints.cli.search:register",
    seed="entrypoints.cli.seed_market:seed_market",
)
