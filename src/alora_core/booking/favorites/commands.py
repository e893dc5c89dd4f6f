"""Favorites' commands: a user keeps professionals they like. Each user, the ``actor``, sees and
changes only their own favorites."""

from __future__ import annotations

import uuid

from attrs import frozen

from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class AddFavorite(Command[bool]):
    """Keep a professional the user may see; keeping them again changes nothing."""

    actor: Actor
    professional_id: uuid.UUID


@frozen(kw_only=True)
class RemoveFavorite(Command[bool]):
    """Forget a professional; forgetting one that was not kept changes nothing."""

    actor: Actor
    professional_id: uuid.UUID


@frozen(kw_only=True)
class ListFavorites(Command[Page[FavoriteEntry]]):
    """The user's favorites they may still see, most recently kept first."""

    actor: Actor
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class IsFavorite(Command[bool]):
    actor: Actor
    professional_id: uuid.UUID
