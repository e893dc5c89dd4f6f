"""The professional profiles' harness, shared by ``test_professionals.py`` and
``test_professionals_directory.py``.

``open_profiles(backend)`` composes Alora on the test's backend with a ``FixedClock`` at
``START`` and keeps the events each command committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from attrs import define

from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import DateException, ExceptionKind
from alora_core.booking.professionals.model import ProfessionalProfile
from alora_core.booking.professionals.queries import DirectoryEntry, Sort
from alora_core.files.model import StoredFile
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Invalid
from alora_core.shared.events import DomainEvent
from alora_core.shared.pagination import Page
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_user, change_user

# 12:00 UTC: 13:00 in Berlin (winter).
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
T = TypeVar("T")


def fields_of(error: Invalid) -> list[str]:
    return [e.field for e in error.errors]


def acting(user_id: uuid.UUID, *, is_professional: bool = True) -> Actor:
    """The user acting on their own profile: a professional, or a customer."""
    return Actor(user_id=user_id, role=Role.PROFESSIONAL if is_professional else Role.CUSTOMER)


def viewing(user_id: uuid.UUID | None, *, admin: bool = False) -> Actor:
    """Who reads the directory: nobody signed in, a user, or an administrator."""
    if user_id is None:
        return Actor.anonymous()
    return Actor(user_id=user_id, role=Role.ADMIN if admin else Role.CUSTOMER)


@define
class Profiles:
    alora: Alora
    backend: Backend
    clock: FixedClock
    committed: list[DomainEvent]

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["booking"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    # -- arranging ----------------------------------------------------------------------------

    async def add_user(
        self,
        name: str,
        *,
        role: Role = Role.PROFESSIONAL,
        full_name: str | None = None,
        suspended: bool = False,
        **settings: Any,
    ) -> uuid.UUID:
        """A professional (unless ``role`` says otherwise) called ``name``, with a phone."""
        user = await add_user(
            self.alora,
            name,
            role,
            full_name=full_name,
            suspended=suspended,
            phone=True,
            **settings,
        )
        return user.id

    async def add_service(self, title: str, *, active: bool = True) -> uuid.UUID:
        service = Service.create(
            {"title": title, "category": "repairs", "active": active}, self.clock.now()
        )
        async with self.uow_factory() as uow:
            await uow.services.add(service)
            await uow.commit()
        return service.id

    async def add_file(self, owner_id: uuid.UUID, content_type: str = "image/png") -> uuid.UUID:
        file_id = uuid.uuid4()
        stored = StoredFile(
            id=file_id,
            owner_id=owner_id,
            content_type=content_type,
            size=10,
            sha256="0" * 64,
            filename="work.png",
            public=True,
            storage_key=f"{owner_id}/{file_id}",
            created_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        async with self.alora.units_of_work["files"]() as uow:
            await uow.files.add(stored)
            await uow.commit()
        return file_id

    async def rename_user(self, user_id: uuid.UUID, full_name: str) -> None:
        now = self.clock.now()
        await change_user(
            self.alora, user_id, lambda user: user.update_profile(now, full_name=full_name)
        )

    async def review(self, professional_id: uuid.UUID, *ratings: int) -> None:
        """What the reviews part does for each review: a relative update of the counters."""
        async with self.uow_factory() as uow:
            await uow.reviews.count_in_rating(
                professional_id, reviews=len(ratings), rating=sum(ratings)
            )
            await uow.commit()

    # -- acting -------------------------------------------------------------------------------

    async def save(self, professional_id: uuid.UUID, **fields: Any) -> ProfessionalProfile:
        fields.setdefault("timezone", "Europe/Berlin")
        actor = acting(professional_id, is_professional=fields.pop("is_professional", True))
        return await self.handle(c.SaveProfile(actor=actor, **fields))

    async def set_hours(
        self, professional_id: uuid.UUID, weekly: Sequence[tuple[str, Sequence[tuple[str, str]]]],
        **fields: Any,
    ) -> ProfessionalProfile:  # fmt: skip
        fields.setdefault("timezone", "Europe/Berlin")
        actor = acting(professional_id, is_professional=fields.pop("is_professional", True))
        days = [
            c.DayInput(day=day, slots=[c.HoursInput(start=s, end=e) for s, e in slots])
            for day, slots in weekly
        ]
        return await self.handle(c.SetAvailability(actor=actor, weekly=days, **fields))

    async def add_exception(
        self, professional_id: uuid.UUID, day: date, kind: str = "off",
        slots: Sequence[tuple[str, str]] = (), note: str = "",
    ) -> DateException:  # fmt: skip
        return await self.handle(
            c.AddException(
                actor=acting(professional_id),
                day=day,
                kind=ExceptionKind(kind),
                slots=[c.HoursInput(start=s, end=e) for s, e in slots],
                note=note,
            )
        )

    async def own(self, professional_id: uuid.UUID) -> ProfessionalProfile:
        return await self.handle(c.GetOwnProfile(actor=acting(professional_id)))

    async def directory(
        self, viewer: uuid.UUID | None = None, *, admin: bool = False, **query: Any
    ) -> Page[DirectoryEntry]:
        return await self.handle(
            c.ListProfessionals(
                viewer=viewing(viewer, admin=admin),
                **query | ({"sort": Sort(query["sort"])} if "sort" in query else {}),
            )
        )

    async def listed(self, viewer: uuid.UUID | None = None, **query: Any) -> list[uuid.UUID]:
        page = await self.directory(viewer, **query)
        return [entry.id for entry in page.items]

    async def public(
        self, professional_id: uuid.UUID, viewer: uuid.UUID | None = None, *, admin: bool = False
    ) -> DirectoryEntry:
        return await self.handle(
            c.GetProfessional(professional_id=professional_id, viewer=viewing(viewer, admin=admin))
        )

    def events(self) -> list[DomainEvent]:
        events, self.committed[:] = list(self.committed), []
        return events


async def open_profiles(backend: Backend) -> Profiles:
    clock = FixedClock(START)
    alora = await backend.build(clock=clock)
    return Profiles(alora, backend, clock, committed_events(alora))
