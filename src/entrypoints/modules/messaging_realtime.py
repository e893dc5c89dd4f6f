"""The messaging module's real time: its after-commit hook, the WebSocket events it accepts
(``typing.start`` / ``typing.stop``), what it does when a socket closes, and its rule for
``presence:<id>`` topics (contacts only; identity's rule must allow too).

The typing throttle lives in each socket's state; the members typing checks are cached once per
process (``wiring.once``), shared by the command and the hook that forgets them.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from alora_core.messaging.presence import MaySeePresence
from alora_core.messaging.realtime import push_after_commit
from alora_core.messaging.typing import Memberships, SendTyping, TypingThrottle
from alora_core.shared.errors import AloraError
from alora_core.shared.messagebus import AfterCommit
from entrypoints.http.schemas import RequestSchema
from entrypoints.modules.base import InboundEvent, SocketState, Wiring

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora

MEMBERSHIPS = "messaging.memberships"


def memberships(wiring: Wiring) -> Memberships:
    """This process's cache of conversations' active members."""
    made: Memberships = wiring.once(MEMBERSHIPS, lambda: Memberships(wiring.clock))
    return made


def after_commit(wiring: Wiring) -> AfterCommit:
    return push_after_commit(wiring.realtime, memberships(wiring))


class Typing(RequestSchema):
    conversation_id: uuid.UUID


async def _typing(
    alora: Alora, actor: Any, data: Typing, state: SocketState, *, typing: bool
) -> Mapping[str, Any]:
    throttle = TypingThrottle(state)
    forward = throttle.forward(data.conversation_id, typing, alora.clock.now())
    command = SendTyping(
        actor=actor, conversation_id=data.conversation_id, typing=typing, forward=forward
    )
    try:
        await alora.bus.handle(command)
    except AloraError:
        if forward and typing:
            throttle.refused(data.conversation_id)
        raise
    return {"conversationId": str(data.conversation_id), "typing": typing, "forwarded": forward}


async def _start(alora: Alora, actor: Any, data: Typing, state: SocketState) -> Mapping[str, Any]:
    return await _typing(alora, actor, data, state, typing=True)


async def _stop(alora: Alora, actor: Any, data: Typing, state: SocketState) -> Mapping[str, Any]:
    return await _typing(alora, actor, data, state, typing=False)


INBOUND = {
    "typing.start": InboundEvent(Typing, _start, "typing.sent"),
    "typing.stop": InboundEvent(Typing, _stop, "typing.sent"),
}


async def socket_closed(alora: Alora, actor: Any, state: SocketState) -> None:
    """The socket closed while its user typed: the others are told it stopped."""
    for conversation_id in TypingThrottle(state).still_typing(alora.clock.now()):
        with contextlib.suppress(AloraError):  # no longer a member: nothing to tell
            await alora.bus.handle(
                SendTyping(actor=actor, conversation_id=conversation_id, typing=False)
            )


async def may_see_presence(alora: Alora, actor: Any, user_id: uuid.UUID) -> bool:
    """Presence shows to contacts (connections, booking counterparts) neither of whom blocked
    the other, and to oneself."""
    try:
        return await alora.bus.handle(MaySeePresence(viewer=actor, user_id=user_id))
    except AloraError:
        return False
