"""``alora seed demo``: verified users of each role and a live marketplace around them.

The users are an administrator, three customers and five professionals; the marketplace
(``seed_market``) is a services catalog, the professionals' profiles and weekly hours in two
time zones, bookings in every status, reviews, a few FAQ entries and the about page.

Everything goes through the message bus, as the API would do it, on a clock the seed controls:
it starts two weeks ago, so that some bookings have taken place and been reviewed, and ends at
the real time for the bookings still ahead. No email leaves the process: the mailer keeps them
in memory, and every job the seed causes runs before it returns.

Safe to run again: accounts that already exist are left as they are, and the marketplace is
skipped once its services are in the catalog.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import uuid

from adapters.memory.mail import MemoryMailer
from alora_core.identity import commands as c
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Conflict
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.cli import seed_market
from entrypoints.cli.main import Subparsers
from entrypoints.settings import load_settings

DEMO_PASSWORD = "alora demo password"

DEMO_USERS = (
    ("Ada Customer", "ada", Role.CUSTOMER, "+1 415 555 0101"),
    ("Ben Customer", "ben", Role.CUSTOMER, "+1 415 555 0102"),
    ("Cleo Customer", "cleo", Role.CUSTOMER, "+1 415 555 0103"),
    ("Dan Plumber", "dan", Role.PROFESSIONAL, "+1 415 555 0201"),
    ("Eva Electrician", "eva", Role.PROFESSIONAL, "+1 415 555 0202"),
    ("Finn Painter", "finn", Role.PROFESSIONAL, "+1 415 555 0203"),
    ("Gia Gardener", "gia", Role.PROFESSIONAL, "+1 415 555 0204"),
    ("Lou Locksmith", "lou", Role.PROFESSIONAL, "+1 415 555 0205"),
)
DEMO_ADMIN = ("Root Admin", "admin", "admin@demo.alora.local")


async def seed_demo() -> tuple[list[str], list[str]]:
    """Seed the configured database: the accounts created, and what the marketplace got."""
    mailer = MemoryMailer()  # codes are read here and used at once; no demo mail is sent
    clock = FixedClock(seed_market.history_start())
    alora = await bootstrap.build(load_settings(), clock=clock, mailer=mailer, inline_jobs=True)
    try:
        created = await _seed_users(alora, mailer)
        accounts = await _account_ids(alora)
        await _verify_leftovers(alora, accounts)
        market = await seed_market.seed_market(alora, clock, accounts)
    finally:
        await alora.aclose()
    return created, market


async def _seed_users(alora: Alora, mailer: MemoryMailer) -> list[str]:
    created: list[str] = []
    try:
        name, username, email = DEMO_ADMIN
        await alora.bus.handle(
            c.CreateAdmin(full_name=name, username=username, email=email, password=DEMO_PASSWORD)
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
    return created


async def _account_ids(alora: Alora) -> dict[str, uuid.UUID]:
    """The demo accounts' ids by username, the administrator's included."""
    usernames = [DEMO_ADMIN[1], *(username for _, username, _, _ in DEMO_USERS)]
    ids: dict[str, uuid.UUID] = {}
    async with alora.uow_factory().reading() as uow:
        for username in usernames:
            user = await uow.users.find_by_username(username)
            if user is None:
                raise RuntimeError(f"the demo user {username!r} is missing")
            ids[username] = user.id
    return ids


async def _verify_leftovers(alora: Alora, accounts: dict[str, uuid.UUID]) -> None:
    """Verify demo accounts left unverified by an interrupted earlier run (their codes are gone),
    as an administrator would."""
    admin = Actor(user_id=accounts[DEMO_ADMIN[1]], role=Role.ADMIN, email_verified=True)
    async with alora.uow_factory().reading() as uow:
        unverified = [
            user_id
            for user_id in accounts.values()
            if (user := await uow.users.get(user_id)) is not None and not user.email_verified
        ]
    for user_id in unverified:
        await alora.bus.handle(
            c.AdminUpdateUser(actor=admin, user_id=user_id, changes={"email_verified": True})
        )


def demo(args: argparse.Namespace) -> int:
    created, market = asyncio.run(seed_demo())
    if created:
        print("Created (all verified), password " + repr(DEMO_PASSWORD) + ":")
        print("\n".join("  " + line for line in created))
    else:
        print("The demo users already exist.")
    print("\n".join(market))
    return 0


def register(subparsers: Subparsers) -> None:
    seed = subparsers.add_parser("seed", help="fill the database with sample data")
    commands = seed.add_subparsers(title="commands", metavar="COMMAND", required=True)
    commands.add_parser(
        "demo", help="verified demo users of each role and a marketplace with bookings"
    ).set_defaults(handler=demo)
