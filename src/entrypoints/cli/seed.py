"""``alora seed demo``: a few verified users of each role, so a fresh install has people in it.

Safe to run again: accounts that already exist are left as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import re

from adapters.memory.mail import MemoryMailer
from alora_core.identity import commands as c
from alora_core.shared.errors import Conflict
from entrypoints import bootstrap
from entrypoints.cli.main import Subparsers
from entrypoints.settings import load_settings

DEMO_PASSWORD = "alora demo password"

DEMO_USERS = (
    ("Ada Customer", "ada", "customer", "+1 415 555 0101"),
    ("Ben Customer", "ben", "customer", "+1 415 555 0102"),
    ("Cleo Customer", "cleo", "customer", "+1 415 555 0103"),
    ("Dan Plumber", "dan", "professional", "+1 415 555 0201"),
    ("Eva Electrician", "eva", "professional", "+1 415 555 0202"),
    ("Finn Painter", "finn", "professional", "+1 415 555 0203"),
)
DEMO_ADMIN = ("Root Admin", "admin", "admin@demo.alora.local")


async def seed_demo() -> list[str]:
    mailer = MemoryMailer()  # codes are read here and used at once; no demo mail is sent
    alora = await bootstrap.build(load_settings(), mailer=mailer)
    created: list[str] = []
    try:
        try:
            name, username, email = DEMO_ADMIN
            await alora.bus.handle(
                c.CreateAdmin(
                    full_name=name, username=username, email=email, password=DEMO_PASSWORD
                )
            )
            created.append(f"admin         {username:<6} {email}")
        except Conflict:
            pass
        for full_name, username, role, phone in DEMO_USERS:
            email = f"{username}@demo.alora.local"
            try:
                await alora.bus.handle(
                    c.RegisterUser(
                        full_name=full_name,
                        username=username,
                        email=email,
                        phone=phone,
                        password=DEMO_PASSWORD,
                        role=role,
                    )
                )
            except Conflict:
                continue
            code = re.search(r"\b(\d{6})\b", mailer.to(email)[-1].text)
            assert code is not None
            await alora.bus.handle(c.VerifyEmail(email=email, code=code.group(1)))
            created.append(f"{role:<13} {username:<6} {email}")
    finally:
        await alora.aclose()
    return created


def demo(args: argparse.Namespace) -> int:
    created = asyncio.run(seed_demo())
    if created:
        print("Created (all verified), password " + repr(DEMO_PASSWORD) + ":")
        print("\n".join("  " + line for line in created))
    else:
        print("The demo users already exist.")
    return 0


def register(subparsers: Subparsers) -> None:
    seed = subparsers.add_parser("seed", help="fill the database with sample data")
    commands = seed.add_subparsers(title="commands", metavar="COMMAND", required=True)
    commands.add_parser("demo", help="verified demo users of each role").set_defaults(handler=demo)
