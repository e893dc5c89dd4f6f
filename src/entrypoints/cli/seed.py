"""``alora seed demo``: a live demo, each context seeding its part in the registry's order.

Each module names its part (``ContextModule.seed``): ``async def seed(demo)`` makes its sample
data and returns what it made, as lines to print. Identity's part makes the demo accounts,
which later parts act as (``Demo.accounts``).

Everything goes through the message bus, as the API would do it, on a clock the seeds drive:
it starts ``HISTORY`` ago, so that a demo can show things that happened, and the seeds move it
forward to the real time. No email leaves the process: the mailer keeps them in memory, and
every job a seed causes runs before it returns.

Safe to run again: what exists already is left as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from attrs import define, field

from adapters.memory.mail import MemoryMailer
from alora_core.shared.clock import FixedClock
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.cli.main import Subparsers
from entrypoints.modules import MODULES
from entrypoints.modules.base import resolve
from entrypoints.settings import load_settings

DEMO_PASSWORD = "alora demo password"
HISTORY = timedelta(days=14)
"""How long ago the demo starts."""


@define
class Demo:
    """What the seeds share: the composed Alora, the clock they drive, the mailer that keeps
    the demo's emails, and the demo accounts' ids by username (identity's seed fills it)."""

    alora: Alora
    clock: FixedClock
    mailer: MemoryMailer
    accounts: dict[str, uuid.UUID] = field(factory=dict)


def history_start() -> datetime:
    """When the demo starts: ``HISTORY`` ago, on the hour."""
    return (datetime.now(UTC) - HISTORY).replace(minute=0, second=0, microsecond=0)


async def seed_demo() -> list[str]:
    """Seed the configured database; what each context made, as lines to print."""
    mailer = MemoryMailer()  # codes are read here and used at once; no demo mail is sent
    clock = FixedClock(history_start())
    alora = await bootstrap.build(load_settings(), clock=clock, mailer=mailer, inline_jobs=True)
    demo = Demo(alora, clock, mailer)
    lines: list[str] = []
    try:
        for module in MODULES:
            if module.seed is not None:
                lines.extend(await resolve(module.seed)(demo))
    finally:
        await alora.aclose()
    return lines


def demo(args: argparse.Namespace) -> int:
    print("\n".join(asyncio.run(seed_demo())))
    return 0


def register(subparsers: Subparsers) -> None:
    seed = subparsers.add_parser("seed", help="fill the database with sample data")
    commands = seed.add_subparsers(title="commands", metavar="COMMAND", required=True)
    commands.add_parser(
        "demo", help="every context's demo data, around verified users of each role"
    ).set_defaults(handler=demo)
