"""``alora worker``, ``alora relay`` and ``alora scheduler``: the background processes."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime

from entrypoints.cli.main import CommandError, Subparsers
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings, load_settings


def _settings_with_broker(command: str) -> Settings:
    settings = load_settings()
    if not settings.redis_url:
        raise CommandError(
            f"`alora {command}` needs ALORA_REDIS_URL (the broker); without Redis, "
            "`alora serve` runs the relay, the jobs and the scheduler itself"
        )
    configure_logging(settings.log_level, settings.log_format)
    return settings


def worker(args: argparse.Namespace) -> int:
    from entrypoints.worker.process import run_worker

    return run_worker(_settings_with_broker("worker"))


def relay(args: argparse.Namespace) -> int:
    from entrypoints.worker.process import run_relay

    return run_relay(_settings_with_broker("relay"))


def scheduler(args: argparse.Namespace) -> int:
    """Enqueue scheduled jobs for the workers (with Redis), or run them here (without)."""
    from entrypoints import bootstrap
    from entrypoints.scheduler import run_scheduler

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)

    async def main() -> None:
        alora = await bootstrap.build(settings, inline_jobs=not settings.redis_url)
        try:
            if settings.redis_url:
                from entrypoints.worker.broker import make_broker, send_scheduled

                broker = make_broker(settings)

                async def dispatch(name: str, scheduled_for: datetime) -> None:
                    await send_scheduled(broker, name, scheduled_for)

                await run_scheduler(alora, settings, dispatch)
            else:
                await run_scheduler(alora, settings)
        finally:
            await alora.aclose()

    print("Alora scheduler running", flush=True)
    asyncio.run(main())
    return 0


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "worker", help="run background jobs from the broker (with a relay); needs Redis"
    )
    parser.set_defaults(handler=worker)
    parser = subparsers.add_parser("relay", help="only move outbox jobs to the broker")
    parser.set_defaults(handler=relay)
    parser = subparsers.add_parser("scheduler", help="start scheduled jobs on their schedules")
    parser.set_defaults(handler=scheduler)
