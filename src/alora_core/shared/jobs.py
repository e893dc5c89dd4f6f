"""Background work: event handlers, the jobs that run them, and the runner every worker uses.

On commit, a unit of work writes one outbox row per (event, subscribed handler) in the same
transaction as the change. A relay hands those rows to a ``JobQueue`` as ``Job``s; a worker
runs each with ``run_job``. Delivery is at-least-once: ``run_job`` claims the job in the
transaction its handler works in (recording that the handler saw the event and removing the
outbox row), so a job delivered twice runs its handler once. A job that keeps failing is
buried as a dead job, which an admin can retry. A database outage (``DatabaseUnavailable``,
where even a failure could not be recorded) is no failure of the job: ``run_job`` raises
``JobDeferred``, and the queue runs the job again later without counting an attempt. Other
services' outages (file storage, mail) are failures like any other.

Secret fields of events (``shared.secrets``) are sealed in the jobs' messages by the
``Sealer`` the subscriptions carry, opened only to run the handler, and kept out of a failing
job's error and log lines.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from attrs import frozen

from alora_core.shared.clock import Clock
from alora_core.shared.errors import DatabaseUnavailable
from alora_core.shared.events import DomainEvent
from alora_core.shared.ids import new_id
from alora_core.shared.secrets import REDACTED, Sealer, redact_text, secret_values
from alora_core.shared.serialization import event_from_message, event_to_message, sealed_values

logger = logging.getLogger("alora.jobs")

EventHandler = Callable[[Any, Any], Awaitable[None]]
"""``async def handler(event, uow) -> None``: runs inside an open unit of work, which the runner
commits afterwards (so what the handler writes and the job's claim land together). Other
dependencies are bound with ``functools.partial``. Side effects outside the database (email,
real-time pushes) go last, so a failure before them rolls everything back."""


@frozen
class Subscription:
    handler: str
    """Stable name, ``<context>.<what it does>`` (``identity.welcome_email``): it is stored in
    outbox rows and dead jobs, so renaming one orphans its pending jobs."""
    event: type[DomainEvent]
    handle: EventHandler
    unit_of_work: Callable[[], Any]
    """Makes the unit of work the handler runs in (its context's)."""
    when: Callable[[Any], bool] | None = None


class Subscriptions:
    """Which handlers react to which events, each in its own context's unit of work.

    A context subscribes through ``in_context(its unit of work)``; adding a reaction is then
    one ``add`` call. ``sealer`` seals the secret fields of events in their jobs' messages (and
    opens them to run the jobs); events with secrets cannot be written without one.
    """

    def __init__(self, sealer: Sealer | None = None) -> None:
        self.sealer = sealer
        self._by_handler: dict[str, Subscription] = {}
        self._by_event: dict[str, list[str]] = defaultdict(list)

    def in_context(self, unit_of_work: Callable[[], Any]) -> ContextSubscriptions:
        """Subscriptions whose handlers run in units of work from ``unit_of_work``."""
        return ContextSubscriptions(self, unit_of_work)

    def add(self, subscription: Subscription) -> None:
        if subscription.handler in self._by_handler:
            raise ValueError(f"handler {subscription.handler!r} is subscribed already")
        self._by_handler[subscription.handler] = subscription
        self._by_event[subscription.event.name].append(subscription.handler)

    def handlers_for(self, event_name: str) -> list[str]:
        return list(self._by_event.get(event_name, ()))

    def handlers_of(self, event: DomainEvent) -> list[str]:
        """The handlers that get a job for this event."""
        return [
            name
            for name in self._by_event.get(event.name, ())
            if (when := self._by_handler[name].when) is None or when(event)
        ]

    def get(self, handler: str) -> Subscription:
        return self._by_handler[handler]

    def __iter__(self) -> Iterator[Subscription]:
        return iter(self._by_handler.values())


class ContextSubscriptions:
    """One context's view of ``Subscriptions``: its handlers run in its unit of work."""

    def __init__(self, subscriptions: Subscriptions, unit_of_work: Callable[[], Any]) -> None:
        self._subscriptions = subscriptions
        self._unit_of_work = unit_of_work

    def add(
        self,
        event: type[DomainEvent],
        handler: str,
        handle: EventHandler,
        *,
        when: Callable[[Any], bool] | None = None,
    ) -> None:
        """Run ``handle`` for each ``event``; with ``when``, only for the events it accepts (the
        others get no job at all)."""
        self._subscriptions.add(Subscription(handler, event, handle, self._unit_of_work, when))


@frozen
class Job:
    """One handler's run of one event: what the outbox holds and the broker carries."""

    id: uuid.UUID
    """The outbox row's id."""
    handler: str
    event: dict[str, Any]
    """The event as ``shared.serialization.event_to_message`` made it."""

    @property
    def event_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.event["data"]["event_id"]))

    @property
    def event_name(self) -> str:
        return str(self.event["name"])


def jobs_for(
    events: Sequence[DomainEvent],
    handlers_of: Callable[[DomainEvent], list[str]],
    sealer: Sealer | None = None,
) -> list[tuple[Job, DomainEvent]]:
    """The jobs a unit of work writes to the outbox for ``events``: one per subscribed handler,
    their secret fields sealed by ``sealer``."""
    jobs: list[tuple[Job, DomainEvent]] = []
    for event in events:
        handlers = handlers_of(event)
        if handlers:
            message = event_to_message(event, sealer)
            jobs.extend((Job(id=new_id(), handler=h, event=message), event) for h in handlers)
    return jobs


