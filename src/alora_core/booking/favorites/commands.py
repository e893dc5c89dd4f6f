"""Favorites' commands: a user keeps professionals they like. Each user sees and changes only
their own favorites; the acting user comes as an id and an admin flag."""

from __future__ import annotations

import uuid

from attrs import frozen


@frozen(kw_only=True)
class AddFavorite:
    """Keep a professional the user may see; keeping them again changes nothing."""

    user_id: uuid.UUID
    user_is_admin: bool
    professional_id: uuid.UUID


@frozen(kw_only=True)
class RemoveFavorite:
    """Forget a professional; forgetting one that was not kept changes nothing."""

    user_id: uuid.UUID
    professional_id: uuid.UUID


@frozen(kw_only=True)
class ListFavorites:
    """The user's favorites they may still see, most recently kept first."""

    user_id: uuid.UUID
    user_is_admin: bool
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class IsFavorite:
    user_id: uuid.UUID
    professional_id: uuid.UUID
