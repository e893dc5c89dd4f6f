"""``alora users create-admin``: administrators exist only through this command.

``alora users last-code EMAIL`` prints the code of the newest code email (verification or
password reset) sent to EMAIL, read from its plain-text part in the development mailbox, waiting
for it to arrive. Development only: it refuses in production and where mail goes over SMTP.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys
import time
from email.message import EmailMessage

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


_CODE = re.compile(r"\bcode is (\d{6})\b")


def last_code(args: argparse.Namespace) -> int:
    from adapters.mail import read_mailbox

    settings = load_settings()
    if settings.production:
        raise CommandError("`alora users last-code` is for development only (ALORA_ENV=production)")
    if settings.smtp_host:
        raise CommandError(
            "`alora users last-code` reads the development mailbox, and mail goes over SMTP "
            "here (ALORA_SMTP_HOST is set)"
        )
    address = args.email.strip().lower()
    deadline = time.monotonic() + args.wait
    while True:
        codes = [
            code
            for message in read_mailbox(settings.mail_dir)
            if _sent_to(message, address) and (code := _code_in(message)) is not None
        ]
        if codes:
            print(codes[-1])
            return 0
        if time.monotonic() >= deadline:
            raise CommandError(
                f"no code email to {args.email} in {settings.mail_dir} (waited {args.wait:g} s)"
            )
        time.sleep(0.2)


def _sent_to(message: EmailMessage, address: str) -> bool:
    recipients = message.get_all("To", [])
    return any(
        getattr(mailbox, "addr_spec", "").lower() == address
        for header in recipients
        for mailbox in getattr(header, "addresses", ())
    )


def _code_in(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("plain",))
    if part is None or not isinstance(part, EmailMessage):
        return None
    found = _CODE.search(part.get_content())
    return found.group(1) if found else None


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

    parser = commands.add_parser(
        "last-code",
        help="print the code of the newest code email to EMAIL in the development mailbox",
    )
    parser.add_argument("email", metavar="EMAIL")
    parser.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for the email to arrive (default: 30)",
    )
    parser.set_defaults(handler=last_code)
