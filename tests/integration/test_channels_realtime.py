"""The ``Realtime`` adapter over Litestar channels backends, in memory and on Redis: ``publish``
and ``publish_many`` (one pipeline on Redis)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.channels.backends.memory import MemoryChannelsBackend

from adapters.channels_realtime import ChannelsRealtime
from adapters.redis_channels import ReconnectingRedisPubSubBackend
from alora_core.shared.realtime import Push


def plugin_for(backend: Any) -> ChannelsPlugin:
    return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)


async def next_event(subscriber: Subscriber, wait: float = 5.0) -> dict[str, Any]:
    events = subscriber.iter_events()
    payload = await asyncio.wait_for(anext(events), wait)
    message: dict[str, Any] = json.loads(payload)
    return message


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    # A name of its own, so a test can find (and cut) exactly its connections.
    client = redis.asyncio.Redis.from_url(redis_url, client_name=f"test-{uuid.uuid4().hex}")
    try:
        yield client
    finally:
        await client.aclose()


async def test_the_memory_backend_delivers_once_its_plugin_started(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters.channels_realtime")
    backend = MemoryChannelsBackend()
    realtime = ChannelsRealtime(backend)
    await realtime.publish("user:1", "notification.created", {"n": 1})  # not started: dropped
    assert "dropped" in caplog.text

    async with plugin_for(backend) as plugin, plugin.start_subscription("user:1") as subscriber:
        await realtime.publish("user:2", "notification.created", {"n": 2})  # nobody listens
        await realtime.publish("user:1", "notification.created", {"n": 3, "s": "é"})
        assert await next_event(subscriber) == {
            "event": "notification.created",
            "data": {"n": 3, "s": "é"},
        }
    await realtime.publish("user:1", "notification.read", {})  # stopped again: dropped


async def test_an_event_that_cannot_be_encoded_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = MemoryChannelsBackend()
    async with plugin_for(backend):
        await ChannelsRealtime(backend).publish("user:1", "x.y", {"bad": object()})
    assert "cannot encode real-time event x.y" in caplog.text


async def test_redis_publishes_without_a_plugin_to_another_process(
    redis_client: redis.asyncio.Redis,
) -> None:
    topic = f"user:{uuid.uuid4()}"
    listening = ReconnectingRedisPubSubBackend(redis=redis_client)
    publisher = ChannelsRealtime(ReconnectingRedisPubSubBackend(redis=redis_client))
    async with (
        plugin_for(listening) as plugin,
        plugin.start_subscription(topic) as subscriber,
    ):
        await asyncio.sleep(0.1)  # the SUBSCRIBE reaches Redis
        await publisher.publish(topic, "notification.created", {"id": 1})
        assert await next_event(subscriber) == {
            "event": "notification.created",
            "data": {"id": 1},
        }


async def test_redis_delivery_resumes_after_the_connection_is_cut(
    redis_client: redis.asyncio.Redis, redis_url: str
) -> None:
    topic = f"user:{uuid.uuid4()}"
    realtime = ChannelsRealtime(ReconnectingRedisPubSubBackend(redis=redis_client))
    async with (
        redis.asyncio.Redis.from_url(redis_url) as admin,
        plugin_for(ReconnectingRedisPubSubBackend(redis=redis_client)) as plugin,
        plugin.start_subscription(topic) as subscriber,
    ):
        await asyncio.sleep(0.1)
        await realtime.publish(topic, "e.one", {})
        assert (await next_event(subscriber))["event"] == "e.one"

        name = (await redis_client.client_getname()) or ""
        pubsub = [c for c in await admin.client_list(_type="pubsub") if c["name"] == name]
        assert len(pubsub) == 1
        await admin.client_kill_filter(_id=pubsub[0]["id"])

        async def published_and_received() -> dict[str, Any]:
            while True:  # until the reconnected subscription is in place
                await realtime.publish(topic, "e.two", {})
                try:
                    return await next_event(subscriber, wait=0.2)
                except TimeoutError:
                    continue

        assert (await asyncio.wait_for(published_and_received(), 10))["event"] == "e.two"


async def test_sockets_subscribing_at_once_on_a_fresh_process_all_get_their_events(
    redis_client: redis.asyncio.Redis,
) -> None:
    backend = ReconnectingRedisPubSubBackend(redis=redis_client)
    realtime = ChannelsRealtime(backend)
    topics = [f"user:{uuid.uuid4()}" for _ in range(25)]
    async with plugin_for(backend) as plugin:
        subscribers = await asyncio.gather(*(plugin.subscribe(topic) for topic in topics))
        for topic in topics:
            await realtime.publish(topic, "notification.created", {"topic": topic})
        received = await asyncio.gather(*(next_event(s) for s in subscribers))
    assert [message["data"]["topic"] for message in received] == topics


# --- publish_many: both adapters ---------------------------------------------------------------


class CountingRedis:
    """Counts the round trips (commands and pipelines) made through a Redis client."""

    def __init__(self, client: redis.asyncio.Redis) -> None:
        self.client = client
        self.round_trips = 0
        plain, pipeline = client.execute_command, client.pipeline

        async def execute_command(*args: Any, **options: Any) -> Any:
            self.round_trips += 1
            return await plain(*args, **options)

        def counted_pipeline(*args: Any, **options: Any) -> Any:
            pipe = pipeline(*args, **options)
            execute = pipe.execute

            async def counted_execute(*a: Any, **o: Any) -> Any:
                self.round_trips += 1
                return await execute(*a, **o)

            pipe.execute = counted_execute  # type: ignore[method-assign]
            return pipe

        client.execute_command = execute_command  # type: ignore[method-assign]
        client.pipeline = counted_pipeline  # type: ignore[method-assign]


async def publishes_many_in_order(
    listening: Any, publishing: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """``publish_many`` through ``publishing`` reaches the subscribers of ``listening``: each
    push on its topic, in order; one that cannot be encoded is logged and skipped."""
    topics = [f"user:{uuid.uuid4()}" for _ in range(3)]
    realtime = ChannelsRealtime(publishing)
    pushes = [
        Push(topics[0], "e.first", {"n": 1}),
        Push(topics[1], "e.first", {"n": 2}),
        Push(topics[0], "e.bad", {"bad": object()}),
        Push(topics[0], "e.second", {"n": 3}),
        Push(topics[2], "e.nobody", {"n": 4}),  # nobody listens: fine
    ]
    async with plugin_for(listening) as plugin:
        first = await plugin.subscribe(topics[0])
        second = await plugin.subscribe(topics[1])
        await asyncio.sleep(0.1)  # on Redis, the SUBSCRIBE reaches it
        await realtime.publish_many(pushes)
        await realtime.publish_many([])
        assert [await next_event(first), await next_event(first)] == [
            {"event": "e.first", "data": {"n": 1}},
            {"event": "e.second", "data": {"n": 3}},
        ]
        assert await next_event(second) == {"event": "e.first", "data": {"n": 2}}
    assert "cannot encode real-time event e.bad" in caplog.text


async def test_publish_many_in_memory(caplog: pytest.LogCaptureFixture) -> None:
    backend = MemoryChannelsBackend()
    await publishes_many_in_order(backend, backend, caplog)


async def test_publish_many_through_redis(
    redis_client: redis.asyncio.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    await publishes_many_in_order(
        ReconnectingRedisPubSubBackend(redis=redis_client),
        ReconnectingRedisPubSubBackend(redis=redis_client),
        caplog,
    )


async def test_redis_publishes_many_in_one_round_trip(
    redis_client: redis.asyncio.Redis, redis_url: str
) -> None:
    topic = f"user:{uuid.uuid4()}"
    async with (
        redis.asyncio.Redis.from_url(redis_url) as publisher_client,
        plugin_for(ReconnectingRedisPubSubBackend(redis=redis_client)) as plugin,
        plugin.start_subscription(topic) as subscriber,
    ):
        await asyncio.sleep(0.1)
        counting = CountingRedis(publisher_client)
        realtime = ChannelsRealtime(ReconnectingRedisPubSubBackend(redis=publisher_client))
        await realtime.publish_many([Push(topic, "e.n", {"n": n}) for n in range(50)])
        assert counting.round_trips == 1
        received = [await next_event(subscriber) for _ in range(50)]
    assert [message["data"]["n"] for message in received] == list(range(50))


async def test_publish_many_before_the_memory_plugin_started_drops_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters.channels_realtime")
    await ChannelsRealtime(MemoryChannelsBackend()).publish_many([Push("user:1", "e.x", {})])
    assert "dropped" in caplog.text
    await ChannelsRealtime(lambda: None).publish_many([Push("user:1", "e.x", {})])  # no backend
