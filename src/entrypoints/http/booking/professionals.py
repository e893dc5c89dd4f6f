"""``/api/v1/professionals``: the public directory of professionals, and the signed-in
professional's own profile, weekly hours, booking rules and date exceptions (``/me``; other
roles get 403). The first ``PUT /me/profile`` creates the profile; before it, ``/me`` routes
answer 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.booking.bookings.commands import ListOpenSlots
from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.queries import Sort
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import BEARER_SECURITY, OPTIONAL_BEARER, problem_responses
from entrypoints.http.booking.availability_schemas import (
    AvailabilityRequest,
    AvailabilityResponse,
    ExceptionRequest,
    ExceptionResponse,
    SlotsResponse,
)
from entrypoints.http.booking.professionals_params import (
    CategoryFilter,
    CityFilter,
    ExceptionIdPath,
    MaxRate,
    MinRating,
    ProfessionalIdPath,
    SearchText,
    ServiceFilter,
    SlotsDuration,
    SlotsFrom,
    SlotsService,
    SlotsTo,
    SortOrder,
)
from entrypoints.http.booking.professionals_schemas import (
    OwnProfileResponse,
    ProfessionalPage,
    ProfessionalResponse,
    ProfileRequest,
)
from entrypoints.http.booking.public_pages import answer_kept, public_page
from entrypoints.http.dates import bounded
from entrypoints.http.kept_pages import KEPT_PAGE
from entrypoints.http.params import PageNumber, PageSize, path_id
from entrypoints.modules.booking import PROFESSIONALS_CACHE


class ProfessionalsController(Controller):
    path = "/api/v1/professionals"
    tags = ["professionals"]

    @get(
        "/",
        summary="Find professionals",
        description="Professionals with a profile, filtered and sorted, in numbered pages with "
        "totals. Visible are those whose profile is public, and to signed-in viewers those "
        "visible to registered users; suspended professionals are left out. Email and phone "
        "appear only when the professional shows them.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 422),
        before_request=answer_kept(PROFESSIONALS_CACHE),
        opt={KEPT_PAGE: PROFESSIONALS_CACHE},
    )
    async def list_professionals(
        self,
        request: Request[Any, Any, Any],
        category: CategoryFilter = None,
        service_id: ServiceFilter = None,
        city: CityFilter = None,
        min_rating: MinRating = None,
        max_rate: MaxRate = None,
        q: SearchText = None,
        sort: SortOrder = Sort.RATING,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ProfessionalPage:
        async def load(alora: Alora, viewer: Actor) -> ProfessionalPage:
            result = await alora.bus.handle(
                c.ListProfessionals(
                    viewer=viewer,
                    category=category,
                    service_id=service_id,
                    city=city,
                    min_rating=min_rating,
                    max_rate=max_rate,
                    text=q,
                    sort=sort,
                    page=page,
                    page_size=page_size,
                )
            )
            return ProfessionalPage.of(result)

        found: ProfessionalPage = await public_page(request, PROFESSIONALS_CACHE, load)
        return found

    @get(
        "/me",
        summary="The signed-in professional's profile",
        description="The whole profile with the weekly hours, date exceptions and booking "
        "rules. 404 until the first `PUT /api/v1/professionals/me/profile`.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404),
    )
    async def own_profile(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> OwnProfileResponse:
        profile = await alora.bus.handle(c.GetOwnProfile(actor=actor))
        return OwnProfileResponse.of(profile)

    @put(
        "/me/profile",
        summary="Create or replace the signed-in professional's profile",
        description="Professionals only. Replaces the whole offer (fields left out are "
        "emptied); the weekly hours, exceptions and rules stay. Services must exist and be "
        "active; gallery files must be images the professional uploaded; the rate is whole "
        "cents in EUR. Every invalid field is listed in the 422.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def save_profile(
        self,
        data: JSONBody[ProfileRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> OwnProfileResponse:
        profile = await alora.bus.handle(data.to_command(actor))
        return OwnProfileResponse.of(profile)

    @put(
        "/me/availability",
        summary="Set the weekly hours and booking rules",
        description="Professionals with a profile (404 before it). Times are `HH:MM` in "
        "`timezone` (`24:00` may end a range); ranges of a day must not overlap and each day "
        "may appear once. `rules` left out are the defaults: 120 minutes' notice, 60 days "
        "ahead, no buffer, 60-minute slots. Date exceptions stay.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def set_availability(
        self,
        data: JSONBody[AvailabilityRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AvailabilityResponse:
        profile = await alora.bus.handle(data.to_command(actor))
        return AvailabilityResponse.of(profile.schedule)

    @post(
        "/me/exceptions",
        status_code=HTTP_201_CREATED,
        summary="Add a date exception",
        description="A day off, hours off, or extra hours on one local date (today or later, "
        "up to two years ahead). 409 when it overlaps an exception of the same kind on that "
        "date. Exceptions of past dates are dropped on the way.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def add_exception(
        self,
        data: JSONBody[ExceptionRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ExceptionResponse:
        exception = await alora.bus.handle(data.to_command(actor))
        return ExceptionResponse.of(exception)

    @delete(
        "/me/exceptions/{exception_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a date exception",
        description="The signed-in professional's own exception (a day off or extra hours); the "
        "weekly hours apply again that day.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def remove_exception(
        self,
        exception_id: ExceptionIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.RemoveException(
                actor=actor,
                exception_id=path_id(exception_id, "date exception"),
            )
        )

    @get(
        "/{professional_id:str}",
        summary="One professional",
        description="Public fields, as in the list. Professionals the caller may not see "
        "(private, visible to registered users only, suspended) answer 404, like unknown ones.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 404),
    )
    async def get_professional(
        self,
        professional_id: ProfessionalIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
    ) -> ProfessionalResponse:
        entry = await alora.bus.handle(
            c.GetProfessional(
                professional_id=path_id(professional_id, "professional"),
                viewer=viewer_of(optional_principal),
            )
        )
        return ProfessionalResponse.of(entry)

    @get(
        "/{professional_id:str}/slots",
        summary="A professional's open slots",
        description="The starts a customer can book now, earliest first, for `durationMinutes` "
        "(default: the professional's slot length): inside the weekly hours and date "
        "exceptions, clear of other bookings and their buffers, after the minimum notice and "
        "within the booking horizon. Never across a daylight-saving change. `start`/`end` are "
        "UTC; `localStart`/`localEnd` carry the professional's offset.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(400, 401, 404, 422),
    )
    async def list_slots(
        self,
        professional_id: ProfessionalIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        start_from: SlotsFrom = None,
        start_to: SlotsTo = None,
        service_id: SlotsService = None,
        duration_minutes: SlotsDuration = None,
    ) -> SlotsResponse:
        found = await alora.bus.handle(
            ListOpenSlots(
                professional_id=path_id(professional_id, "professional"),
                viewer=viewer_of(optional_principal),
                start_from=bounded(start_from, "from"),
                start_to=bounded(start_to, "to"),
                service_id=service_id,
                duration_minutes=duration_minutes,
            )
        )
        return SlotsResponse.of(found)


ROUTE_HANDLERS = [ProfessionalsController]
