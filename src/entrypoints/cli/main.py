"""The ``alora`` command.

Each command module exposes ``register(subparsers)``, which adds its subcommands with
``parser.set_defaults(handler=...)``; a handler takes the parsed arguments and returns an exit
code. The platform's command modules are in ``COMMAND_MODULES``; a context adds its own
through its module (``ContextModule.cli``).

A ``SettingsError`` (or another ``CommandError``) anywhere in a handler prints
``error: <message>`` to stderr and exits with status 2, without a traceback. An ``ALORA_*``
variable that no setting reads (a misspelt name) is named in a warning first.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from entrypoints.modules import MODULES
from entrypoints.modules.base import resolve
from entrypoints.settings import (
    SettingsError,
    load_settings,
    settings_source,
    unknown_variables,
)

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers: TypeAlias = Any

Handler = Callable[[argparse.Namespace], int]

# The platform's modules with a ``register(subparsers)`` function, besides this one.
COMMAND_MODULES: list[str] = [
    "entrypoints.cli.seed",
    "entrypoints.cli.background",
    "entrypoints.cli.jobs",
]

APP_FACTORY = "entrypoints.http.app:create_app"


NOT_MIGRATED = "the database is not migrated to this version of Alora: run `alora db upgrade`"


class CommandError(Exception):
    """A failure to report as ``error: <message>`` with exit status 2."""


# --- serve -----------------------------------------------------------------------------------


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from entrypoints.cli.preflight import check_before_serving

    settings = load_settings()
    host: str = settings.host if args.host is None else args.host
    port: int = settings.port if args.port is None else args.port
    workers: int = settings.workers if args.workers is None else args.workers
    check_before_serving(settings, host, port)
    shown_host = f"[{host}]" if ":" in host else host
    suffix = " (reloading on changes)" if args.reload else f" with {workers} worker(s)"
    print(f"Alora serving on http://{shown_host}:{port}{suffix}", flush=True)
    os.environ["ALORA_WORKERS"] = str(workers)  # each process knows it has siblings
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=None if args.reload else workers,
        reload=args.reload,
        reload_dirs=[str(Path(__file__).resolve().parents[2])] if args.reload else None,
        log_level=settings.log_level,
        proxy_headers=settings.trust_forwarded,
        forwarded_allow_ips="*" if settings.trust_forwarded else None,
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
        ws_max_size=settings.ws_max_message_bytes,  # larger frames close with 1009 unread
    )
    return 0


# --- db ----------------------------------------------------------------------------------------


def _database_url() -> str:
    from adapters.sqlalchemy.database import async_url

    settings = load_settings()
    try:
        async_url(settings.database_url)
    except ValueError as exc:
        raise CommandError(f"ALORA_DATABASE_URL is invalid: {exc}") from None
    return settings.database_url


def db_upgrade(args: argparse.Namespace) -> int:
    from adapters.sqlalchemy.database import safe_url
    from entrypoints.migrations import upgrade

    url = _database_url()
    _show_alembic_progress()
    heads = asyncio.run(upgrade(url, args.revision))
    print(
        f"Database {safe_url(url)} is at revision {', '.join(heads) or '(none: no migrations yet)'}"
    )
    return 0


def db_revision(args: argparse.Namespace) -> int:
    from entrypoints.migrations import revision

    url = _database_url()
    try:
        written = asyncio.run(revision(url, args.message, args.context))
    except LookupError as exc:
        raise CommandError(str(exc)) from None
    for path in written:
        print(
            f"Wrote {path}: read it through before committing (autogenerate misses renames, "
            "server defaults and PostgreSQL exclusion constraints)"
        )
    return 0


def _show_alembic_progress() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(lambda record: record.getMessage().startswith("Running "))
    logger = logging.getLogger("alembic.runtime.migration")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


# --- openapi -----------------------------------------------------------------------------------


def openapi(args: argparse.Namespace) -> int:
    from entrypoints.http.app import create_app

    app = create_app(load_settings())
    document = json.dumps(app.openapi_schema.to_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output is None or args.output == "-":
        sys.stdout.write(document)
    else:
        Path(args.output).write_text(document, encoding="utf-8")
        print(f"OpenAPI document written to {args.output}", file=sys.stderr)
    return 0


# --- wiring ------------------------------------------------------------------------------------


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP API (uvicorn)")
    parser.add_argument("--host", help="interface to listen on (default: ALORA_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default: ALORA_PORT)")
    parser.add_argument("--workers", type=int, help="processes (default: ALORA_WORKERS)")
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    parser.set_defaults(handler=serve)

    db = subparsers.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="commands", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate ALORA_DATABASE_URL to the latest")
    upgrade.add_argument(
        "revision", nargs="?", default="heads", help="target (default: heads, every branch's)"
    )
    upgrade.set_defaults(handler=db_upgrade)
    revision = db_commands.add_parser(
        "revision",
        help="write a migration from the tables' changes (compared with ALORA_DATABASE_URL, "
        "migrated first)",
    )
    revision.add_argument("-m", "--message", required=True, help="what changed, e.g. 'add tags'")
    revision.add_argument(
        "--context",
        metavar="NAME",
        help="the context whose own branch gets it (default: the platform's chain)",
    )
    revision.set_defaults(handler=db_revision)

    parser = subparsers.add_parser("openapi", help="print the OpenAPI document (JSON)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    parser.set_defaults(handler=openapi)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alora", description="Alora marketplace backend. Configured by ALORA_* variables."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    register(subparsers)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    for module in MODULES:
        if module.cli is not None:
            resolve(module.cli)(subparsers)
    return parser


def _version() -> str:
    try:
        return version("alora")
    except PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    from sqlalchemy.exc import DBAPIError

    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    for warning in unknown_variables(settings_source()):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        return handler(args)
    except (SettingsError, CommandError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        if not missing_table(exc):
            raise
        print(f"error: {NOT_MIGRATED}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def missing_table(exc: Exception) -> bool:
    """Whether the database says a table does not exist (SQLite, PostgreSQL)."""
    message = str(getattr(exc, "orig", exc))
    return "no such table" in message or ("relation" in message and "does not exist" in message)


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy, so command modules share its classes.
    from entrypoints.cli.main import main as _main

    sys.exit(_main())
