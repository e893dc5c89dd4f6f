"""The HTTP market: an in-memory app with an administrator and the service ``Plumbing``, where
customers and professionals sign up over HTTP; shared by ``test_http_reviews.py`` and
``test_http_favorites.py``.

Completed bookings are made the real way: the customer books the professional (who works every
day around the clock in UTC), the professional confirms, the clock passes the end, the
professional completes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from attrs import define, field

from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.professionals import commands as pc
from alora_core.shared.actor import Actor, Role
from support.http import Api, bearer, open_api

EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def iso(moment: Any) -> str:
    return str(moment.isoformat().replace("+00:00", "Z"))


@define
class User:
    id: str
    token: str
    username: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@define
class Market:
    api: Api
    service_id: str
    admin_id: str
    admin: User
    users: list[User] = field(factory=list)

    async def advance(self, delta: timedelta) -> None:
        """Move the clock on; everyone signs in again (access tokens last 15 minutes)."""
        self.api.clock.advance(delta)
        for user in [self.admin, *self.users]:
            user.token = (await self.api.login(user.username))["accessToken"]

    @property
    def client(self) -> Any:
        return self.api.client

    async def customer(self, name: str, full_name: str | None = None) -> User:
        user, token = await self.api.user(name, full_name=full_name)
        self.users.append(User(user["id"], token, name))
        return self.users[-1]

    async def professional(self, name: str) -> User:
        """A professional with a profile, open every day around the clock in UTC."""
        user, token = await self.api.user(name, role="professional")
        bus = self.api.alora.bus
        professional_id = uuid.UUID(user["id"])
        await bus.handle(
            pc.SaveProfile(
                actor=Actor(user_id=professional_id, role=Role.PROFESSIONAL),
                timezone="UTC",
                categories=["plumbing"],
                service_ids=[uuid.UUID(self.service_id)],
                hourly_rate=pc.RateInput(amount=4500, currency="EUR"),
                service_area=pc.AreaInput(cities=["Berlin"]),
            )
        )
        await bus.handle(
            pc.SetAvailability(
                actor=Actor(user_id=professional_id, role=Role.PROFESSIONAL),
                timezone="UTC",
                weekly=[
                    pc.DayInput(day=day, slots=[pc.HoursInput(start="00:00", end="24:00")])
                    for day in EVERY_DAY
                ],
                rules=pc.RulesInput(min_notice_minutes=0, horizon_days=365),
            )
        )
        self.users.append(User(user["id"], token, name))
        return self.users[-1]

    async def booking(self, customer: User, professional: User, status: str = "completed") -> str:
        """A booking an hour from now in ``status`` (pending, confirmed or completed)."""
        start = self.api.clock.now() + timedelta(hours=1)
        response = await self.client.post(
            "/api/v1/bookings",
            json={
                "professionalId": professional.id,
                "serviceId": self.service_id,
                "start": iso(start),
                "durationMinutes": 60,
                "address": "1 Main Street, Berlin",
            },
            headers=customer.headers,
        )
        assert response.status_code == 201, response.text
        booking_id: str = response.json()["id"]
        if status in {"confirmed", "completed"}:
            await self.act(professional, booking_id, "confirm")
        if status == "completed":
            await self.advance(timedelta(hours=2))
            await self.act(professional, booking_id, "complete")
        return booking_id

    async def act(self, user: User, booking_id: str, action: str) -> None:
        response = await self.client.post(
            f"/api/v1/bookings/{booking_id}/{action}", headers=user.headers
        )
        assert response.status_code == 200, response.text

    async def write(
        self, user: User | None, booking_id: str, body: Any = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {} if user is None else user.headers
        headers = {**headers, **kwargs.pop("headers", {})}
        if body is None and "content" not in kwargs:
            body = {"rating": 5, "comment": "Great work."}
        return await self.client.post(  # type: ignore[no-any-return]
            f"/api/v1/bookings/{booking_id}/review", json=body, headers=headers, **kwargs
        )

    async def review(self, user: User, booking_id: str, rating: int = 5, comment: str = "") -> Any:
        response = await self.write(user, booking_id, {"rating": rating, "comment": comment})
        assert response.status_code == 201, response.text
        return response.json()

    async def counters(self, professional: User) -> tuple[int, int]:
        async with self.api.alora.units_of_work["booking"]().reading() as uow:
            profile = await uow.professionals.get(uuid.UUID(professional.id))
            return profile.review_count, profile.rating_total


async def open_market(tmp_path: Path) -> AsyncIterator[Market]:
    """A ``Market`` on an in-memory app, with an administrator and the service ``Plumbing``."""
    async for api in open_api(tmp_path):
        admin_id, admin_token = await api.admin()
        service = await api.alora.bus.handle(
            CreateService(
                actor=Actor(user_id=uuid.UUID(admin_id), role=Role.ADMIN),
                service=NewService(title="Plumbing", category="plumbing"),
            )
        )
        yield Market(
            api=api,
            service_id=str(service.id),
            admin_id=admin_id,
            admin=User(admin_id, admin_token, "root"),
        )
