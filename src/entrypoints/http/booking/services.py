"""``/api/v1/services``: the services catalog. Anyone reads the active services; administrators
also see inactive ones and are the only ones who write (403 for others). Writes are audited."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.booking.catalog import commands as c
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import BEARER_SECURITY, OPTIONAL_BEARER, problem_responses
from entrypoints.http.booking.public_pages import answer_kept, public_page
from entrypoints.http.booking.services_schemas import (
    ActiveFilter,
    BulkServicesRequest,
    CategoryFilter,
    SearchText,
    ServiceChangesRequest,
    ServiceIdPath,
    ServiceList,
    ServicePage,
    ServiceRequest,
    ServiceResponse,
)
from entrypoints.http.kept_pages import KEPT_PAGE
from entrypoints.http.params import PageNumber, PageSize, path_id
from entrypoints.modules.booking import SERVICES_CACHE


class ServicesController(Controller):
    path = "/api/v1/services"
    tags = ["services"]

    @get(
        "/",
        summary="List services",
        description="Active services by title (ignoring case and accents), filtered by "
        "category and text, in numbered pages with totals. Administrators (with their token) "
        "also see inactive services and may filter on `active`.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 403, 422),
        before_request=answer_kept(SERVICES_CACHE),
        opt={KEPT_PAGE: SERVICES_CACHE},
    )
    async def list_services(
        self,
        request: Request[Any, Any, Any],
        category: CategoryFilter = None,
        q: SearchText = None,
        active: ActiveFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ServicePage:
        async def load(alora: Alora, viewer: Actor) -> ServicePage:
            result = await alora.bus.handle(
                c.ListServices(
                    viewer=viewer,
                    category=category,
                    text=q,
                    active=active,
                    page=page,
                    page_size=page_size,
                )
            )
            return ServicePage.of(result)

        page_of_services: ServicePage = await public_page(request, SERVICES_CACHE, load)
        return page_of_services

    @get(
        "/{service_id:str}",
        summary="One service",
        description="Deleted services answer 404, and so do inactive ones except to "
        "administrators.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 404),
    )
    async def get_service(
        self,
        service_id: ServiceIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
    ) -> ServiceResponse:
        view = await alora.bus.handle(
            c.GetService(
                service_id=path_id(service_id, "service"),
                viewer=viewer_of(optional_principal),
            )
        )
        return ServiceResponse.of(view)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create a service",
        description="Administrators only. The title must be unused by other services, "
        "ignoring case (409 naming `title`).",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def create_service(
        self,
        data: JSONBody[ServiceRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ServiceResponse:
        service = await alora.bus.handle(
            c.CreateService(
                actor=actor,
                service=data.to_command(),
            )
        )
        return ServiceResponse.of(service)

    @post(
        "/bulk",
        status_code=HTTP_201_CREATED,
        summary="Create many services at once",
        description=f"Administrators only. Up to {c.MAX_BULK} services, all or nothing: when "
        "any is invalid nothing is created, and the 422 lists every problem by item "
        "(`items[3].title`), titles repeated in the batch or used by existing services "
        "included. A title taken by a concurrent write at the last moment is a 409.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def create_services(
        self,
        data: JSONBody[BulkServicesRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ServiceList:
        services = await alora.bus.handle(
            c.CreateServices(
                actor=actor,
                services=[item.to_command() for item in data.items],
            )
        )
        return ServiceList.of(services)

    @patch(
        "/{service_id:str}",
        summary="Change a service",
        description="Administrators only. Only the fields present change. `version` must be "
        "the service's current version (409 naming `version` when it changed since it was "
        "read); a title used by another service is a 409 naming `title`.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def update_service(
        self,
        service_id: ServiceIdPath,
        data: JSONBody[ServiceChangesRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ServiceResponse:
        service = await alora.bus.handle(
            c.UpdateService(
                actor=actor,
                service_id=path_id(service_id, "service"),
                version=data.version,
                changes=data.changes(),
            )
        )
        return ServiceResponse.of(service)

    @delete(
        "/{service_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a service",
        description="Administrators only. Refused with 409 while pending or confirmed "
        "bookings use the service (deactivate it meanwhile: `active: false`). A deleted "
        "service disappears from the catalog; past bookings keep it.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_service(
        self,
        service_id: ServiceIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteService(
                actor=actor,
                service_id=path_id(service_id, "service"),
            )
        )


ROUTE_HANDLERS = [ServicesController]
