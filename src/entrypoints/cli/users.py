"""``alora users create-admin``: administrators exist only through this command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from alora_core.identity.commands import CreateAdmin
from alora_core.shared.errors import Conflict, Invalid
from entrypoints import bootstrap
from entrypoints.cli.main import CommandError, Subparsers
from entrypoints.modules.identity import IdentitySettings
from entrypoints.settings import load_settings


def create_admin(args: argparse.Namespace) -> int:
    settings = load_settings()
    password = args.password or settings.of(IdentitySettings).admin_password
    if not password:
        if not sys.stdin.isatty():
            raise CommandError("give --password, set ALORA_ADMIN_PASSWORD, or run in a terminal")
        password = getpass.getpass("Password for the new administrator: ")
    command = CreateAdmin(
        full_name=args.full_name or args.username,
        username=args.username,
        email=args.email,
        password=password,
    )

    async def run() -> None:
        alora = await bootstrap.build(settings)
        try:
            user = await alora.bus.handle(command)
        finally:
            await alora.aclose()
        print(f"Administrator {user.username} <{user.email}> created (id {user.id}).")

    try:
        asyncio.run(run())
    except Invalid as exc:
        fields = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        raise CommandError(f"{exc.detail}: {fields}") from None
    except Conflict as exc:
        raise CommandError(exc.detail) from None
    return 0


def register(subparsers: Subparsers) -> None:
    users = subparsers.add_parser("users", help="user administration")
    commands = users.add_subparsers(title="commands", metavar="COMMAND", required=True)
    parser = commands.add_parser("create-admin", help="create a verified administrator")
    parser.add_argument("--email", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--full-name", default="")
    parser.add_argument(
        "--password", help="default: ALORA_ADMIN_PASSWORD, else asked for in the terminal"
    )
    parser.set_defaults(handler=create_admin)
