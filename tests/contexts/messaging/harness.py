"""The messages suites' harness: an Alora on one backend with three users and helpers to send
and read as them."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from typing import Any

from attrs import define

from alora_core.identity.model import User
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.model import ConversationEvent, Message
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora
from support.backends import Backend
from support.builders import add_user

_client_ids = itertools.count(1)


@define
class Chat:
    alora: Alora
    clock: FixedClock
    ana: User
    bob: User
    cy: User
    """Not a member of the conversations the tests make unless said."""

    async def send(
        self, user: User, conversation_id: uuid.UUID, body: str = "Hello", **kwargs: Any
    ) -> Message:
        kwargs.setdefault("client_id", f"c-{next(_client_ids)}")
        sent = await self.alora.bus.handle(
            c.SendMessage(actor=actor(user), conversation_id=conversation_id, body=body, **kwargs)
        )
        return sent.message

    async def log(self, conversation_id: uuid.UUID, user: User) -> list[ConversationEvent]:
        """The conversation's logged events ``user`` may see, oldest first."""
        async with self.alora.units_of_work["messaging"]().reading() as uow:
            return await uow.event_log.after(
                conversation_id, 0, user_id=user.id, up_to=10**9, limit=10**6
            )


def actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, email_verified=True)


async def open_chat(backend: Backend, environ: Mapping[str, str] | None = None) -> Chat:
    clock = FixedClock()
    alora = await backend.build(clock=clock, environ=environ)
    ana = await add_user(alora, "ana", verified=True)
    bob = await add_user(alora, "bob", verified=True)
    cy = await add_user(alora, "cy", verified=True)
    return Chat(alora=alora, clock=clock, ana=ana, bob=bob, cy=cy)
