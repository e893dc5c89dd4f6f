"""The one way Alora opens Redis: a connection pool that waits for a free connection.

redis-py's default pool refuses at once when its connections are all in use; a burst (a
thousand sockets closing together) would then fail presence updates. This pool queues them.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

MAX_CONNECTIONS = 200
WAIT_SECONDS = 10


def redis_client(url: str, *, client_name: str | None = None) -> Redis:
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=WAIT_SECONDS, client_name=client_name
    )
    return Redis.from_pool(pool)  # the client owns the pool and closes it
