"""``alora seed demo`` on a migrated SQLite database: users, the content pages, a marketplace
with bookings in every status and reviews (each module's seed, in the registry's order), and
nothing more on a second run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from attrs import frozen

from adapters.memory.mail import MemoryMailer
from alora_core.booking.bookings.commands import ListBookings, ListedRole, ListOpenSlots
from alora_core.booking.bookings.model import BookingStatus
from alora_core.booking.catalog.commands import ListServices
from alora_core.booking.professionals.commands import ListProfessionals
from alora_core.booking.reviews.commands import ListReviews
from alora_core.content.commands import GetAboutPage, ListFaqs
from alora_core.identity import commands as ic
from alora_core.shared.actor import Actor, Role
from entrypoints import bootstrap
from entrypoints.cli.main import main
from entrypoints.settings import load_settings

DEMO_SERVICES = {
    "Plumbing",
    "Electrical work",
    "House cleaning",
    "Carpentry",
    "Painting",
    "Emergency locksmith",
    "Gardening",
}


@frozen
class Market:
    """What the seeded database holds, as the bus reads it."""

    users: int
    services: frozenset[str]
    zones: dict[str, str]
    """Each professional's username to their time zone."""
    open_slots: dict[str, int]
    """Each professional's open slots in the next seven days, for anyone."""
    ratings: dict[str, float | None]
    bookings: dict[BookingStatus, int]
    reviews: int
    replies: int
    faqs: int
    about_title: str
    pending_jobs: int
    under_way: int
    """Confirmed bookings whose start has passed: ready to be completed."""

    def counts(self) -> tuple[object, ...]:
        """Everything that must not change when the seed runs again (open slots move with
        the time)."""
        return (
            self.users,
            self.services,
            self.zones,
            self.ratings,
            self.bookings,
            self.reviews,
            self.replies,
            self.faqs,
            self.about_title,
        )


async def _read_market() -> Market:
    alora = await bootstrap.build(load_settings(), mailer=MemoryMailer())
    try:
        bus = alora.bus
        async with alora.units_of_work["identity"]().reading() as uow:
            admin = await uow.users.find_by_username("admin")
        assert admin is not None
        everyone = Actor(user_id=admin.id, role=Role.ADMIN, email_verified=True)
        users = await bus.handle(ic.ListUsers(actor=everyone))
        services = await bus.handle(ListServices(viewer=everyone, active=None, page_size=100))
        directory = (await bus.handle(ListProfessionals(page_size=100))).items
        open_slots = {}
        for entry in directory:
            found = await bus.handle(
                ListOpenSlots(professional_id=entry.id, viewer=Actor.anonymous())
            )
            open_slots[entry.name.username] = len(found.slots)
        bookings = {
            status: (
                await bus.handle(ListBookings(actor=everyone, role=ListedRole.ALL, status=status))
            ).total
            for status in BookingStatus
        }
        confirmed = await bus.handle(
            ListBookings(actor=everyone, role=ListedRole.ALL, status=BookingStatus.CONFIRMED)
        )
        now = datetime.now(UTC)
        under_way = sum(booking.start < now for booking in confirmed.items)
        reviews = await bus.handle(ListReviews(page_size=100))
        faqs = await bus.handle(ListFaqs())
        about = await bus.handle(GetAboutPage())
        return Market(
            users=users.total,
            services=frozenset(service.title for service in services.items),
            zones={entry.name.username: entry.timezone for entry in directory},
            open_slots=open_slots,
            ratings={entry.name.username: entry.average_rating for entry in directory},
            bookings=bookings,
            reviews=reviews.total,
            replies=sum(view.review.reply is not None for view in reviews.items),
            faqs=len(faqs),
            about_title=about.title,
            pending_jobs=(await alora.job_stats()).pending,
            under_way=under_way,
        )
    finally:
        await alora.aclose()


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    var = tmp_path / "var"
    monkeypatch.setenv("ALORA_VAR_DIR", str(var))
    monkeypatch.setenv("ALORA_SECRET_KEY", "a demo secret key that is long enough to be used")
    assert main(["db", "upgrade"]) == 0
    return var


def test_seed_demo_fills_a_marketplace_once(
    var_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    assert main(["seed", "demo"]) == 0

    out = capsys.readouterr().out
    users_at, content_at, market_at = (
        out.index("Created (all verified)"),
        out.index("Content: 4 FAQ entries, the about page"),
        out.index(
            "Marketplace: 7 services, 5 professionals (Europe/Berlin and America/New_York), "
            "15 bookings (pending 3, confirmed 3, rejected 1, cancelled 2, completed 6), "
            "6 reviews"
        ),
    )
    assert users_at < content_at < market_at  # in the registry's order: identity, content, booking
    assert "professional  gia    gia@demo.alora.local" in out[users_at:content_at]

    market = asyncio.run(_read_market())
    assert market.users == 9
    assert market.services == DEMO_SERVICES
    assert market.zones == {
        "dan": "Europe/Berlin",
        "finn": "Europe/Berlin",
        "eva": "America/New_York",
        "gia": "America/New_York",
        "lou": "Europe/Berlin",
    }
    assert all(count > 0 for count in market.open_slots.values()), market.open_slots
    # Every status the parties' actions reach; expiry is the job's, once a request lapses.
    made = set(BookingStatus) - {BookingStatus.EXPIRED}
    assert all(market.bookings[status] >= 1 for status in made), market.bookings
    assert market.bookings[BookingStatus.COMPLETED] == market.reviews == 6
    assert market.under_way == 1
    assert market.replies == 1
    assert market.ratings["dan"] == 4.5
    assert all(rating is not None for rating in market.ratings.values())
    assert market.faqs == 4
    assert market.about_title == "About Alora"
    assert market.pending_jobs == 0  # every job ran during the seed: no email left to send
    assert not (var_dir / "mail").exists()  # none went to the development mailbox either

    assert main(["seed", "demo"]) == 0

    out = capsys.readouterr().out
    assert "The demo users already exist." in out
    assert "The demo marketplace already exists." in out
    assert "Created" not in out
    assert "Content" not in out
    again = asyncio.run(_read_market())
    assert again.counts() == market.counts()
    assert again.pending_jobs == 0


async def _someones(username: str) -> tuple[str, bool, str]:
    alora = await bootstrap.build(load_settings(), mailer=MemoryMailer())
    try:
        async with alora.units_of_work["identity"]().reading() as uow:
            user = await uow.users.find_by_username(username)
        assert user is not None
        return user.email, user.email_verified, user.password_hash
    finally:
        await alora.aclose()


async def _register_someone(username: str) -> None:
    alora = await bootstrap.build(load_settings(), mailer=MemoryMailer())
    try:
        await alora.bus.handle(
            ic.RegisterUser(
                full_name="Ada Lovelace",
                username=username,
                email="ada@example.com",
                phone="+1 415 555 0100",
                password="analytical engine 1843",
                role=Role.CUSTOMER,
            )
        )
    finally:
        await alora.aclose()


@pytest.mark.usefixtures("var_dir")
def test_seed_demo_never_takes_over_an_account_someone_else_made(
    capsys: pytest.CaptureFixture[str],
) -> None:
    asyncio.run(_register_someone("ada"))  # a demo username, taken by a person
    before = asyncio.run(_someones("ada"))
    capsys.readouterr()

    assert main(["seed", "demo"]) == 2

    error = capsys.readouterr().err
    assert error.startswith("error: the demo account(s) ada cannot be made"), error
    assert "Traceback" not in error
    assert asyncio.run(_someones("ada")) == before  # not verified, same email and password
    assert before[1] is False
