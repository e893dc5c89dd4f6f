"""A harness for messaging's real-time suites: Alora on a backend recording what it pushes,
users, and conversations made and changed straight through a unit of work (``record_change``),
each commit handed to the after-commit hooks as a command's would be."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from attrs import define, field

from adapters.memory.presence import MemoryOpenSockets, MemoryPresence
from alora_core.identity.model import Role
from alora_core.messaging.connections.commands import (
    AcceptConnectionRequest,
    BlockUser,
    SendConnectionRequest,
)
from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
)
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.realtime import Push
from entrypoints.bootstrap import Alora
from entrypoints.realtime_wiring import RealtimeParts
from support.backends import Backend
from support.builders import add_user


def as_user(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER, email_verified=True)


@define
class Recorder:
    """A ``Realtime`` that records each ``publish_many`` call's pushes."""

    calls: list[list[Push]] = field(factory=list)

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        await self.publish_many([Push(topic, event, data)])

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        self.calls.append(list(pushes))

    def take(self) -> list[Push]:
        """Every push since the last call, in order."""
        pushes = [push for call in self.calls for push in call]
        self.calls.clear()
        return pushes


@define
class Chat:
    alora: Alora
    clock: FixedClock
    realtime: Recorder
    presence: MemoryPresence

    async def user(self, name: str, **options: Any) -> uuid.UUID:
        return (await add_user(self.alora, name, unique=True, **options)).id

    async def users(self, *names: str) -> list[uuid.UUID]:
        return [await self.user(name) for name in names]

    def uow(self) -> Any:
        return self.alora.units_of_work["messaging"]()

    async def conversation(
        self,
        members: Sequence[uuid.UUID],
        kind: ConversationKind = ConversationKind.GROUP,
        **fields: Any,
    ) -> uuid.UUID:
        return await make_conversation(self.alora, members, kind, **fields)

    async def change(
        self,
        conversation_id: uuid.UUID,
        kind: str,
        data: dict[str, Any],
        *,
        remove: uuid.UUID | None = None,
        only_user_id: uuid.UUID | None = None,
    ) -> int:
        """Record a change (after ``remove`` left the conversation, when given) and run the
        after-commit hooks with what committed; the change's event seq."""
        now = self.clock.now()
        async with self.uow() as uow:
            conversation = await uow.conversations.get(conversation_id, lock=True)
            members = await uow.members.of(conversation_id)
            if remove is not None:
                member = next(m for m in members if m.user_id == remove)
                member.left_at = now
                member.until_seq = conversation.last_seq
                member.until_event = conversation.event_seq + 1
            event = await record_change(
                uow, conversation, members, kind, data, now, only_user_id=only_user_id
            )
            await uow.commit()
            committed = uow.collect_events()
        await self.alora.bus.committed(committed)
        seq: int = event.seq
        return seq

    async def handle(self, command: Any) -> Any:
        return await self.alora.bus.handle(command)

    async def connect(self, one: uuid.UUID, other: uuid.UUID) -> None:
        await connect_users(self.alora, one, other)

    async def block(self, blocker: uuid.UUID, blocked: uuid.UUID) -> None:
        await self.handle(BlockUser(actor=as_user(blocker), user_id=blocked))

    async def booking_counterparts(self, customer: uuid.UUID, professional: uuid.UUID) -> None:
        await self.conversation(
            [customer, professional], ConversationKind.BOOKING, booking_id=uuid.uuid4()
        )


async def connect_users(alora: Alora, one: uuid.UUID, other: uuid.UUID) -> None:
    """``one`` asks ``other`` to connect, who accepts."""
    asked = await alora.bus.handle(SendConnectionRequest(actor=as_user(one), user_id=other))
    await alora.bus.handle(
        AcceptConnectionRequest(actor=as_user(other), request_id=asked.request.id)
    )


async def make_conversation(
    alora: Alora,
    members: Sequence[uuid.UUID],
    kind: ConversationKind = ConversationKind.GROUP,
    **fields: Any,
) -> uuid.UUID:
    """A conversation of ``members`` (the first owns it), stored as it is, with no event."""
    now = alora.clock.now()
    conversation = Conversation(
        kind=kind, created_at=now, last_activity_at=now, created_by=members[0], **fields
    )
    async with alora.units_of_work["messaging"]() as uow:
        uow.conversations.add(conversation)
        for index, user_id in enumerate(members):
            role = MemberRole.OWNER if index == 0 else MemberRole.MEMBER
            uow.members.add(
                Member(conversation_id=conversation.id, user_id=user_id, role=role, joined_at=now)
            )
        await uow.commit()
    return conversation.id


async def build_chat(backend: Backend) -> Chat:
    clock = FixedClock()
    realtime = Recorder()
    presence = MemoryPresence(clock, socket_ttl=timedelta(minutes=1), grace=timedelta(seconds=10))
    alora = await backend.build(
        clock=clock,
        realtime=RealtimeParts(
            realtime, presence, MemoryOpenSockets(clock, socket_ttl=timedelta(minutes=1))
        ),
    )
    return Chat(alora, clock, realtime, presence)
