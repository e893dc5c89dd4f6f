"""What the gateway offers a module beyond its topics and events: a state per socket for the
module's inbound events, a hook when such a socket closes, and rules of several modules for one
kind of topic, all of which must allow."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from entrypoints.modules import MODULES, ContextModule
from entrypoints.modules.base import InboundEvent, SocketState
from support.realtime import eventually, expect, request, running_gateway


class Step(msgspec.Struct, forbid_unknown_fields=True):
    by: int = 1


def counter_module(closed: list[tuple[uuid.UUID, dict[str, Any]]]) -> ContextModule:
    """``count.up`` adds to a count kept per socket; a socket that counted is remembered in
    ``closed`` when it closes."""

    async def up(alora: Any, actor: Any, data: Step, state: SocketState) -> Mapping[str, Any]:
        state["count"] = state.get("count", 0) + data.by
        return {"count": state["count"]}

    async def socket_closed(alora: Any, actor: Any, state: SocketState) -> None:
        closed.append((actor.user_id, dict(state)))

    return ContextModule(
        name="counter",
        sql_unit_of_work="adapters.sqlalchemy.uow:SqlUnitOfWork",
        memory_unit_of_work="adapters.memory.uow:MemoryUnitOfWork",
        commands=lambda _wiring: {},
        inbound={"count.up": InboundEvent(Step, up, "count.is")},
        socket_closed=socket_closed,
    )


async def test_each_socket_keeps_its_own_state_and_its_close_is_told(tmp_path: Path) -> None:
    closed: list[tuple[uuid.UUID, dict[str, Any]]] = []
    async with running_gateway(tmp_path, modules=[*MODULES, counter_module(closed)]) as gw:
        ann, token = await gw.user("ann")
        async with gw.connect(token) as one, gw.connect(token) as two:
            await expect(one, "ready")
            await expect(two, "ready")
            assert (await request(one, "count.up", {"by": 2}))["data"] == {"count": 2}
            assert (await request(one, "count.up", {}))["data"] == {"count": 3}
            assert (await request(two, "count.up", {}))["data"] == {"count": 1}
        await eventually(lambda: len(closed) == 2)
        assert sorted(state["count"] for _, state in closed) == [1, 3]
        assert {user for user, _ in closed} == {uuid.UUID(ann)}


async def test_a_socket_that_left_no_state_is_not_told_about(tmp_path: Path) -> None:
    closed: list[tuple[uuid.UUID, dict[str, Any]]] = []
    async with running_gateway(tmp_path, modules=[*MODULES, counter_module(closed)]) as gw:
        _, token = await gw.user("ann")
        async with gw.connect(token) as ws:
            await expect(ws, "ready")
            await request(ws, "ping")
        async with gw.connect(token) as ws:  # a later socket's close is told
            await expect(ws, "ready")
            await request(ws, "count.up", {})
        await eventually(lambda: len(closed) == 1)


def door_module(name: str, kind: str, allowed: set[uuid.UUID]) -> ContextModule:
    async def may_follow(alora: Any, actor: Any, topic_id: uuid.UUID) -> bool:
        return actor.user_id in allowed

    return ContextModule(
        name=name,
        sql_unit_of_work="adapters.sqlalchemy.uow:SqlUnitOfWork",
        memory_unit_of_work="adapters.memory.uow:MemoryUnitOfWork",
        commands=lambda _wiring: {},
        topics={kind: may_follow},
    )


async def test_a_topic_kind_with_rules_of_two_modules_needs_both(tmp_path: Path) -> None:
    first: set[uuid.UUID] = set()
    second: set[uuid.UUID] = set()
    modules = [*MODULES, door_module("front", "room", first), door_module("back", "room", second)]
    async with running_gateway(tmp_path, modules=modules) as gw:
        ann, token = await gw.user("ann")
        room = f"room:{uuid.uuid4()}"
        async with gw.connect(token) as ws:
            await expect(ws, "ready")
            for one_rule in (first, second):
                one_rule.add(uuid.UUID(ann))
                refused = await request(ws, "subscribe", {"topics": [room]})
                assert refused["data"]["code"] == "topic-forbidden"
                one_rule.clear()
            first.add(uuid.UUID(ann))
            second.add(uuid.UUID(ann))
            joined = await request(ws, "subscribe", {"topics": [room]})
            assert joined["event"] == "subscribed"
