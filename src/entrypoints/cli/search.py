"""``alora search reindex``: rebuild the search index from the services and profiles."""

from __future__ import annotations

import argparse
import asyncio

from alora_core.booking.search.commands import Reindex
from alora_core.booking.search.model import ReindexReport
from alora_core.booking.search.use_cases import MAX_BATCH_SIZE
from alora_core.shared.errors import Invalid
from entrypoints import bootstrap
from entrypoints.cli.main import CommandError, Subparsers
from entrypoints.settings import load_settings


def reindex(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def run() -> ReindexReport:
        alora = await bootstrap.build(settings)
        try:
            return await alora.bus.handle(Reindex(batch_size=args.batch_size))
        finally:
            await alora.aclose()

    try:
        report = asyncio.run(run())
    except Invalid as exc:
        raise CommandError(exc.detail) from None
    print(
        f"Search index rebuilt: {report.services} service(s) and "
        f"{report.professionals} professional(s) indexed, {report.removed} stale "
        "document(s) removed."
    )
    return 0


def register(subparsers: Subparsers) -> None:
    search = subparsers.add_parser("search", help="the search index")
    commands = search.add_subparsers(title="commands", metavar="COMMAND", required=True)
    parser = commands.add_parser(
        "reindex",
        help="re-read every service and professional profile into the search index "
        "(safe to run at any time, and again)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=Reindex().batch_size,
        metavar="N",
        help=f"documents written per transaction, 1 to {MAX_BATCH_SIZE} (default: %(default)s)",
    )
    parser.set_defaults(handler=reindex)
