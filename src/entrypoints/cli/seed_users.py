"""Identity's part of ``alora seed demo``: verified users of each role, the demo's accounts."""

from __future__ import annotations

import re
import uuid

from adapters.memory.mail import MemoryMailer
from alora_core.identity import commands as c
from alora_core.shared.actor import Actor, Role
from alora_core.shared.errors import Conflict
from entrypoints.bootstrap import Alora
from entrypoints.cli.main import CommandError
from entrypoints.cli.seed import DEMO_PASSWORD, Demo

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


async def seed_users(demo: Demo) -> list[str]:
    """Create the demo accounts that do not exist yet and note every one's id in ``demo``."""
    created = await _create_users(demo.alora, demo.mailer)
    demo.accounts.update(await _account_ids(demo.alora))
    await _verify_leftovers(demo.alora, demo.accounts)
    if not created:
        return ["The demo users already exist."]
    return [
        "Created (all verified), password " + repr(DEMO_PASSWORD) + ":",
        *("  " + line for line in created),
    ]


async def _create_users(alora: Alora, mailer: MemoryMailer) -> list[str]:
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
        email = demo_email(username)
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


def demo_email(username: str) -> str:
    return DEMO_ADMIN[2] if username == DEMO_ADMIN[1] else f"{username}@demo.alora.local"


async def _account_ids(alora: Alora) -> dict[str, uuid.UUID]:
    """The demo accounts' ids by username, the administrator's included.

    A demo account is one with its demo email: an account someone else made with a demo
    username (or the email or phone number of one) is never used, verified or acted as; the
    demo then stops, saying which, before it changes anything of theirs."""
    usernames = [DEMO_ADMIN[1], *(username for _, username, _, _ in DEMO_USERS)]
    ids: dict[str, uuid.UUID] = {}
    taken: list[str] = []
    async with alora.units_of_work["identity"]().reading() as uow:
        for username in usernames:
            user = await uow.users.find_by_username(username)
            if user is None or user.email != demo_email(username):
                taken.append(username)
            else:
                ids[username] = user.id
    if taken:
        raise CommandError(
            f"the demo account(s) {', '.join(taken)} cannot be made: their username, email or "
            "phone number belongs to another account, which the demo leaves alone; seed an "
            "empty database (ALORA_DATABASE_URL) instead"
        )
    return ids


async def _verify_leftovers(alora: Alora, accounts: dict[str, uuid.UUID]) -> None:
    """Verify demo accounts left unverified by an interrupted earlier run (their codes are gone),
    as an administrator would."""
    admin = Actor(user_id=accounts[DEMO_ADMIN[1]], role=Role.ADMIN, email_verified=True)
    async with alora.units_of_work["identity"]().reading() as uow:
        unverified = [
            user_id
            for user_id in accounts.values()
            if (user := await uow.users.get(user_id)) is not None and not user.email_verified
        ]
    for user_id in unverified:
        await alora.bus.handle(
            c.AdminUpdateUser(actor=admin, user_id=user_id, changes={"email_verified": True})
        )
