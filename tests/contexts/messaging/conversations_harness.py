"""The conversations suites' harness: Alora on the test's backend with small caps, users,
connections and blocks, a booking's conversation between two users, and messages written
straight to the store (the messages' own commands are tested in their suite)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from attrs import define

from alora_core.identity.model import Role
from alora_core.messaging.connections import commands as connections
from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations.events import ConversationChanged
from alora_core.messaging.conversations.model import (
    BookingState,
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
    Message,
)
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.events import DomainEvent
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_user

NOW = datetime(2030, 1, 14, 9, 0, tzinfo=UTC)
CAPS = {
    "ALORA_MESSAGING_MAX_GROUP_MEMBERS": "4",
    "ALORA_MESSAGING_GROUPS_PER_DAY": "3",
    "ALORA_MESSAGING_NEW_DIRECT_PER_DAY": "2",
}


def as_user(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER, email_verified=True)


@define
class Chats:
    alora: Alora
    clock: FixedClock
    committed: list[DomainEvent]

    def uow(self) -> Any:
        return self.alora.units_of_work["messaging"]()

    async def user(self, name: str, **options: Any) -> uuid.UUID:
        return (await add_user(self.alora, name, **options)).id

    async def handle(self, command: Any) -> Any:
        return await self.alora.bus.handle(command)

    async def direct(self, user: uuid.UUID, other: uuid.UUID) -> c.Opened:
        opened: c.Opened = await self.handle(c.OpenDirect(actor=as_user(user), user_id=other))
        return opened

    async def group(
        self, owner: uuid.UUID, *members: uuid.UUID, title: str = "Team"
    ) -> ConversationView:
        view: ConversationView = await self.handle(
            c.CreateGroup(actor=as_user(owner), title=title, member_ids=members)
        )
        return view

    async def view(self, user: uuid.UUID, conversation_id: uuid.UUID) -> ConversationView:
        view: ConversationView = await self.handle(
            c.GetConversation(actor=as_user(user), conversation_id=conversation_id)
        )
        return view

    async def connect(self, one: uuid.UUID, other: uuid.UUID) -> None:
        request = await self.handle(
            connections.SendConnectionRequest(actor=as_user(one), user_id=other)
        )
        await self.handle(
            connections.AcceptConnectionRequest(actor=as_user(other), request_id=request.request.id)
        )

    async def block(self, user: uuid.UUID, other: uuid.UUID) -> None:
        await self.handle(connections.BlockUser(actor=as_user(user), user_id=other))

    async def booking_conversation(self, customer: uuid.UUID, professional: uuid.UUID) -> uuid.UUID:
        now = self.clock.now()
        conversation = Conversation(
            kind=ConversationKind.BOOKING,
            created_at=now,
            last_activity_at=now,
            created_by=None,
            booking_id=uuid.uuid4(),
            booking_state=BookingState.PENDING,
            booking_start=now,
        )
        async with self.uow() as uow:
            uow.conversations.add(conversation)
            for user_id in (customer, professional):
                uow.members.add(
                    Member(
                        conversation_id=conversation.id,
                        user_id=user_id,
                        role=MemberRole.MEMBER,
                        joined_at=now,
                    )
                )
            await uow.commit()
        return conversation.id

    async def send(self, conversation_id: uuid.UUID, sender: uuid.UUID, body: str = "hi") -> int:
        async with self.uow() as uow:
            conversation = await uow.conversations.get(conversation_id, lock=True)
            seq = conversation.next_message_seq(self.clock.now())
            uow.messages.add(
                Message(
                    conversation_id=conversation_id,
                    seq=seq,
                    sender_id=sender,
                    client_id=uuid.uuid4().hex,
                    body=body,
                    created_at=self.clock.now(),
                )
            )
            await uow.commit()
        return int(seq)

    def changes(self, conversation_id: uuid.UUID) -> list[ConversationChanged]:
        return [
            e
            for e in self.committed
            if isinstance(e, ConversationChanged) and e.conversation_id == conversation_id
        ]


async def open_chats(backend: Backend, **environ: str) -> Chats:
    clock = FixedClock(NOW)
    alora = await backend.build(clock=clock, environ={**CAPS, **environ})
    return Chats(alora=alora, clock=clock, committed=committed_events(alora))
