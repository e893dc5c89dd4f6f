"""Races for real, in parallel transactions.

Double booking under a burst: 50 simultaneous requests for one time, sent to a real
``alora serve`` (two worker processes) on PostgreSQL and on SQLite, make exactly one booking;
the other 49 answer 409 ``taken``. Reschedules race the same way: two bookings moved into one
time, and a new booking for it, leave exactly one of them holding it. The server runs on the
wall clock, so the professional works around the clock (UTC) and the times raced for are a day
or more ahead.

Review counters under a storm of writes, on PostgreSQL: many customers review, edit and delete
at once (and some review the same booking twice at once) through the ``market`` harness;
afterwards the professional's ``review_count`` and ``rating_total`` equal ``COUNT`` and ``SUM``
over the ``reviews`` table, read straight from the database.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define
from sqlalchemy import func, select, text

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.sqlalchemy.booking.bookings import bookings_table
from adapters.sqlalchemy.database import create_engine
from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.model import Offer, PersonName, ProfessionalProfile
from alora_core.booking.reviews import commands as c
from alora_core.booking.reviews.errors import AlreadyReviewed, ReviewNotFound
from alora_core.booking.reviews.queries import ReviewView
from alora_core.identity.model import Role, User
from conftest import empty_tables
from contexts.booking.market import Market, administrator, customer, open_market
from entrypoints import bootstrap
from entrypoints.modules.identity import IdentitySettings
from entrypoints.settings import load_settings
from support.backends import Backend
from support.processes import alora_environment, free_port, start_alora, stop, wait_ready

PASSWORD = "correct horse battery staple"
CONTENDERS = 50
CUSTOMERS = 16
"""Reviewers in the review counters' race."""

# --- double booking, through a real server -----------------------------------------------------


@define
class Deployment:
    base_url: str
    database_url: str
    professional_id: str
    service_id: str
    tokens: list[str]
    """Access tokens of ``CONTENDERS`` verified customers."""

    def slot(self, days: int, hour: int) -> str:
        day = datetime.now(UTC).date() + timedelta(days=days)
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat()

    def request(self, start: str) -> dict[str, Any]:
        return {
            "professionalId": self.professional_id,
            "serviceId": self.service_id,
            "start": start,
            "durationMinutes": 60,
            "address": "1 Race Street",
        }

    async def held_at(self, start: str) -> int:
        """Pending or confirmed bookings of the professional starting at ``start``."""
        engine = create_engine(self.database_url)
        b = bookings_table.c
        try:
            async with engine.connect() as connection:
                count = await connection.scalar(
                    select(func.count())
                    .select_from(bookings_table)
                    .where(
                        b.professional_id == uuid.UUID(self.professional_id),
                        b.status.in_(["pending", "confirmed"]),
                        b.start_at == datetime.fromisoformat(start),
                    )
                )
        finally:
            await engine.dispose()
        return int(count or 0)


async def _populate(settings: Any) -> tuple[str, str, list[str]]:
    """A service, a professional working around the clock, and verified customers."""
    alora = await bootstrap.build(settings)
    identity = settings.of(IdentitySettings)
    hasher = Argon2PasswordHasher(
        identity.argon2_memory_kib, identity.argon2_time_cost, identity.argon2_parallelism
    )
    password_hash = await hasher.hash(PASSWORD)
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]

    def user(name: str, role: Role) -> User:
        return User(
            full_name=name.title(),
            username=f"{name}_{tag}",
            email=f"{name}_{tag}@example.com",
            phone=None,
            password_hash=password_hash,
            role=role,
            created_at=now,
            email_verified_at=now,
        )

    try:
        service = Service.create({"title": f"Race {tag}", "category": "home"}, now)
        pro = user("pro", Role.PROFESSIONAL)
        profile = ProfessionalProfile.create(
            professional_id=pro.id,
            offer=Offer(service_ids=(service.id,)),
            timezone="UTC",
            name=PersonName(full_name="Pro", username=pro.username),
            now=now,
        )
        profile.set_hours(
            timezone="UTC",
            weekly=[DayHours(day, (TimeRange(0, 24 * 60),)) for day in Weekday],
            rules=BookingRules(),
            now=now,
        )
        customers = [user(f"c{i}", Role.CUSTOMER) for i in range(CONTENDERS)]
        async with alora.units_of_work["identity"]() as uow:
            for each in [pro, *customers]:
                await uow.users.add(each)
            await uow.commit()
        async with alora.units_of_work["booking"]() as uow:
            await uow.services.add(service)
            await uow.professionals.add(profile)
            await uow.commit()
    finally:
        await alora.aclose()
    return str(pro.id), str(service.id), [c.email for c in customers]


