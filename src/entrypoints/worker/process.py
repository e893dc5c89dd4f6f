"""``alora worker``: dramatiq worker threads running outbox and scheduled jobs, plus a relay.

Jobs are coroutines: they run on one event loop thread (dramatiq's ``AsyncIO`` middleware)
where Alora is built once, so every job shares one connection pool. The relay runs on that
loop too, woken when a job here commits events and when another process nudges it through
Redis. On SIGTERM or SIGINT the worker stops taking messages, lets running jobs finish for up
to ``ALORA_SHUTDOWN_TIMEOUT_SECONDS`` and exits; a job cut short stays in the outbox and runs
again (at-least-once, and handlers are idempotent).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import uuid
from datetime import datetime
from typing import Any

import dramatiq
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import CurrentMessage, Middleware

from adapters.outages import OutageLog
from alora_core.shared.jobs import Job, JobDeferred
from entrypoints.settings import Settings
from entrypoints.worker.broker import (
    JOBS_QUEUE,
    RUN_JOB_ACTOR,
    SCHEDULED_JOB_ACTOR,
    SCHEDULED_QUEUE,
    listen_for_nudges,
    make_broker,
    mark_worker_seen,
    worker_middleware,
)

logger = logging.getLogger("alora.worker")

MAX_BACKOFF_MS = 300_000
SCHEDULED_JOB_RETRIES = 3


class _Runtime(Middleware):
    """Builds Alora on the worker's event loop once it runs, and closes it at shutdown.

    It must come after ``AsyncIO`` in the middleware list: "after" hooks run in reverse
    order, so its shutdown hook then runs while the event loop still does.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.alora: Any = None
        self._ready = threading.Event()

    def after_worker_boot(self, broker: Any, worker: Any) -> None:
        from entrypoints import bootstrap

        async def start() -> None:
            alora = await bootstrap.build(self.settings)
            alora.start_relay()
            redis = _redis(self.settings)
            await mark_worker_seen(redis, alora.clock.now())
            alora.run_in_background(listen_for_nudges(redis, alora.relay.wake, alora.stop_event))
            self.alora = alora
            self._closing_redis = redis

        try:
            _loop_thread().run_coroutine(start())
        finally:
            self._ready.set()
        logger.info("worker ready", extra={"queues": [JOBS_QUEUE, SCHEDULED_QUEUE]})

    def after_worker_shutdown(self, broker: Any, worker: Any) -> None:
        if self.alora is None:
            return

        async def stop() -> None:
            await self.alora.aclose()
            await self._closing_redis.aclose()

        _loop_thread().run_coroutine(stop())

    def current(self) -> Any:
        self._ready.wait()
        if self.alora is None:
            raise RuntimeError("Alora failed to start in this worker; see the log")
        return self.alora


def _loop_thread() -> Any:
    thread = get_event_loop_thread()
    if thread is None:
        raise RuntimeError("the AsyncIO middleware is missing")
    return thread


def _redis(settings: Settings) -> Any:
    from adapters.redis_client import redis_client

    return redis_client(settings.redis_url)


def _options() -> dict[str, Any]:
    message = CurrentMessage.get_current_message()
    return message.options if message is not None else {}


def _backoff_ms(backoff_ms: int, times: int) -> int:
    return int(min(backoff_ms * 2 ** min(times, 30), MAX_BACKOFF_MS))


def declare_actors(broker: Any, runtime: _Runtime, settings: Settings) -> None:
    # Plain functions: they read the message's retry count in the worker thread (the current
    # message is not visible from the event loop thread) and run the coroutine there.

    # A job's attempts are counted in its message's options, outages apart: a failure is retried
    # through dramatiq.Retry (so dramatiq logs no traceback of its own; run_job told it), an
    # outage (JobDeferred) with its own backoff, logged once by OutageLog, as the same attempt.
    outages = OutageLog(logger, "the worker")

    def run_job_message(job_id: str, handler: str, event: dict[str, Any]) -> None:
        alora = runtime.current()
        job = Job(id=uuid.UUID(job_id), handler=handler, event=event)
        options = _options()
        attempt = int(options.get("attempts", 0))
        try:
            _loop_thread().run_coroutine(alora.run_job(job, attempt))
        except JobDeferred as deferred:
            waits = options["outage_waits"] = int(options.get("outage_waits", 0)) + 1
            delay = _backoff_ms(max(backoff_ms, 1000), waits - 1)
            outages.failed(deferred.outage, delay / 1000)
            raise dramatiq.Retry(delay=delay) from None
        except Exception:
            options["attempts"] = attempt + 1
            raise dramatiq.Retry(delay=_backoff_ms(backoff_ms, attempt)) from None
        outages.succeeded()
        alora.relay.wake()

    def run_scheduled_message(name: str, scheduled_for: str) -> None:
        from entrypoints.scheduler import run_scheduled

        alora = runtime.current()
        due = datetime.fromisoformat(scheduled_for)
        summary = _loop_thread().run_coroutine(run_scheduled(alora, name, due))
        logger.info("scheduled job done", extra={"job": name, "summary": summary})

    backoff_ms = max(1, int(settings.job_backoff_seconds * 1000))
    dramatiq.actor(
        broker=broker,
        actor_name=RUN_JOB_ACTOR,
        queue_name=JOBS_QUEUE,
        # run_job buries a job at its last attempt instead of raising, so dramatiq never ends a
        # job: only what escaped it (not a Retry) is given up after the configured attempts.
        retry_when=lambda retries, exc: (
            isinstance(exc, dramatiq.Retry) or retries < settings.job_max_attempts
        ),
    )(run_job_message)
    dramatiq.actor(
        broker=broker,
        actor_name=SCHEDULED_JOB_ACTOR,
        queue_name=SCHEDULED_QUEUE,
        max_retries=SCHEDULED_JOB_RETRIES,
        min_backoff=backoff_ms,
        max_backoff=MAX_BACKOFF_MS,
    )(run_scheduled_message)


def run_worker(settings: Settings) -> int:
    if not settings.redis_url:
        raise RuntimeError("`alora worker` needs ALORA_REDIS_URL (the broker)")
    runtime = _Runtime(settings)
    broker = make_broker(settings, middleware=[*worker_middleware(), runtime])
    declare_actors(broker, runtime, settings)
    worker = dramatiq.Worker(
        broker, worker_threads=settings.worker_concurrency, worker_timeout=1000
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    print(
        f"Alora worker running {settings.worker_concurrency} job(s) at once "
        f"on {JOBS_QUEUE} and {SCHEDULED_QUEUE}",
        flush=True,
    )
    stop.wait()
    logger.info("worker stopping; running jobs may finish")
    worker.stop(timeout=int(settings.shutdown_timeout_seconds * 1000))
    return 0


def run_relay(settings: Settings) -> int:
    """``alora relay``: only the relay, for deployments that run it apart from the workers."""
    if not settings.redis_url:
        raise RuntimeError("`alora relay` needs ALORA_REDIS_URL (the broker)")

    async def main() -> None:
        from entrypoints import bootstrap

        alora = await bootstrap.build(settings)
        redis = _redis(settings)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, alora.stop_event.set)
        alora.start_relay()
        alora.run_in_background(listen_for_nudges(redis, alora.relay.wake, alora.stop_event))
        print("Alora relay running", flush=True)
        await alora.stop_event.wait()
        await alora.aclose()
        await redis.aclose()

    asyncio.run(main())
    return 0


__all__ = ["declare_actors", "run_relay", "run_worker"]
