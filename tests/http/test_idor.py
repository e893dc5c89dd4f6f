"""No id reaches someone else's booking, review or file: on the real wiring (``bootstrap.build``
against SQLite and PostgreSQL), another customer and another professional get 404 on every
booking, review-changing and file route that names ``ana``'s resources, exactly as for an id
that does not exist; the resources stay as they were.

Every route is taken from the OpenAPI document, so a route added later is covered too.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from attrs import define

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.professionals import commands as pc
from alora_core.booking.professionals.availability import Weekday
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from entrypoints import bootstrap
from entrypoints.http.app import create_app
from support.http import BASE_URL, Api, bearer, make_settings

NOW = datetime(2030, 1, 14, 8, 0, tzinfo=UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
BODIES: dict[str, Any] = {
    "reject": {"reason": "no"},
    "cancel": {"reason": "no"},
    "reschedule": {"start": "2030-01-15T10:00:00Z"},
    "review": {"rating": 1, "comment": "bad"},
    "reply": {"text": "hello"},
    "reviews": {"rating": 1},
}


@define
class Cast:
    api: Api
    tokens: dict[str, str]
    ids: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])


async def _professional(api: Api, name: str, service_id: uuid.UUID) -> tuple[str, str]:
    user, token = await api.user(name, role="professional")
    professional_id = uuid.UUID(user["id"])
    await api.alora.bus.handle(
        pc.SaveProfile(
            actor=Actor(user_id=professional_id, role=Role.PROFESSIONAL),
            timezone="UTC",
            service_ids=[service_id],
        )
    )
    await api.alora.bus.handle(
        pc.SetAvailability(
            actor=Actor(user_id=professional_id, role=Role.PROFESSIONAL),
            timezone="UTC",
            weekly=[
                pc.DayInput(day=day.value, slots=[pc.HoursInput(start="00:00", end="24:00")])
                for day in Weekday
            ],
            rules=pc.RulesInput(min_notice_minutes=0),
        )
    )
    return user["id"], token


@asynccontextmanager
async def open_cast(database_url: str, tmp_path: Path) -> AsyncIterator[Cast]:
    """``ana`` booked ``pia`` twice: one booking completed and reviewed (and replied to), one
    pending; she uploaded a private image. ``bob`` (a customer) and ``olaf`` (a professional)
    are the strangers. A context manager, not a fixture: the app's lifespan must end in the
    task it started in."""
    settings = make_settings(tmp_path, ALORA_DATABASE_URL=database_url, ALORA_LOG_LEVEL="warning")
    clock = FixedClock(NOW)
    alora = await bootstrap.build(
        settings,
        clock=clock,
        hasher=FastPasswordHasher(),
        mailer=MemoryMailer(),
        inline_jobs=True,
    )
    app = create_app(settings, alora=alora)
    transport = httpx.ASGITransport(app=app)
    try:
        # One event loop for the app and the test: the database connections belong to it.
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client,
        ):
            api = Api(client=client, alora=alora, clock=clock, settings=settings)  # type: ignore[arg-type]
            admin_id, _ = await api.admin()
            service = await alora.bus.handle(
                CreateService(
                    actor=Actor(user_id=uuid.UUID(admin_id), role=Role.ADMIN),
                    service=NewService(title="Plumbing", category="home"),
                )
            )
            ana, ana_token = await api.user("ana")
            _, bob_token = await api.user("bob")
            pia_id, pia_token = await _professional(api, "pia", service.id)
            _, olaf_token = await _professional(api, "olaf", service.id)
            tokens = {"ana": ana_token, "bob": bob_token, "pia": pia_token, "olaf": olaf_token}
            cast = Cast(api=api, tokens=tokens, ids={"ana": ana["id"], "pia": pia_id})

            async def book(start: datetime) -> str:
                response = await client.post(
                    "/api/v1/bookings",
                    json={
                        "professionalId": pia_id,
                        "serviceId": str(service.id),
                        "start": start.isoformat(),
                        "durationMinutes": 60,
                        "address": "1 Main Street",
                    },
                    headers=cast.headers("ana"),
                )
                assert response.status_code == 201, response.text
                booking_id: str = response.json()["id"]
                return booking_id

            done = await book(NOW + timedelta(hours=1))
            cast.ids["pending"] = await book(NOW + timedelta(days=2))
            confirmed = await client.post(
                f"/api/v1/bookings/{done}/confirm", headers=cast.headers("pia")
            )
            assert confirmed.status_code == 200, confirmed.text
            clock.advance(timedelta(hours=3))
            for name in tokens:
                tokens[name] = (await api.login(name))["accessToken"]
            completed = await client.post(
                f"/api/v1/bookings/{done}/complete", headers=cast.headers("pia")
            )
            assert completed.status_code == 200, completed.text
            review = await client.post(
                f"/api/v1/bookings/{done}/review",
                json={"rating": 5, "comment": "Great"},
                headers=cast.headers("ana"),
            )
            assert review.status_code == 201, review.text
            cast.ids["review"] = review.json()["id"]
            replied = await client.post(
                f"/api/v1/reviews/{cast.ids['review']}/reply",
                json={"text": "Thanks"},
                headers=cast.headers("pia"),
            )
            assert replied.status_code == 201, replied.text
            uploaded = await client.post(
                "/api/v1/files",
                files={"file": ("me.png", PNG, "image/png")},
                headers=cast.headers("ana"),
            )
            assert uploaded.status_code == 201, uploaded.text
            assert uploaded.json()["public"] is False
            cast.ids["file"] = uploaded.json()["id"]
            cast.ids["completed"] = done
            yield cast
    finally:
        await alora.aclose()


def _routes(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (method, path) naming a booking, a review (besides the public reads) or a file."""
    found = []
    for path, item in doc["paths"].items():
        if not any(p in path for p in ("{booking_id}", "{review_id}", "{file_id}")):
            continue
        for method in item:
            if "{review_id}" in path and method == "get":
                continue  # reviews are public
            found.append((method, path))
    return found