@pytest.fixture
async def deployment(migrated_database_url: str, tmp_path: Path) -> AsyncIterator[Deployment]:
    env = alora_environment(
        ALORA_DATABASE_URL=migrated_database_url,
        ALORA_VAR_DIR=str(tmp_path / "var"),
        ALORA_SECRET_KEY="race-secret-key-race-secret-key-0123456789",
        ALORA_AUTH_RATE_PER_MINUTE="100000",
        ALORA_LOG_LEVEL="warning",
    )
    professional_id, service_id, emails = await _populate(load_settings(env, dotenv=None))
    port = free_port()
    process = start_alora(["serve", "--port", str(port), "--workers", "2"], env, tmp_path / "log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base_url)
        limits = httpx.Limits(max_connections=8)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

            async def login(email: str) -> str:
                response = await client.post(
                    "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD}
                )
                assert response.status_code == 200, response.text
                token: str = response.json()["accessToken"]
                return token

            tokens = await asyncio.gather(*(login(email) for email in emails))
        yield Deployment(base_url, migrated_database_url, professional_id, service_id, tokens)
    finally:
        stop(process)


async def _all_at_once(deployment: Deployment, calls: list[tuple[str, str, Any]]) -> list[Any]:
    """Send ``(token, path, body)`` POSTs at the same moment; their responses, in order."""
    limits = httpx.Limits(max_connections=len(calls))
    async with httpx.AsyncClient(
        base_url=deployment.base_url, limits=limits, timeout=120
    ) as client:
        # Open every connection first, so the requests leave together.
        await asyncio.gather(*(client.get("/health") for _ in calls))
        return await asyncio.gather(
            *(
                client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
                for token, path, body in calls
            )
        )


async def test_fifty_simultaneous_requests_for_one_time_make_one_booking(
    deployment: Deployment,
) -> None:
    start = deployment.slot(days=2, hour=10)
    responses = await _all_at_once(
        deployment,
        [(token, "/api/v1/bookings", deployment.request(start)) for token in deployment.tokens],
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (CONTENDERS - 1), [r.text for r in responses][:3]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["reason"] == "taken", response.text
    assert await deployment.held_at(start) == 1


async def test_reschedules_and_a_new_booking_racing_for_one_time_leave_one_holder(
    deployment: Deployment,
) -> None:
    async with httpx.AsyncClient(base_url=deployment.base_url, timeout=60) as client:
        for round_number in range(5):
            day = 3 + round_number
            first, second, newcomer = deployment.tokens[3 * round_number : 3 * round_number + 3]
            made = []
            for token, hour in ((first, 8), (second, 9)):
                response = await client.post(
                    "/api/v1/bookings",
                    json=deployment.request(deployment.slot(day, hour)),
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.status_code == 201, response.text
                made.append(response.json())
            target = deployment.slot(day, 14)
            responses = await _all_at_once(
                deployment,
                [
                    (first, f"/api/v1/bookings/{made[0]['id']}/reschedule", {"start": target}),
                    (second, f"/api/v1/bookings/{made[1]['id']}/reschedule", {"start": target}),
                    (newcomer, "/api/v1/bookings", deployment.request(target)),
                ],
            )
            won = [r for r in responses if r.status_code in (200, 201)]
            lost = [r for r in responses if r.status_code == 409]
            assert (len(won), len(lost)) == (1, 2), [r.text for r in responses]
            assert all(r.json()["reason"] == "taken" for r in lost)
            assert await deployment.held_at(target) == 1
            # A reschedule that lost left its booking where it was.
            for booking, response in zip(made, responses[:2], strict=True):
                if response.status_code == 409:
                    assert await deployment.held_at(booking["start"]) == 1


# --- review counters, in one process on PostgreSQL ---------------------------------------------


@pytest.fixture
async def market(migrated_postgres_url: str, tmp_path: Path) -> AsyncIterator[Market]:
    await empty_tables(migrated_postgres_url)
    backend = Backend("postgres", migrated_postgres_url, tmp_path / "var")
    try:
        yield await open_market(backend)
    finally:
        await backend.close()


async def in_database(market: Market, professional_id: uuid.UUID) -> dict[str, int]:
    async with market.uow_factory().reading() as uow:
        counters = (
            await uow.execute(
                text(
                    "SELECT review_count, rating_total FROM professional_profiles WHERE id = :p"
                ).bindparams(p=professional_id)
            )
        ).one()
        actual = (
            await uow.execute(
                text(
                    "SELECT count(*), coalesce(sum(rating), 0) FROM reviews "
                    "WHERE professional_id = :p"
                ).bindparams(p=professional_id)
            )
        ).one()
    return {
        "review_count": counters[0],
        "rating_total": counters[1],
        "count": actual[0],
        "sum": actual[1],
    }


def consistent(figures: dict[str, int]) -> bool:
    return (figures["review_count"], figures["rating_total"]) == (figures["count"], figures["sum"])


async def test_counters_equal_count_and_sum_after_a_storm_of_writes(market: Market) -> None:
    rng = random.Random(20261121)
    pros = [await market.add_professional("pia"), await market.add_professional("olaf")]
    customers = [await market.add_user(f"customer{i}") for i in range(CUSTOMERS)]
    pairs = [(customer, pros[i % 2]) for i, customer in enumerate(customers)]
    bookings = await market.completed_bookings(pairs)

    # Round 1: every customer reviews, and half of them send the same review twice at once.
    writes = [
        market.review(customer, booking, rng.randint(1, 5))
        for (customer, _), booking in zip(pairs, bookings, strict=True)
    ]
    writes += [
        market.review(customer, booking, rng.randint(1, 5))
        for (customer, _), booking in list(zip(pairs, bookings, strict=True))[::2]
    ]
    outcomes = await asyncio.gather(*writes, return_exceptions=True)
    written = [o for o in outcomes if isinstance(o, ReviewView)]
    refused = [o for o in outcomes if not isinstance(o, ReviewView)]
    assert len(written) == CUSTOMERS
    assert all(isinstance(o, AlreadyReviewed) for o in refused), refused
    for pro in pros:
        assert consistent(await in_database(market, pro))

    # Round 2: edits by authors and an administrator, deletions, and new reviews of the
    # deleted bookings, all at once.
    changes: list[Any] = []
    by_review = {view.review.id: view.review for view in written}
    for review_id, review in by_review.items():
        author = review.author_id
        for _ in range(3):
            changes.append(
                c.EditReview(
                    actor=customer(author),
                    review_id=review_id,
                    rating=rng.randint(1, 5),
                )
            )
        changes.append(
            c.EditReview(
                actor=administrator(market.admin_id),
                review_id=review_id,
                rating=rng.randint(1, 5),
                comment="moderated",
            )
        )
        if rng.random() < 0.4:
            changes.append(c.DeleteReview(actor=customer(author), review_id=review_id))
            changes.append(
                c.WriteReview(
                    actor=customer(author),
                    booking_id=review.booking_id,
                    rating=rng.randint(1, 5),
                )
            )
    rng.shuffle(changes)
    results = await asyncio.gather(
        *(market.handle(command) for command in changes), return_exceptions=True
    )
    failures = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    # A change that comes after the deletion of its review finds none; a new review of a
    # booking whose review is not deleted yet finds it there. Nothing else may fail.
    assert set(failures) <= {ReviewNotFound.__name__, AlreadyReviewed.__name__}, failures

    for pro in pros:
        figures = await in_database(market, pro)
        assert consistent(figures), figures
        assert figures["count"] > 0
    total = sum([(await in_database(market, pro))["count"] for pro in pros])
    assert total <= CUSTOMERS
