"""The search suites' harness (``test_search.py``, ``test_search_index.py``).

``open_finder(backend)`` composes Alora on the test's backend with a ``FixedClock`` at
``START``. Services, profiles and users are written through their contexts' units of work, the
way their parts write them; the jobs those writes put in the outbox then run as Alora runs
them (the booking module subscribes search's handlers and the identity ones), unless a write
says its jobs are lost (``index=False``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from attrs import define

from alora_core.booking.catalog.model import Service, checked_fields
from alora_core.booking.professionals.model import Offer, PersonName, ProfessionalProfile
from alora_core.booking.search import commands as c
from alora_core.booking.search.model import Kind, ReindexReport, SearchHit, fold
from alora_core.identity.model import Role, User, Visibility
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import jobs_for
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page
from entrypoints.bootstrap import Alora
from support.backends import Backend
from support.builders import add_user

START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
SIGNED_IN = Actor(user_id=uuid.UUID(int=1), role=Role.CUSTOMER)
T = TypeVar("T")


@define
class Finder:
    alora: Alora
    clock: FixedClock
    handled: list[str]
    """The search handlers that ran for the writes below, in order (other contexts' handlers
    run too, unrecorded)."""

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["booking"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    # -- writing the sources, and running the jobs of what they commit -------------------------

    async def commit(
        self, context: str, work: Callable[[Any], Awaitable[T]], *, index: bool = True
    ) -> T:
        """Run ``work`` in a unit of work of ``context`` and commit; then run the jobs the
        commit made, or with ``index=False`` lose them."""
        uow = self.alora.units_of_work[context]()
        async with uow:
            result = await work(uow)
            await uow.commit()
        events = uow.collect_events()
        if index:
            self.handled.extend(
                handler
                for event in events
                for handler in self.alora.subscriptions.handlers_of(event)
                if handler.startswith("search.")
            )
            await self.alora.jobs_added(events)
        else:
            await self.lose_jobs(events)
        return result

    async def lose_jobs(self, events: Sequence[DomainEvent]) -> None:
        """As if the jobs of ``events`` were lost: each is recorded as handled, so the relay
        drops it as a duplicate and its handler never runs."""
        async with self.alora.uow_factory() as uow:
            for job, _event in jobs_for(events, self.alora.subscriptions.handlers_of):
                await uow.jobs.claim(job)
            await uow.commit()

    async def user(
        self,
        name: str,
        *,
        role: Role = Role.PROFESSIONAL,
        visibility: Visibility = Visibility.PUBLIC,
    ) -> User:
        username = "".join(ch for ch in fold(name) if ch.isalnum())[:20] + uuid.uuid4().hex[:8]
        return await add_user(
            self.alora, username, role, full_name=name, profile_visibility=visibility
        )

    async def professional(
        self,
        name: str,
        *,
        categories: Sequence[str] = (),
        skills: Sequence[str] = (),
        bio: str = "",
        rate: int | None = None,
        visibility: Visibility = Visibility.PUBLIC,
        index: bool = True,
    ) -> uuid.UUID:
        user = await self.user(name, visibility=visibility)
        profile = ProfessionalProfile.create(
            professional_id=user.id,
            offer=Offer(
                categories=tuple(categories),
                skills=tuple(skills),
                bio=bio,
                hourly_rate=None if rate is None else Money(rate, "EUR"),
            ),
            timezone="Europe/Berlin",
            name=PersonName(user.full_name, user.username),
            now=self.clock.now(),
        )

        async def add(uow: Any) -> None:
            await uow.professionals.add(profile)

        await self.commit("booking", add, index=index)
        return user.id

    async def change_offer(self, user_id: uuid.UUID, **changes: Any) -> None:
        async def change(uow: Any) -> None:
            profile = await uow.professionals.get(user_id)
            offer = Offer(**{**_offer_fields(profile.offer()), **changes})
            profile.update_offer(
                offer,
                timezone=profile.timezone,
                name=await uow.professional_directory.name_of(user_id),
                now=self.clock.now(),
            )

        await self.commit("booking", change)

    async def service(
        self,
        title: str,
        *,
        category: str = "plumbing",
        description: str = "",
        active: bool = True,
        index: bool = True,
    ) -> uuid.UUID:
        fields, errors = checked_fields(
            {"title": title, "category": category, "description": description, "active": active}
        )
        assert errors == []
        service = Service.create(fields, self.clock.now())

        async def add(uow: Any) -> None:
            await uow.services.add(service)

        await self.commit("booking", add, index=index)
        return service.id

    async def change_service(self, service_id: uuid.UUID, **changes: Any) -> None:
        fields, errors = checked_fields(changes)
        assert errors == []

        async def change(uow: Any) -> None:
            service = await uow.services.get(service_id)
            assert service.change(fields, self.clock.now())

        await self.commit("booking", change)

    async def delete_service(self, service_id: uuid.UUID, *, index: bool = True) -> None:
        async def remove(uow: Any) -> None:
            service = await uow.services.get(service_id)
            service.delete(self.clock.now())

        await self.commit("booking", remove, index=index)

    async def change_user(self, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
        async def apply(uow: Any) -> None:
            change(await uow.users.get(user_id))

        await self.commit("identity", apply)

    async def delete_user(self, user_id: uuid.UUID) -> None:
        async def remove(uow: Any) -> None:
            user = await uow.users.get(user_id)
            user.mark_deleted(self.clock.now())
            await uow.users.delete(user)

        await self.commit("identity", remove)

    async def review(self, user_id: uuid.UUID, *ratings: int) -> None:
        async def count(uow: Any) -> None:
            await uow.reviews.count_in_rating(user_id, reviews=len(ratings), rating=sum(ratings))

        await self.commit("booking", count)

    # -- searching -------------------------------------------------------------------------------

    async def search(self, q: str | None = None, **query: Any) -> Page[SearchHit]:
        return await self.handle(c.Search(q=q, **query))

    async def labels(self, q: str | None = None, **query: Any) -> list[str]:
        return [hit.label for hit in (await self.search(q, **query)).items]

    async def suggest(self, q: str, *, signed_in: bool = False) -> list[str]:
        viewer = SIGNED_IN if signed_in else Actor.anonymous()
        found = await self.handle(c.Autocomplete(q=q, viewer=viewer))
        return [suggestion.label for suggestion in found]

    async def reindex(self, batch_size: int = 200) -> ReindexReport:
        return await self.handle(c.Reindex(batch_size=batch_size))

    async def indexed(self) -> dict[uuid.UUID, Kind]:
        async with self.uow_factory().reading() as uow:
            found: dict[uuid.UUID, Kind] = await uow.search.indexed()
            return found


def _offer_fields(offer: Offer) -> dict[str, Any]:
    return {
        "categories": offer.categories,
        "service_ids": offer.service_ids,
        "skills": offer.skills,
        "bio": offer.bio,
        "hourly_rate": offer.hourly_rate,
        "service_area": offer.service_area,
        "gallery_file_ids": offer.gallery_file_ids,
    }


async def open_finder(backend: Backend) -> Finder:
    clock = FixedClock(START)
    alora = await backend.build(clock=clock)
    return Finder(alora, clock, [])
