"""``ContextModule``: everything the composition root needs to know about one context.

A context is described once, by a module object in ``entrypoints/modules/<context>.py``; the
registry (``entrypoints.modules.MODULES``) lists them in order, and bootstrap, the HTTP app,
the scheduler, the table registry, the CLI, settings, the problem map and the WebSocket
gateway loop over it. Nothing else names a context.

Parts that would import heavy or optional libraries (SQLAlchemy, Litestar, the CLI) are named
by reference, ``"package.module:attribute"``, and imported when first needed; a reference that
does not resolve is an error at start-up (``resolve``).
"""

from __future__ import annotations

import hashlib
import importlib
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from alora_core.identity.ports import PasswordHasher
from alora_core.reports.queries import SectionCollector
from alora_core.shared.cache import PageCache
from alora_core.shared.clock import Clock
from alora_core.shared.errors import AloraError
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.messagebus import AfterCommit, CommandHandler
from alora_core.shared.notices import NoticeRule
from alora_core.shared.presence import Presence
from alora_core.shared.ratelimit import RateLimiter
from alora_core.shared.realtime import Realtime
from alora_core.shared.storage import FileStorage

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora
    from entrypoints.scheduler import ScheduledJob
    from entrypoints.settings import Settings, SettingsGroup

__all__ = [
    "ContextModule",
    "InboundEvent",
    "SocketClosed",
    "SocketState",
    "TopicPolicy",
    "Wiring",
    "resolve",
]


@frozen(kw_only=True)
class Wiring:
    """What a context's wiring gets: the settings and the platform's services."""

    settings: Settings
    clock: Clock
    mailer: Mailer
    branding: Branding
    limiter: RateLimiter
    realtime: Realtime
    presence: Presence
    """Who is online and when each user was last seen (the WebSocket gateway keeps it)."""
    storage: FileStorage
    hasher: PasswordHasher | None = None
    """The password hasher to use; None: the configured one."""
    statistics: Mapping[str, SectionCollector] = field(factory=dict)
    """Each module's section of the admin statistics, by module (bootstrap fills it)."""
    redis_url: str | None = None
    """Redis, when the deployment has one (several processes then share state through it)."""
    processes: int = 1
    """API processes of this deployment that share nothing but the database and Redis."""
    closers: list[Callable[[], Awaitable[Any]]] = field(factory=list)
    """What to close when Alora closes (a module's own connections); bootstrap runs them."""
    page_caches: dict[str, PageCache[Any]] = field(factory=dict)
    """The caches of public list pages modules keep, by name (``booking.services`` ...): the
    HTTP routes of those lists keep their encoded answers in them too."""
    _made: dict[str, Any] = field(factory=dict, alias="_made")

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``'s result, made once per composition: a module's commands and its
        after-commit hook share one instance (a cache) this way."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def secret(self, purpose: str) -> bytes:
        """A key of its own for each use of the one configured secret."""
        key = self.settings.secret_key
        return hashlib.sha256(f"alora:{purpose}:{key}".encode()).digest()


TopicPolicy = Callable[["Alora", Any, uuid.UUID], Awaitable[bool]]
"""``await may_subscribe(alora, actor, id)``: whether the signed-in ``actor`` may follow the
WebSocket topic ``<kind>:<id>`` (the module maps each kind it owns to its policy). Several
modules may give a policy for the same kind: a socket may follow the topic only when every one
of them allows it (each narrows who may)."""

SocketState = dict[str, Any]
"""What one socket keeps for one module between the module's inbound events (empty at first,
forgotten when the socket closes): a per-socket throttle, what the socket started ..."""

SocketClosed = Callable[["Alora", Any, SocketState], Awaitable[None]]
"""``await socket_closed(alora, actor, state)``: a socket whose ``state`` the module's inbound
events filled closed (e.g. tell others that what it started is over)."""


@frozen
class InboundEvent:
    """A message clients may send on the WebSocket: ``{"event": name, "data": ...}``.

    ``schema`` is the msgspec Struct ``data`` must decode to; ``handle(alora, actor, data,
    state)`` does it and returns the data of the ``reply`` event sent back; ``state`` is the
    socket's ``SocketState`` for the module. A domain error becomes an ``error`` message with
    the error's code.
    """

    schema: type
    handle: Callable[[Alora, Any, Any, SocketState], Awaitable[Mapping[str, Any]]]
    reply: str


@frozen(kw_only=True)
class ContextModule:
    name: str
    """The context's name: ``booking``; also its Alembic branch label."""
    sql_unit_of_work: str
    """Reference to its SQLAlchemy unit of work class (takes a session factory)."""
    memory_unit_of_work: str
    """Reference to its in-memory unit of work class (takes a ``MemoryStore``)."""
    commands: Callable[[Wiring], Mapping[type, CommandHandler]]
    """Each of its commands bound to its use case."""
    tables: tuple[str, ...] = ()
    """Modules that define its SQL tables."""
    migrations: str | None = None
    """Package of its own Alembic migrations (its branch); None: in the platform's chain."""
    settings: SettingsGroup[Any] | None = None
    subscribe: Callable[[ContextSubscriptions, Wiring], None] | None = None
    """Subscribe its event handlers (they run in its unit of work)."""
    notices: Callable[[Wiring], Iterable[NoticeRule]] | None = None
    """What it tells users about its events (delivered by the module with ``delivers``)."""
    delivers: Callable[[ContextSubscriptions, list[NoticeRule], Wiring], None] | None = None
    """Subscribe the delivery of every module's notices (one module does this)."""
    after_commit: Callable[[Wiring], AfterCommit] | None = None
    """What to do in the committing process right after each commit (pushes to connected
    users, forgetting cached state): see ``MessageBus.after_commit``."""
    jobs: tuple[ScheduledJob, ...] = ()
    routes: str | None = None
    """Reference to its list of HTTP route handlers, or to a function of the modules that
    makes it."""
    problems: Mapping[type[AloraError], int] = field(factory=dict)
    """HTTP statuses of its own errors beyond the shared ones (``Invalid`` 422 ...)."""
    topics: Mapping[str, TopicPolicy] = field(factory=dict)
    """Who may follow the WebSocket topics of each kind; a kind another module owns too is
    followed only where both allow (``TopicPolicy``)."""
    inbound: Mapping[str, InboundEvent] = field(factory=dict)
    socket_closed: SocketClosed | None = None
    """Called when a socket closes whose state its inbound events left non-empty."""
    statistics: str | None = None
    """Reference to the ``SectionShape`` of its section of the admin statistics, which its unit
    of work counts (``uow.statistics.collect(window)``)."""
    cli: str | None = None
    """Reference to a ``register(subparsers)`` adding its ``alora`` commands."""
    seed: str | None = None
    """Reference to ``async def seed(demo) -> list[str]``: its part of ``alora seed demo``."""


def resolve(reference: str) -> Any:
    """The attribute a ``"package.module:attribute"`` reference names."""
    module_name, _, attribute = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attribute) if attribute else module
    except (ImportError, AttributeError) as exc:
        raise LookupError(f"cannot load {reference!r}: {exc}") from exc