@frozen
class DeadJob:
    """A job kept after its last failed attempt. ``event`` is its message as stored (secrets
    sealed); what administrators are shown has them ``[redacted]`` (``shared.operations``)."""

    id: uuid.UUID
    handler: str
    event_name: str
    event_id: uuid.UUID
    event: dict[str, Any]
    error: str
    attempts: int
    died_at: datetime


@frozen
class JobStats:
    pending: int
    """Outbox rows: jobs not finished yet (waiting, queued or being retried)."""
    oldest_pending_age_seconds: float | None
    dead: int


class JobRecords(Protocol):
    """``uow.jobs``: the bookkeeping of jobs inside a unit of work."""

    async def claim(self, job: Job) -> bool:
        """Record that ``job.handler`` has handled the event and delete the job's outbox row.

        False when the handler had handled this event already (the job is a duplicate); the
        outbox row is deleted all the same. Concurrent claims of one job queue behind each
        other, so at most one of them returns True.
        """
        ...

    async def bury(self, job: Job, error: str, attempts: int, at: datetime) -> None:
        """Keep the job as dead and delete its outbox row."""
        ...

    async def dead(self, offset: int, limit: int) -> tuple[list[DeadJob], int]:
        """Dead jobs, newest first, and how many there are."""
        ...

    async def dead_job(self, dead_job_id: uuid.UUID) -> DeadJob | None:
        """One dead job; None if unknown."""
        ...

    async def resurrect(self, dead_job_id: uuid.UUID, at: datetime) -> DeadJob | None:
        """Put a dead job back into the outbox to be dispatched again; None if unknown."""
        ...

    async def stats(self, now: datetime) -> JobStats: ...


class JobQueue(Protocol):
    """Where the relay hands jobs over: a broker, or the in-process worker."""

    async def enqueue(self, jobs: Sequence[Job]) -> None:
        """Accept every job or raise (the relay then keeps them in the outbox and retries)."""
        ...


async def run_job(
    job: Job,
    *,
    attempt: int,
    max_attempts: int,
    subscriptions: Subscriptions,
    uow_factory: Callable[[], Any],
    clock: Clock,
    committed: Callable[[list[DomainEvent]], Awaitable[None]] | None = None,
) -> str:
    """Run one job; ``attempt`` counts from 0. Returns ``done``, ``duplicate`` or ``dead``.

    The handler runs in its subscription's unit of work; ``uow_factory`` makes the one that
    buries a job (any unit of work has the job records). ``committed`` gets the events the
    handler's commit made (the bus's after-commit hooks).

    A failure raises (for the queue to retry later) until the last attempt, where the job is
    buried instead. A job for an unknown handler or an unreadable event is buried at once. A
    database outage raises ``JobDeferred``, at any attempt, and logs nothing (the queue tells
    outages).
    """
    try:
        subscription = subscriptions.get(job.handler)
        event = event_from_message(job.event, subscriptions.sealer)
    except Exception as exc:
        reason = redact_text(
            f"cannot run this job: {exc!r}", sealed_values(job.event, subscriptions.sealer)
        )
        await _bury(job, reason, attempt + 1, uow_factory, clock)
        return "dead"
    try:
        async with subscription.unit_of_work() as uow:
            if not await uow.jobs.claim(job):
                await uow.commit()
                return "duplicate"
            await subscription.handle(event, uow)
            await uow.commit()
        if committed is not None and (events := uow.collect_events()):
            await committed(events)
        return "done"
    except Exception as exc:
        if (outage := _outage_in(exc)) is not None:
            raise JobDeferred(outage) from exc
        failure = _Failure.of(exc, secret_values(event))
        where = {"handler": job.handler, "event": job.event_name, "attempt": attempt + 1}
        if attempt + 1 < max_attempts:
            logger.warning("job failed; it will be retried", extra=where)
            if failure.exception is exc:
                raise
            raise failure.exception from None
        logger.error(
            "job failed for the last time; kept as dead", exc_info=failure.exc_info, extra=where
        )
        await _bury(job, failure.text, attempt + 1, uow_factory, clock)
        return "dead"


@frozen
class _Failure:
    """A job's failure as it may be told: its traceback, with the event's secrets redacted."""

    text: str
    exception: BaseException
    """The exception itself, or a ``JobFailed`` with the redacted text when it quoted a secret
    (the queue that retries the job logs what it is given)."""

    @classmethod
    def of(cls, exc: BaseException, secrets: list[str]) -> _Failure:
        told = "".join(traceback.format_exception(exc, limit=20))
        redacted = redact_text(told, secrets)
        if redacted == told:
            return cls(told, exc)
        return cls(redacted, JobFailed(redacted))

    @property
    def exc_info(self) -> tuple[type[BaseException], BaseException, Any]:
        exception = self.exception
        return type(exception), exception, exception.__traceback__


class JobDeferred(Exception):
    """A job met a database outage: run it again once it is back, as the same attempt."""

    def __init__(self, outage: DatabaseUnavailable) -> None:
        super().__init__(f"the job waits for an outage to end: {outage}")
        self.outage = outage


def _outage_in(exc: BaseException) -> DatabaseUnavailable | None:
    """The database outage that ``exc`` is or was raised from, or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, DatabaseUnavailable):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class JobFailed(Exception):
    """A job's failure whose own text quoted a secret; carries the text with it redacted."""

    def __init__(self, text: str) -> None:
        super().__init__(f"the job failed (secrets shown as {REDACTED}):\n{text}")


async def _bury(
    job: Job, error: str, attempts: int, uow_factory: Callable[[], Any], clock: Clock
) -> None:
    try:
        async with uow_factory() as uow:
            await uow.jobs.bury(job, error[-8000:], attempts, clock.now())
            await uow.commit()
    except Exception as exc:
        if (outage := _outage_in(exc)) is None:
            raise
        raise JobDeferred(outage) from exc
