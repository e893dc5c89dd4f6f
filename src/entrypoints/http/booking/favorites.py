"""``/api/v1/favorites``: the professionals the signed-in user keeps. Each user sees and changes
only their own list; keeping and forgetting are idempotent."""

from __future__ import annotations

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_204_NO_CONTENT

from alora_core.booking.favorites import commands as c
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.booking.favorites_schemas import (
    FavoritePage,
    IsFavoriteResponse,
    ProfessionalIdPath,
)
from entrypoints.http.params import PageNumber, PageSize, path_id


class FavoritesController(Controller):
    path = "/api/v1/favorites"
    tags = ["favorites"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The signed-in user's favorite professionals",
        description="Most recently kept first, in numbered pages with totals, each with the "
        "professional's public summary. Professionals the directory no longer shows "
        "(suspended, or hidden by their settings) are left out until it shows them again.",
        responses=problem_responses(401, 422),
    )
    async def list_favorites(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> FavoritePage:
        result = await alora.bus.handle(
            c.ListFavorites(
                actor=actor,
                page=page,
                page_size=page_size,
            )
        )
        return FavoritePage.of(result)

    @get(
        "/{professional_id:str}",
        summary="Whether the signed-in user keeps a professional",
        description="`kept` is true while the professional is among the user's favorites (also "
        "while the directory hides them).",
        responses=problem_responses(401, 404),
    )
    async def is_favorite(
        self,
        professional_id: ProfessionalIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> IsFavoriteResponse:
        kept = await alora.bus.handle(
            c.IsFavorite(actor=actor, professional_id=path_id(professional_id, "professional"))
        )
        return IsFavoriteResponse(is_favorite=kept)

    @put(
        "/{professional_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Keep a professional",
        description="Idempotent: keeping a professional again changes nothing and answers the "
        "same. A professional the directory does not show you is 404.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def add_favorite(
        self,
        professional_id: ProfessionalIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.AddFavorite(
                actor=actor,
                professional_id=path_id(professional_id, "professional"),
            )
        )

    @delete(
        "/{professional_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Forget a professional",
        description="Idempotent: forgetting a professional you do not keep also answers 204.",
        responses=problem_responses(401, 403, 404),
    )
    async def remove_favorite(
        self,
        professional_id: ProfessionalIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.RemoveFavorite(actor=actor, professional_id=path_id(professional_id, "professional"))
        )


ROUTE_HANDLERS = [FavoritesController]