def _urls(cast: Cast, path: str) -> list[str]:
    if "{booking_id}" in path:
        return [path.replace("{booking_id}", cast.ids[b]) for b in ("completed", "pending")]
    if "{review_id}" in path:
        return [path.replace("{review_id}", cast.ids["review"])]
    return [path.replace("{file_id}", cast.ids["file"])]


async def _snapshot(cast: Cast) -> list[Any]:
    client = cast.api.client
    state = [
        (await client.get(f"/api/v1/bookings/{cast.ids[b]}", headers=cast.headers("ana"))).json()
        for b in ("completed", "pending")
    ]
    state.append((await client.get(f"/api/v1/reviews/{cast.ids['review']}")).json())
    meta = await client.get(f"/api/v1/files/{cast.ids['file']}/meta", headers=cast.headers("ana"))
    state.append(meta.json())
    return state


async def test_strangers_get_404_on_every_booking_review_and_file_route(
    migrated_database_url: str, tmp_path: Path
) -> None:
    async with open_cast(migrated_database_url, tmp_path) as cast:
        await _strangers_get_404(cast)


async def _strangers_get_404(cast: Cast) -> None:
    client = cast.api.client
    doc = (await client.get("/schema/openapi.json")).json()
    routes = _routes(doc)
    assert len(routes) == 16  # 8 booking (the booking's conversation too), 4 review, 4 file
    before = await _snapshot(cast)
    for method, path in routes:
        for url in _urls(cast, path):
            for stranger in ("bob", "olaf"):
                kwargs: dict[str, Any] = {"headers": cast.headers(stranger)}
                last = path.rstrip("/").rsplit("/", 1)[-1]
                if method in {"post", "put", "patch"}:
                    if "{file_id}" in path and method == "put":
                        kwargs["files"] = {"file": ("x.png", PNG, "image/png")}
                    else:
                        key = "reviews" if last == "{review_id}" else last
                        kwargs["json"] = BODIES.get(key, {})
                response = await client.request(method.upper(), url, **kwargs)
                assert response.status_code == 404, (stranger, method, url, response.text)
                unknown = url.replace(url.split("/")[4], str(uuid.uuid4()))
                other = await client.request(method.upper(), unknown, **kwargs)
                assert (other.status_code, other.json()["type"]) == (
                    404,
                    response.json()["type"],
                ), (method, unknown)
    assert await _snapshot(cast) == before


async def test_the_parties_themselves_still_reach_them(
    migrated_database_url: str, tmp_path: Path
) -> None:
    async with open_cast(migrated_database_url, tmp_path) as cast:
        await _parties_reach(cast)


async def _parties_reach(cast: Cast) -> None:
    client = cast.api.client
    for who in ("ana", "pia"):
        for booking in ("completed", "pending"):
            seen = await client.get(
                f"/api/v1/bookings/{cast.ids[booking]}", headers=cast.headers(who)
            )
            assert seen.status_code == 200, seen.text
            chat = await client.get(
                f"/api/v1/bookings/{cast.ids[booking]}/conversation", headers=cast.headers(who)
            )
            assert chat.status_code == 200, chat.text
    mine = await client.get(f"/api/v1/files/{cast.ids['file']}", headers=cast.headers("ana"))
    assert (mine.status_code, mine.content) == (200, PNG)
    listed = await client.get("/api/v1/bookings", headers=cast.headers("bob"))
    assert listed.json()["items"] == []
