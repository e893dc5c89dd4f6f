"""The chat load itself: the users' sockets, the paced sends and what each recipient received.

``ChatLoad`` holds, for message ``k`` of the run, its conversation, sender and recipient
(conversation ``k mod P``, the two members taking turns as sender from one round of ``P``
messages to the next), when its ``POST`` was written and answered, and every receipt of its
``message.created`` on the recipient's socket. Sends are paced on a fixed schedule (message
``k`` at ``t0 + k / rate``), each on a keep-alive connection taken from a pool per API process;
a send is never held back by an earlier one's answer, only by the pool's size.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Sequence
from contextlib import suppress

from attrs import define, field
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.client import HttpConnection, encode_request
from bench.fanout import CONNECT_CONCURRENCY, open_socket

_PONG = json.dumps({"event": "pong", "data": {}})
POOL_SIZE = 128
"""Keep-alive connections per API process at most; a send waits for one beyond."""
POOL_WARM = 16
"""Connections per API process opened before the clock starts."""
SEND_TIMEOUT_SECONDS = 30.0
_WARM = "warm-"
LATE_SECONDS = 5.0
"""A message whose connection is free only this long after the sending window ends is not sent:
the run never outlasts its window by more (the server fell behind; the rate achieved says so)."""
NOT_SENT = -2
TIMED_OUT = -1
FAILED = 0
"""Statuses recorded for a send that got no answer (timed out, connection failed) or was not
written at all (``NOT_SENT``)."""


@define
class ChatUser:
    index: int
    user_id: str
    port: int
    """The API process of its socket and of its sends."""
    token: str
    socket: ClientConnection | None = None
    failure: str | None = None
    closed_early: str | None = None


@define
class Pool:
    """Keep-alive connections to one API process, the most recently used first."""

    port: int
    slots: asyncio.Semaphore = field(factory=lambda: asyncio.Semaphore(POOL_SIZE))
    idle: list[HttpConnection] = field(factory=list)
    opened: int = 0

    async def acquire(self) -> HttpConnection:
        await self.slots.acquire()
        if self.idle:
            return self.idle.pop()
        self.opened += 1
        return HttpConnection(self.port)

    def release(self, http: HttpConnection) -> None:
        self.idle.append(http)
        self.slots.release()

    async def warm(self, count: int) -> None:
        connections = [await self.acquire() for _ in range(count)]
        for http in connections:
            response = await http.request("GET", "/health")
            if response.status != 200:
                raise RuntimeError(f"GET /health on port {self.port}: {response.status}")
        for http in connections:
            self.release(http)

    def close(self) -> None:
        for http in self.idle:
            http.close()


@define
class ChatLoad:
    users: list[ChatUser]
    conversation_ids: list[str]
    """Conversation ``c`` is between users ``2c`` and ``2c + 1``."""
    total: int
    rate: float
    prefix: str
    """Every clientId of the run is ``<prefix><k>``."""
    sent_at: list[float] = field(init=False)
    answered_at: list[float] = field(init=False)
    status: list[int] = field(init=False)
    received_at: list[float] = field(init=False)
    received_wall: list[float] = field(init=False)
    created_at: list[str] = field(init=False)
    receipts: list[int] = field(init=False)
    sender_echoes: int = 0
    """``message.created`` of its own messages on the sender's socket (not measured)."""
    misdelivered: int = 0
    """A run's message on a socket of neither its sender nor its recipient."""
    delivered: int = 0
    warm_recipients: dict[str, int] = field(factory=dict)
    warm_received: dict[str, float] = field(factory=dict)
    warm_done: asyncio.Event = field(factory=asyncio.Event)
    wanted: int | None = None
    """Deliveries awaited by ``wait_delivered``."""
    all_delivered: asyncio.Event = field(factory=asyncio.Event)
    t0: float = math.nan
    pools: dict[int, Pool] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        nan = math.nan
        self.sent_at = [nan] * self.total
        self.answered_at = [nan] * self.total
        self.status = [FAILED] * self.total
        self.received_at = [nan] * self.total
        self.received_wall = [nan] * self.total
        self.created_at = [""] * self.total
        self.receipts = [0] * self.total
        for user in self.users:
            self.pools.setdefault(user.port, Pool(user.port))

    def conversation_of(self, k: int) -> int:
        return k % len(self.conversation_ids)

    def sender_of(self, k: int) -> int:
        return 2 * self.conversation_of(k) + (k // len(self.conversation_ids)) % 2

    def recipient_of(self, k: int) -> int:
        return self.sender_of(k) ^ 1

    # --- the sockets --------------------------------------------------------------------------

    async def connect_all(self, within: float) -> list[asyncio.Task[None]]:
        """Open every user's socket (``CONNECT_CONCURRENCY`` handshakes at a time) and start
        reading them; returns the reader tasks once every socket said ``ready`` or failed."""
        slots = asyncio.Semaphore(CONNECT_CONCURRENCY)
        settled = 0
        all_settled = asyncio.Event()

        async def run(user: ChatUser) -> None:
            nonlocal settled
            try:
                async with slots:
                    user.socket = await open_socket(user.port, user.token)
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed, ValueError) as exc:
                user.failure = type(exc).__name__
                return
            finally:
                settled += 1
                if settled == len(self.users):
                    all_settled.set()
            await self.read(user)

        tasks = [asyncio.create_task(run(user)) for user in self.users]
        try:
            await asyncio.wait_for(all_settled.wait(), within)
        except TimeoutError:
            for task in tasks:
                task.cancel()
            ready = sum(1 for user in self.users if user.socket is not None)
            raise RuntimeError(
                f"only {ready} of {len(self.users)} sockets opened within {within:g} s"
            ) from None
        return tasks

    async def read(self, user: ChatUser) -> None:
        socket = user.socket
        assert socket is not None
        clock, prefix, skip = time.perf_counter, self.prefix, len(self.prefix)
        try:
            async for raw in socket:
                now = clock()
                message = json.loads(raw)
                event = message.get("event")
                if event == "message.created":
                    sent = (message.get("data") or {}).get("message") or {}
                    client_id = sent.get("clientId") or ""
                    if client_id.startswith(prefix):
                        rest = client_id[skip:]
                        if rest.startswith(_WARM):
                            if self.warm_recipients.get(rest) == user.index:
                                self.warm_received[rest] = now
                                if len(self.warm_received) == len(self.warm_recipients):
                                    self.warm_done.set()
                        else:
                            self.receive(user.index, int(rest), now, sent)
                elif event == "ping":
                    await socket.send(_PONG)
        except ConnectionClosed as exc:
            user.closed_early = str(exc.rcvd.code) if exc.rcvd else "no close frame"

    def receive(self, index: int, k: int, now: float, message: dict[str, object]) -> None:
        if self.recipient_of(k) != index:
            if self.sender_of(k) == index:
                self.sender_echoes += 1
            else:
                self.misdelivered += 1
            return
        self.receipts[k] += 1
        if self.receipts[k] == 1:
            self.received_at[k] = now
            self.received_wall[k] = time.time()
            self.created_at[k] = str(message.get("createdAt") or "")
            self.delivered += 1
            if self.wanted is not None and self.delivered >= self.wanted:
                self.all_delivered.set()

    async def close_all(self, tasks: Sequence[asyncio.Task[None]], within: float) -> None:
        sockets = [user.socket for user in self.users if user.socket is not None]
        for user in self.users:
            user.closed_early = None  # closing now is not "early"
        slots = asyncio.Semaphore(200)

        async def close(socket: ClientConnection) -> None:
            async with slots:
                await socket.close()

        with suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(close(s) for s in sockets), return_exceptions=True), within
            )
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for pool in self.pools.values():
            pool.close()

    # --- the sends ----------------------------------------------------------------------------

    def request(self, conversation: int, sender_index: int, name: str) -> tuple[Pool, bytes]:
        """The ``POST`` of message ``name`` (its clientId after the prefix)."""
        sender = self.users[sender_index]
        body = json.dumps({"clientId": f"{self.prefix}{name}", "body": f"Bench message {name}"})
        path = f"/api/v1/conversations/{self.conversation_ids[conversation]}/messages"
        headers = {"Authorization": f"Bearer {sender.token}", "Content-Type": "application/json"}
        request = encode_request("POST", path, sender.port, headers=headers, body=body.encode())
        return self.pools[sender.port], request

    async def send(self, k: int) -> None:
        pool, request = self.request(self.conversation_of(k), self.sender_of(k), str(k))
        cutoff = self.t0 + self.total / self.rate + LATE_SECONDS
        sent = await _send(pool, request, cutoff)
        if sent is None:
            self.status[k] = NOT_SENT
        else:
            self.sent_at[k], self.status[k], self.answered_at[k] = sent

    async def warm_up(self, within: float) -> float:
        """One message each way in the first conversation, each sent through its sender's
        process and awaited on the other member's socket; returns the slower, in ms."""
        started = time.perf_counter()
        for sender in (0, 1):
            name = f"{_WARM}{sender}"
            self.warm_recipients[name] = sender ^ 1
            pool, request = self.request(0, sender, name)
            sent = await _send(pool, request, math.inf)
            status = FAILED if sent is None else sent[1]
            if not 200 <= status < 300:
                raise RuntimeError(f"the warm-up message was answered {status}")
        try:
            await asyncio.wait_for(self.warm_done.wait(), within)
        except TimeoutError:
            raise RuntimeError(
                f"a warm-up message did not reach its recipient within {within:g} s (see the log)"
            ) from None
        return (max(self.warm_received.values()) - started) * 1000

    async def run_sends(self) -> None:
        """Every message on its schedule; returns when every send was answered (or failed)."""
        for pool in self.pools.values():
            await pool.warm(POOL_WARM)
        clock, rate, total = time.perf_counter, self.rate, self.total
        tasks: list[asyncio.Task[None]] = []
        self.t0 = t0 = clock() + 0.01
        k = 0
        while k < total:
            due = min(total, int((clock() - t0) * rate) + 1)
            while k < due:
                tasks.append(asyncio.create_task(self.send(k)))
                k += 1
            if k < total:
                await asyncio.sleep(max(0.0, t0 + k / rate - clock()))
        await asyncio.gather(*tasks)

    def accepted(self) -> int:
        return sum(1 for status in self.status if 200 <= status < 300)

    async def wait_delivered(self, within: float, settle: float) -> float:
        """Wait until every accepted message reached its recipient (or ``within`` seconds
        passed), then ``settle`` seconds more for late duplicates; returns when the last one
        arrived."""
        self.wanted = self.accepted()
        if self.delivered >= self.wanted:
            self.all_delivered.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(self.all_delivered.wait(), within)
        await asyncio.sleep(settle)
        return max((t for t in self.received_at if not math.isnan(t)), default=math.nan)


async def _send(pool: Pool, request: bytes, cutoff: float) -> tuple[float, int, float] | None:
    """``(written at, status, answered at)`` of one request on a connection of ``pool``; None
    when no connection was free before ``cutoff`` (``perf_counter`` time)."""
    http = await pool.acquire()
    sent_at = time.perf_counter()
    if sent_at > cutoff:
        pool.release(http)
        return None
    try:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            status = (await http.send(request, "POST")).status
    except TimeoutError:
        status = TIMED_OUT
    except (OSError, asyncio.IncompleteReadError):
        status = FAILED
    finally:
        pool.release(http)
    return sent_at, status, time.perf_counter()
