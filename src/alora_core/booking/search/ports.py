"""What search needs from outside: the index (``uow.search``) and the current state of what
it indexes (the catalog's ``uow.services`` and the profiles' ``uow.professionals``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from alora_core.booking.search.model import (
    Kind,
    SearchDocument,
    SearchHit,
    SearchQuery,
    Suggestion,
)
from alora_core.shared.pagination import Page
from alora_core.shared.uow import UnitOfWork


class SearchIndex(Protocol):
    """The full-text index of professionals and services.

    It holds one document per professional profile and per service that is not deleted,
    written by the search handlers. Queries apply the rules that change without an event
    to the index, at query time, from the live records: a professional is found only while
    their account exists, is a professional's, is not suspended and shows its profile to
    the viewer (public, or registered users when the viewer is signed in); a service only
    while it is active and not deleted. Ratings and rates are read live too.
    """

    async def lock(self, ref_id: uuid.UUID) -> None:
        """Hold off other writers of this document until the unit of work ends, so a writer
        reads the current state only after the one before it has written."""
        ...

    async def put(self, document: SearchDocument) -> None:
        """Add the document, or replace the one with its ``ref_id``."""
        ...

    async def remove(self, ref_id: uuid.UUID) -> None:
        """Drop the document of ``ref_id``, if there is one."""
        ...

    async def indexed(self) -> dict[uuid.UUID, Kind]:
        """Every document's ``ref_id`` and kind."""
        ...

    async def sources(self) -> dict[uuid.UUID, Kind]:
        """Every service that is not deleted and every professional profile, by id."""
        ...

    async def display_name(self, user_id: uuid.UUID) -> str | None:
        """The full name of the user (a professional); None when there is no such user."""
        ...

    async def search(self, query: SearchQuery) -> Page[SearchHit]: ...

    async def suggest(
        self, terms: Sequence[str], *, signed_in: bool, limit: int
    ) -> list[Suggestion]:
        """Documents whose name (a professional's name, a service's title) has a word
        starting with each term, best first."""
        ...


class IndexedService(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def category(self) -> str: ...


class IndexedProfile(Protocol):
    @property
    def categories(self) -> list[str]: ...

    @property
    def skills(self) -> list[str]: ...

    @property
    def bio(self) -> str: ...


class ServiceSource(Protocol):
    async def get(self, service_id: uuid.UUID, /) -> IndexedService | None:
        """The service; None when there is none or it is deleted."""
        ...


class ProfileSource(Protocol):
    async def get(self, user_id: uuid.UUID, /) -> IndexedProfile | None: ...


class SearchUnitOfWork(UnitOfWork, Protocol):
    @property
    def search(self) -> SearchIndex: ...

    @property
    def services(self) -> ServiceSource: ...

    @property
    def professionals(self) -> ProfileSource: ...
