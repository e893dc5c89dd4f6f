"""Service booking: customers find professionals, book a time, and review the work.

The context is large, so each part is a package keeping the usual module names (``model``,
``commands``, ``events``, ``use_cases``, ``ports``, ``errors``):

- ``catalog``: the services professionals offer (admin-managed);
- ``professionals``: profiles, weekly availability, date exceptions, booking rules and the
  slots they leave open (``professionals.availability``);
- ``bookings``: the booking aggregate, its status machine and the no-overlap rule;
- ``reviews`` and ``favorites``: what customers say about and keep of professionals;
- ``search``: full-text search over professionals and services.

The parts may import each other; nothing outside ``booking`` imports them except the
entry points and adapters.

What a program that embeds Alora needs of the marketplace is importable from here: every
part's commands, errors and the models and read models they return (the parts' modules hold
the rest, e.g. ``booking.search.model.Sort`` beside ``booking.professionals.queries.Sort``).
"""

from alora_core.booking.bookings.commands import (
    CancelBooking,
    CompleteBooking,
    CompleteFinishedBookings,
    ConfirmBooking,
    GetBooking,
    ListBookings,
    ListOpenSlots,
    RejectBooking,
    RequestBooking,
    RescheduleBooking,
    SendBookingReminders,
)
from alora_core.booking.bookings.errors import (
    BookingNotFound,
    NotAllowed,
    SlotUnavailable,
    TooEarlyToComplete,
    TransitionRefused,
)
from alora_core.booking.bookings.model import (
    Action,
    Booking,
    BookingStatus,
    Party,
    StatusChange,
)
from alora_core.booking.bookings.queries import OpenSlots
from alora_core.booking.catalog.commands import (
    CreateService,
    CreateServices,
    DeleteService,
    GetService,
    ListServices,
    NewService,
    UpdateService,
)
from alora_core.booking.catalog.errors import ServiceInUse, ServiceNotFound, TitleInUse
from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceFilter, ServiceView
from alora_core.booking.favorites.commands import (
    AddFavorite,
    IsFavorite,
    ListFavorites,
    RemoveFavorite,
)
from alora_core.booking.favorites.errors import ProfessionalNotFound
from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.professionals.availability import (
    BookingRules,
    DateException,
    DayHours,
    ExceptionKind,
    Refusal,
    Schedule,
    Slot,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.commands import (
    AddException,
    AreaInput,
    DayInput,
    GetOwnProfile,
    GetProfessional,
    HoursInput,
    ListProfessionals,
    RateInput,
    RemoveException,
    RulesInput,
    SaveProfile,
    SetAvailability,
)
from alora_core.booking.professionals.model import (
    Offer,
    PersonName,
    ProfessionalProfile,
    ServiceArea,
)
from alora_core.booking.professionals.queries import DirectoryEntry
from alora_core.booking.reviews.commands import (
    DeleteReview,
    EditReply,
    EditReview,
    GetReview,
    ListReviews,
    ReplyToReview,
    WriteReview,
)
from alora_core.booking.reviews.errors import (
    AlreadyReplied,
    AlreadyReviewed,
    NoReply,
    NotCompleted,
    NotTheCustomer,
    ReviewNotFound,
)
from alora_core.booking.reviews.model import Review
from alora_core.booking.reviews.queries import ReviewView
from alora_core.booking.search.commands import Autocomplete, Reindex, Search
from alora_core.booking.search.model import (
    Kind,
    Rating,
    ReindexReport,
    SearchHit,
    SearchQuery,
    Suggestion,
)
from alora_core.booking.statistics import BookingFigures

__all__ = [
    "Action",
    "AddException",
    "AddFavorite",
    "AlreadyReplied",
    "AlreadyReviewed",
    "AreaInput",
    "Autocomplete",
    "Booking",
    "BookingFigures",
    "BookingNotFound",
    "BookingRules",
    "BookingStatus",
    "CancelBooking",
    "CompleteBooking",
    "CompleteFinishedBookings",
    "ConfirmBooking",
    "CreateService",
    "CreateServices",
    "DateException",
    "DayHours",
    "DayInput",
    "DeleteReview",
    "DeleteService",
    "DirectoryEntry",
    "EditReply",
    "EditReview",
    "ExceptionKind",
    "FavoriteEntry",
    "GetBooking",
    "GetOwnProfile",
    "GetProfessional",
    "GetReview",
    "GetService",
    "HoursInput",
    "IsFavorite",
    "Kind",
    "ListBookings",
    "ListFavorites",
    "ListOpenSlots",
    "ListProfessionals",
    "ListReviews",
    "ListServices",
    "NewService",
    "NoReply",
    "NotAllowed",
    "NotCompleted",
    "NotTheCustomer",
    "Offer",
    "OpenSlots",
    "Party",
    "PersonName",
    "ProfessionalNotFound",
    "ProfessionalProfile",
    "RateInput",
    "Rating",
    "Refusal",
    "Reindex",
    "ReindexReport",
    "RejectBooking",
    "RemoveException",
    "RemoveFavorite",
    "ReplyToReview",
    "RequestBooking",
    "RescheduleBooking",
    "Review",
    "ReviewNotFound",
    "ReviewView",
    "RulesInput",
    "SaveProfile",
    "Schedule",
    "Search",
    "SearchHit",
    "SearchQuery",
    "SendBookingReminders",
    "Service",
    "ServiceArea",
    "ServiceFilter",
    "ServiceInUse",
    "ServiceNotFound",
    "ServiceView",
    "SetAvailability",
    "Slot",
    "SlotUnavailable",
    "StatusChange",
    "Suggestion",
    "TimeRange",
    "TitleInUse",
    "TooEarlyToComplete",
    "TransitionRefused",
    "UpdateService",
    "Weekday",
    "WriteReview",
]
