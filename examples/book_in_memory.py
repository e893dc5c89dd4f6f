"""Book a professional with Alora in memory: no HTTP, no database, no network.

An administrator opens the catalog, a plumber and a customer sign up and verify their email
addresses, the plumber sets his hours, the customer books one of his open slots and he
confirms it. Every step is a command on the message bus, typed end to end: ``bus.handle``
returns what the command's ``Command[R]`` says.

    python examples/book_in_memory.py
"""

from __future__ import annotations

import asyncio
import re

from adapters.memory.mail import MemoryMailer
from alora_core.booking import (
    Booking,
    BookingStatus,
    ConfirmBooking,
    CreateService,
    DayInput,
    HoursInput,
    ListOpenSlots,
    NewService,
    OpenSlots,
    RateInput,
    RequestBooking,
    SaveProfile,
    Service,
    SetAvailability,
)
from alora_core.identity import (
    Actor,
    Authenticate,
    CreateAdmin,
    Login,
    LoginResult,
    Principal,
    RegisterUser,
    Role,
    User,
    VerifyEmail,
)
from entrypoints.bootstrap import Alora, build_in_memory

PASSWORD = "a long enough password"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


async def sign_up(
    alora: Alora, mailer: MemoryMailer, username: str, phone: str, role: Role
) -> Actor:
    """Register, verify the email address with the emailed code, log in: the signed-in actor."""
    email = f"{username}@example.com"
    user: User = await alora.bus.handle(
        RegisterUser(
            full_name=f"{username.title()} Example",
            username=username,
            email=email,
            phone=phone,
            password=PASSWORD,
            role=role,
        )
    )
    text = mailer.to(email)[-1].text
    code = re.search(r"\b\d{6}\b", text)
    assert code is not None, text
    await alora.bus.handle(VerifyEmail(email=user.email, code=code.group()))
    return await log_in(alora, username)


async def log_in(alora: Alora, identifier: str) -> Actor:
    session: LoginResult = await alora.bus.handle(Login(identifier=identifier, password=PASSWORD))
    principal: Principal = await alora.bus.handle(Authenticate(access_token=session.access_token))
    return principal.actor


async def main() -> None:
    mailer = MemoryMailer()  # keeps the emails, so the codes can be read
    alora = build_in_memory(mailer=mailer)

    await alora.bus.handle(
        CreateAdmin(
            full_name="Root Admin", username="root", email="root@example.com", password=PASSWORD
        )
    )
    admin = await log_in(alora, "root")
    plumbing: Service = await alora.bus.handle(
        CreateService(actor=admin, service=NewService(title="Plumbing", category="home"))
    )

    dan = await sign_up(alora, mailer, "dan", "+1 415 555 0201", Role.PROFESSIONAL)
    await alora.bus.handle(
        SaveProfile(
            actor=dan,
            timezone="Europe/Berlin",
            service_ids=[plumbing.id],
            hourly_rate=RateInput(amount=6000, currency="EUR"),
        )
    )
    nine_to_five = [HoursInput(start="09:00", end="17:00")]
    await alora.bus.handle(
        SetAvailability(
            actor=dan,
            timezone="Europe/Berlin",
            weekly=[DayInput(day=day, slots=nine_to_five) for day in WEEKDAYS],
        )
    )

    ada = await sign_up(alora, mailer, "ada", "+1 415 555 0101", Role.CUSTOMER)
    assert dan.user_id is not None
    open_slots: OpenSlots = await alora.bus.handle(
        ListOpenSlots(professional_id=dan.user_id, viewer=ada, service_id=plumbing.id)
    )
    first = open_slots.slots[0]
    booking: Booking = await alora.bus.handle(
        RequestBooking(
            actor=ada,
            professional_id=dan.user_id,
            service_id=plumbing.id,
            start=first.start,
            duration_minutes=60,
            address="Torstraße 12, Berlin",
        )
    )
    confirmed: Booking = await alora.bus.handle(ConfirmBooking(actor=dan, booking_id=booking.id))

    assert confirmed.status is BookingStatus.CONFIRMED
    local = first.local_start.strftime("%A %H:%M")
    print(f"Ada booked Dan for {local} ({open_slots.timezone}): {confirmed.status.value}")


if __name__ == "__main__":
    asyncio.run(main())
