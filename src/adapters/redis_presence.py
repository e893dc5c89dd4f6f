"""Presence in Redis, shared by every API process.

Per user: a sorted set of socket ids scored by when each expires (``<prefix>s:<user>``, the key
itself expiring with its last socket) and a hash with the ``on`` flag (announced online, not yet
settled offline) and ``seen`` (last time a socket was known alive, epoch ms). One sorted set
``<prefix>due`` holds when ``sweep`` should look at each user next. Every change is one Lua
script, so processes racing on one user see a consistent state. Times come from the injected
clock (epoch milliseconds), not from the Redis server.

``RedisOpenSockets`` keeps each user's open sockets in the order they opened (``<prefix>o:<user>``,
scored by a per-user counter ``<prefix>n:<user>``) and when each stops counting
(``<prefix>l:<user>``); the three keys expire with the user's last counted socket.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from alora_core.shared.clock import Clock
from alora_core.shared.presence import PresenceState

# KEYS: sockets, user, due. ARGV: socket id, now, expires, user id. Returns 1 if came online.
_TOUCH = """
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - tonumber(ARGV[2])))
redis.call('ZADD', KEYS[3], 'GT', ARGV[3], ARGV[4])
local came_online = redis.call('HSETNX', KEYS[2], 'on', '1')
redis.call('HSET', KEYS[2], 'seen', ARGV[2])
return came_online
"""

# KEYS: sockets, user, due. ARGV: socket id, now, grace ms, user id. Returns 1 if none is left.
_DISCONNECT = """
local now = tonumber(ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('HSET', KEYS[2], 'seen', now)
if redis.call('ZCARD', KEYS[1]) > 0 then
  return 0
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[4])
return 1
"""

# KEYS: sockets, user, due. ARGV: now, grace ms, user id.
# Returns the last-seen time (epoch ms) when the user goes offline now, else nil.
_SETTLE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('ZADD', KEYS[3], last[2], ARGV[3])
  return nil
end
if not redis.call('HGET', KEYS[2], 'on') then
  redis.call('ZREM', KEYS[3], ARGV[3])
  return nil
end
local seen = tonumber(redis.call('HGET', KEYS[2], 'seen') or now)
local grace_ends = seen + tonumber(ARGV[2])
if grace_ends > now then
  redis.call('ZADD', KEYS[3], grace_ends, ARGV[3])
  return nil
end
redis.call('HDEL', KEYS[2], 'on')
redis.call('ZREM', KEYS[3], ARGV[3])
return seen
"""

# KEYS: order, live, counter. ARGV: socket id, now, expires, keep.
# Returns the sockets beyond ``keep``, oldest first (no longer counted).
_TOUCH_OPEN = """
local now = tonumber(ARGV[2])
for _, expired in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('ZREM', KEYS[1], expired)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local replaced = {}
if over > 0 then
  replaced = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  for _, socket in ipairs(replaced) do
    redis.call('ZREM', KEYS[2], socket)
  end
end
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local ttl = math.max(1, tonumber(last[2]) - now)
for _, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, ttl)
end
return replaced
"""

_SWEEP_BATCH = 100


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(ms: int | bytes | str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, UTC)


class RedisPresence:
    """The ``Presence`` semantics of the port, in Redis (needs Redis >= 6.2)."""

    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        *,
        socket_ttl: timedelta,
        grace: timedelta,
        prefix: str = "alora:presence:",
    ) -> None:
        self._redis = redis
        self._clock = clock
        self._socket_ttl_ms = int(socket_ttl.total_seconds() * 1000)
        self._grace_ms = int(grace.total_seconds() * 1000)
        self._prefix = prefix
        self._touch = redis.register_script(_TOUCH)
        self._disconnect = redis.register_script(_DISCONNECT)
        self._settle = redis.register_script(_SETTLE)

    async def connect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        return await self._touch_socket(user_id, socket_id)

    async def refresh(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        return await self._touch_socket(user_id, socket_id)

    async def disconnect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        now = _ms(self._clock.now())
        none_left = await self._disconnect(
            keys=self._keys(user_id), args=[str(socket_id), now, self._grace_ms, str(user_id)]
        )
        return bool(none_left)

    async def settle(self, user_id: uuid.UUID) -> PresenceState | None:
        now = _ms(self._clock.now())
        seen = await self._settle(
            keys=self._keys(user_id), args=[now, self._grace_ms, str(user_id)]
        )
        if seen is None:
            return None
        return PresenceState(online=False, last_seen=_moment(seen))

    async def sweep(self) -> list[tuple[uuid.UUID, PresenceState]]:
        changes = []
        while True:
            now = _ms(self._clock.now())
            due = await self._redis.zrangebyscore(
                self._prefix + "due", "-inf", now, start=0, num=_SWEEP_BATCH
            )
            for member in due:
                user_id = uuid.UUID(member.decode() if isinstance(member, bytes) else str(member))
                state = await self.settle(user_id)
                if state is not None:
                    changes.append((user_id, state))
            if len(due) < _SWEEP_BATCH:
                return changes

    async def query(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PresenceState]:
        ids = list(dict.fromkeys(user_ids))
        now = _ms(self._clock.now())
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id in ids:
                sockets, user, _ = self._keys(user_id)
                pipe.zcount(sockets, f"({now}", "+inf")
                pipe.hmget(user, ["on", "seen"])
            replies = await pipe.execute()
        states = {}
        for index, user_id in enumerate(ids):
            live, (announced, seen) = replies[2 * index], replies[2 * index + 1]
            in_grace = announced is not None and seen is not None
            in_grace = in_grace and int(seen) + self._grace_ms > now
            online = live > 0 or in_grace
            last_seen = None if online or seen is None else _moment(seen)
            states[user_id] = PresenceState(online=online, last_seen=last_seen)
        return states

    async def _touch_socket(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        now = _ms(self._clock.now())
        came_online = await self._touch(
            keys=self._keys(user_id),
            args=[str(socket_id), now, now + self._socket_ttl_ms, str(user_id)],
        )
        return bool(came_online)

    def _keys(self, user_id: uuid.UUID) -> list[str]:
        return [f"{self._prefix}s:{user_id}", f"{self._prefix}u:{user_id}", self._prefix + "due"]


class RedisOpenSockets:
    """The ``OpenSockets`` semantics of the port, in Redis, shared by every API process."""

    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        *,
        socket_ttl: timedelta,
        prefix: str = "alora:sockets:",
    ) -> None:
        self._redis = redis
        self._clock = clock
        self._socket_ttl_ms = int(socket_ttl.total_seconds() * 1000)
        self._prefix = prefix
        self._touch = redis.register_script(_TOUCH_OPEN)

    async def touch(
        self, user_id: uuid.UUID, socket_id: uuid.UUID, *, keep: int
    ) -> list[uuid.UUID]:
        now = _ms(self._clock.now())
        replaced = await self._touch(
            keys=self._keys(user_id),
            args=[str(socket_id), now, now + self._socket_ttl_ms, keep],
        )
        return [uuid.UUID(m.decode() if isinstance(m, bytes) else str(m)) for m in replaced]

    async def forget(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        order, live, _ = self._keys(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(order, str(socket_id))
            pipe.zrem(live, str(socket_id))
            await pipe.execute()

    def _keys(self, user_id: uuid.UUID) -> list[str]:
        return [f"{self._prefix}{kind}:{user_id}" for kind in ("o", "l", "n")]
