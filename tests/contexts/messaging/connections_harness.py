"""A small harness for the connections suites: Alora on a backend with small caps, users, and
shortcuts for the connections commands."""

from __future__ import annotations

import uuid
from typing import Any

from attrs import define

from alora_core.identity.model import Role
from alora_core.messaging.connections import commands as c
from alora_core.messaging.connections.model import RequestStatus
from alora_core.messaging.connections.ports import Direction, Relationship
from alora_core.messaging.connections.queries import RequestView
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora
from support.backends import Backend
from support.builders import add_user

CAPS = {
    "ALORA_MESSAGING_MAX_OPEN_REQUESTS": "3",
    "ALORA_MESSAGING_REQUESTS_PER_DAY": "5",
    "ALORA_MESSAGING_REQUEST_RESEND_AFTER_DAYS": "7",
    "ALORA_MESSAGING_REQUEST_EXPIRY_DAYS": "14",
}


def as_user(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER, email_verified=True)


@define
class Social:
    alora: Alora
    clock: FixedClock

    async def user(self, name: str, **options: Any) -> uuid.UUID:
        return (await add_user(self.alora, name, **options)).id

    async def handle(self, command: Any) -> Any:
        return await self.alora.bus.handle(command)

    async def ask(
        self, sender: uuid.UUID, recipient: uuid.UUID, message: str | None = None
    ) -> RequestView:
        view: RequestView = await self.handle(
            c.SendConnectionRequest(actor=as_user(sender), user_id=recipient, message=message)
        )
        return view

    async def accept(self, user: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        view: RequestView = await self.handle(
            c.AcceptConnectionRequest(actor=as_user(user), request_id=request_id)
        )
        return view

    async def reject(self, user: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        view: RequestView = await self.handle(
            c.RejectConnectionRequest(actor=as_user(user), request_id=request_id)
        )
        return view

    async def withdraw(self, user: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        view: RequestView = await self.handle(
            c.WithdrawConnectionRequest(actor=as_user(user), request_id=request_id)
        )
        return view

    async def connect(self, one: uuid.UUID, other: uuid.UUID) -> None:
        await self.accept(other, (await self.ask(one, other)).request.id)

    async def requests(
        self,
        user: uuid.UUID,
        direction: Direction = Direction.RECEIVED,
        status: RequestStatus | None = None,
    ) -> list[RequestView]:
        page = await self.handle(
            c.ListConnectionRequests(actor=as_user(user), direction=direction, status=status)
        )
        return list(page.items)

    async def connections(self, user: uuid.UUID) -> list[uuid.UUID]:
        page = await self.handle(c.ListConnections(actor=as_user(user)))
        return [view.other.id for view in page.items]

    async def block(self, user: uuid.UUID, other: uuid.UUID) -> bool:
        done: bool = await self.handle(c.BlockUser(actor=as_user(user), user_id=other))
        return done

    async def unblock(self, user: uuid.UUID, other: uuid.UUID) -> bool:
        done: bool = await self.handle(c.UnblockUser(actor=as_user(user), user_id=other))
        return done

    async def blocked(self, user: uuid.UUID) -> list[uuid.UUID]:
        page = await self.handle(c.ListBlocks(actor=as_user(user)))
        return [view.blocked.id for view in page.items]

    async def relationship(self, user: uuid.UUID, other: uuid.UUID) -> Relationship:
        async with self.alora.units_of_work["messaging"]().reading() as uow:
            found: Relationship = await uow.relationships.between(user, other)
            return found

    async def related_ids(self, user: uuid.UUID) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
        """The user's connections and the users blocked either way."""
        async with self.alora.units_of_work["messaging"]().reading() as uow:
            return (
                await uow.relationships.connection_ids(user),
                await uow.relationships.blocked_ids(user),
            )


async def open_social(backend: Backend, **environ: str) -> Social:
    clock = FixedClock()
    alora = await backend.build(clock=clock, environ={**CAPS, **environ})
    return Social(alora=alora, clock=clock)
