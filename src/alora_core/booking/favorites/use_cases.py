"""Favorites' use cases. Statements, no aggregate: keeping and forgetting are idempotent, and
the database's unique key makes concurrent requests harmless."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.booking.favorites import commands as c
from alora_core.booking.favorites.errors import ProfessionalNotFound
from alora_core.booking.favorites.ports import FavoritesUnitOfWork
from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.professionals.queries import Viewer
from alora_core.shared.clock import Clock
from alora_core.shared.pagination import Page, PageRequest


@frozen(kw_only=True)
class FavoritesDeps:
    clock: Clock


async def add_favorite(cmd: c.AddFavorite, uow: FavoritesUnitOfWork, deps: FavoritesDeps) -> bool:
    """Keep a professional the user may see in the directory; True when newly kept."""
    user_id = cmd.actor.require_user_id()
    async with uow:
        if await uow.professional_directory.get(cmd.professional_id, Viewer.of(cmd.actor)) is None:
            raise ProfessionalNotFound()
        added = await uow.favorites.add(user_id, cmd.professional_id, deps.clock.now())
        await uow.commit()
    return added


async def remove_favorite(
    cmd: c.RemoveFavorite, uow: FavoritesUnitOfWork, deps: FavoritesDeps
) -> bool:
    """Forget a professional; True when they were kept."""
    async with uow:
        removed = await uow.favorites.remove(cmd.actor.require_user_id(), cmd.professional_id)
        await uow.commit()
    return removed


async def list_favorites(
    cmd: c.ListFavorites, uow: FavoritesUnitOfWork, deps: FavoritesDeps
) -> Page[FavoriteEntry]:
    page = PageRequest(cmd.page, cmd.page_size)
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        return await uow.favorites.page(user_id, Viewer.of(cmd.actor), page)


async def is_favorite(cmd: c.IsFavorite, uow: FavoritesUnitOfWork, deps: FavoritesDeps) -> bool:
    """Whether the user keeps the professional (also while the directory hides them)."""
    async with uow.reading():
        return await uow.favorites.contains(cmd.actor.require_user_id(), cmd.professional_id)


USE_CASES: dict[type, Callable[..., Any]] = {
    c.AddFavorite: add_favorite,
    c.RemoveFavorite: remove_favorite,
    c.ListFavorites: list_favorites,
    c.IsFavorite: is_favorite,
}


def command_handlers(deps: FavoritesDeps) -> dict[type, Callable[..., Any]]:
    """Each favorites command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
