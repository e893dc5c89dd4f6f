"""``/api/v1/bookings``: request a professional's time and move the booking through its life.

Only the booking's customer, its professional and administrators see a booking; for anyone
else every route answers 404, as for a booking that does not exist. A refused time answers 409
with ``reason`` (``too_soon``, ``beyond_horizon``, ``outside_hours`` or ``taken``); a customer
holding too many pending requests 409 with ``too_many_pending`` or
``too_many_pending_with_professional``; a status that does not allow the change answers 409
with ``reason: invalid_transition``.
"""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings.errors import (
    PendingLimitReached,
    SlotUnavailable,
    TooEarlyToComplete,
    TransitionRefused,
)
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.booking.bookings_schemas import (
    BookingIdPath,
    BookingPage,
    BookingRequest,
    BookingResponse,
    ReasonRequest,
    RescheduleRequest,
    RoleFilter,
    StartFrom,
    StartTo,
    StatusFilter,
)
from entrypoints.http.dates import bounded
from entrypoints.http.params import PageNumber, PageSize, path_id

_REFUSED = (
    "409 when the time is not bookable now, with `reason`: `too_soon` (inside the "
    "professional's minimum notice), `beyond_horizon`, `outside_hours` (not a start of the "
    "professional's open slots for this duration) or `taken` (another booking holds it; two "
    "requests for one time never both succeed)."
)


_TOO_MANY = (
    "409 with `reason: too_many_pending` when the customer already has as many requests "
    "waiting for an answer as allowed (`ALORA_BOOKING_MAX_PENDING_PER_CUSTOMER`, by default "
    "10), or `too_many_pending_with_professional` with this professional "
    "(`ALORA_BOOKING_MAX_PENDING_PER_PROFESSIONAL`, by default 3); a place frees when the "
    "professional answers, the customer cancels, or a request expires."
)
_EXPIRY = (
    "A request the professional has not answered within `ALORA_BOOKING_PENDING_EXPIRY_HOURS` "
    "(by default 48), or whose start comes first, becomes `expired` and frees its time; the "
    "customer is notified (`booking.expired`)."
)


class BookingsController(Controller):
    path = "/api/v1/bookings"
    tags = ["bookings"]
    security = BEARER_SECURITY

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Book a professional",
        description="Any signed-in user with a verified email address books as the customer "
        "(not their own time). The service must be active and offered by the professional; "
        "the start must be one of the professional's open slots for `durationMinutes` "
        f"(see `GET /api/v1/professionals/{{id}}/slots`). The booking starts `pending`. "
        f"{_TOO_MANY} {_REFUSED} The professional is notified (`booking.requested`). "
        f"{_EXPIRY}",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(SlotUnavailable, PendingLimitReached),
    )
    async def request_booking(
        self,
        data: JSONBody[BookingRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.RequestBooking(
                actor=actor,
                professional_id=data.professional_id,
                service_id=data.service_id,
                start=data.start,
                duration_minutes=data.duration_minutes,
                address=data.address,
                notes=data.notes,
            )
        )
        return BookingResponse.of(booking)

    @get(
        "/",
        summary="The caller's bookings",
        description="By start time, earliest first, in numbered pages with totals. Filter by "
        "the caller's part (`role`), `status` and a start window (`from`, `to`).",
        responses=problem_responses(400, 401, 403, 422),
    )
    async def list_bookings(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        role: RoleFilter = c.ListedRole.ANY,
        status: StatusFilter = None,
        start_from: StartFrom = None,
        start_to: StartTo = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> BookingPage:
        found = await alora.bus.handle(
            c.ListBookings(
                actor=actor,
                role=role,
                status=status,
                start_from=bounded(start_from, "from"),
                start_to=bounded(start_to, "to"),
                page=page,
                page_size=page_size,
            )
        )
        return BookingPage.of(found)

    @get(
        "/{booking_id:str}",
        summary="A booking, with its status history",
        description="For its customer, its professional and administrators; anyone else gets 404, "
        "as for an unknown booking. `history` lists every status change, oldest "
        "first.",
        responses=problem_responses(401, 404),
    )
    async def get_booking(
        self,
        booking_id: BookingIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.GetBooking(actor=actor, booking_id=path_id(booking_id, "booking"))
        )
        return BookingResponse.of(booking)

    @post(
        "/{booking_id:str}/confirm",
        status_code=HTTP_200_OK,
        summary="Confirm a pending booking",
        description="By the professional (or an administrator). The customer is notified.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(TransitionRefused),
    )
    async def confirm(
        self,
        booking_id: BookingIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.ConfirmBooking(actor=actor, booking_id=path_id(booking_id, "booking"))
        )
        return BookingResponse.of(booking)

    @post(
        "/{booking_id:str}/reject",
        status_code=HTTP_200_OK,
        summary="Reject a pending booking",
        description="By the professional (or an administrator), with a reason the customer "
        "is told.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(TransitionRefused),
    )
    async def reject(
        self,
        booking_id: BookingIdPath,
        data: JSONBody[ReasonRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.RejectBooking(
                actor=actor,
                booking_id=path_id(booking_id, "booking"),
                reason=data.reason,
            )
        )
        return BookingResponse.of(booking)

    @post(
        "/{booking_id:str}/cancel",
        status_code=HTTP_200_OK,
        summary="Cancel a pending or confirmed booking",
        description="By the customer (or an administrator), with a reason. Cancelling less "
        "than 24 hours before the start is allowed and recorded as late (`cancelledLate`). "
        "The professional is notified.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(TransitionRefused),
    )
    async def cancel(
        self,
        booking_id: BookingIdPath,
        data: JSONBody[ReasonRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.CancelBooking(
                actor=actor,
                booking_id=path_id(booking_id, "booking"),
                reason=data.reason,
            )
        )
        return BookingResponse.of(booking)

    @post(
        "/{booking_id:str}/complete",
        status_code=HTTP_200_OK,
        summary="Complete a confirmed booking",
        description="By the professional (or an administrator), not before the start (409 "
        "with `reason: not_started`). Confirmed bookings are also completed automatically "
        "once their end is `ALORA_BOOKING_COMPLETION_GRACE_MINUTES` past.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(TransitionRefused, TooEarlyToComplete),
    )
    async def complete(
        self,
        booking_id: BookingIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.CompleteBooking(actor=actor, booking_id=path_id(booking_id, "booking"))
        )
        return BookingResponse.of(booking)

    @post(
        "/{booking_id:str}/reschedule",
        status_code=HTTP_200_OK,
        summary="Move a booking to another start",
        description="By the customer, the professional or an administrator; pending and "
        "confirmed bookings only. The duration is kept and the new start is checked like a "
        f"new booking's. {_REFUSED} The old time is released and the new one taken in one "
        "step. The booking goes back to `pending` unless the professional moved it; a "
        "customer moving a confirmed booking makes it a request again, within their caps "
        "(409 `too_many_pending` or `too_many_pending_with_professional`). The other party "
        "is notified.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(SlotUnavailable, TransitionRefused, PendingLimitReached),
    )
    async def reschedule(
        self,
        booking_id: BookingIdPath,
        data: JSONBody[RescheduleRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingResponse:
        booking = await alora.bus.handle(
            c.RescheduleBooking(
                actor=actor,
                booking_id=path_id(booking_id, "booking"),
                start=data.start,
            )
        )
        return BookingResponse.of(booking)


ROUTE_HANDLERS = [BookingsController]
