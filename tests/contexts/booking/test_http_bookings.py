"""``/api/v1/bookings``: booking a professional and moving the booking through its life over
HTTP, on the in-memory wiring (jobs run inline, so notifications are there when a request
returns). Bad input, permissions and IDOR on every route.

The professional ``paul`` works every day 08:00-18:00 in Berlin (07:00-17:00 UTC in January)
with one-hour slots and a 2-hour notice; the clock stands on Monday 2030-01-14, 07:30 UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from attrs import define

from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.model import Offer, PersonName, ProfessionalProfile
from alora_core.shared.money import Money
from entrypoints.scheduler import run_scheduled
from support.http import Api, assert_problem, bearer, open_api

BASE = "/api/v1/bookings"
NOW = datetime(2030, 1, 14, 7, 30, tzinfo=UTC)
TUESDAY_9 = "2030-01-15T08:00:00Z"  # 09:00 in Berlin
BOOKING_KEYS = {
    "id", "customerId", "professionalId", "serviceId", "status", "start", "end", "blockedUntil",
    "durationMinutes", "address", "notes", "price", "cancelledLate", "createdAt", "updatedAt",
    "history",
}  # fmt: skip


@define
class Market:
    api: Api
    service_id: str
    ana: str
    """The customer's token; ``ana_id`` is her id."""
    ana_id: str
    paul: str
    paul_id: str
    eve: str
    """Another customer."""
    mallory: str
    """Another professional."""
    mallory_id: str
    admin: str

    async def advance(self, delta: timedelta) -> None:
        """Move the clock on; everyone signs in again (access tokens last 15 minutes)."""
        self.api.clock.advance(delta)
        for name in ("ana", "paul", "eve", "mallory", "admin"):
            username = "root" if name == "admin" else name
            setattr(self, name, (await self.api.login(username))["accessToken"])

    def request(self, **fields: Any) -> dict[str, Any]:
        return {
            "professionalId": self.paul_id,
            "serviceId": self.service_id,
            "start": TUESDAY_9,
            "durationMinutes": 60,
            "address": "Unter den Linden 1, Berlin",
            "notes": "Third floor",
            **fields,
        }

    async def book(self, token: str | None = None, **fields: Any) -> dict[str, Any]:
        response = await self.api.client.post(
            BASE, json=self.request(**fields), headers=bearer(token or self.ana)
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def post(self, path: str, token: str, body: Any = None) -> Any:
        return await self.api.client.post(BASE + path, json=body, headers=bearer(token))

    async def get(self, path: str, token: str) -> Any:
        return await self.api.client.get(BASE + path, headers=bearer(token))


async def make_professional(api: Api, user_id: str, service_id: uuid.UUID) -> None:
    now = api.clock.now()
    profile = ProfessionalProfile.create(
        professional_id=uuid.UUID(user_id),
        offer=Offer(service_ids=(service_id,), hourly_rate=Money(4500, "EUR")),
        timezone="Europe/Berlin",
        name=PersonName(full_name="Paul", username="paul"),
        now=now,
    )
    profile.set_hours(
        timezone="Europe/Berlin",
        weekly=[DayHours(day, (TimeRange(8 * 60, 18 * 60),)) for day in Weekday],
        rules=BookingRules(),
        now=now,
    )
    async with api.alora.units_of_work["booking"]() as uow:
        await uow.professionals.add(profile)
        await uow.commit()


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async for api in open_api(tmp_path):
        api.clock.advance(NOW - api.clock.now())
        service = Service.create({"title": "Plumbing", "category": "home"}, api.clock.now())
        async with api.alora.units_of_work["booking"]() as uow:
            await uow.services.add(service)
            await uow.commit()
        ana, ana_token = await api.user("ana")
        paul, paul_token = await api.user("paul", role="professional")
        await make_professional(api, paul["id"], service.id)
        _, eve = await api.user("eve")
        mallory, mallory_token = await api.user("mallory", role="professional")
        await make_professional(api, mallory["id"], service.id)
        _, admin = await api.admin()
        yield Market(
            api=api,
            service_id=str(service.id),
            ana=ana_token,
            ana_id=ana["id"],
            paul=paul_token,
            paul_id=paul["id"],
            eve=eve,
            mallory=mallory_token,
            mallory_id=mallory["id"],
            admin=admin,
        )


async def notifications(market: Market, token: str) -> list[dict[str, Any]]:
    response = await market.api.client.get("/api/v1/notifications", headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return [item for item in items if str(item["data"].get("kind", "")).startswith("booking.")]


# --- open slots ------------------------------------------------------------------------------


async def slots(market: Market, query: str = "", token: str | None = None) -> Any:
    headers = {} if token is None else bearer(token)
    return await market.api.client.get(
        f"/api/v1/professionals/{market.paul_id}/slots{query}", headers=headers
    )


async def test_slots_are_public_in_utc_and_local_time(market: Market) -> None:
    query = "?from=2030-01-15T00:00:00%2B01:00&to=2030-01-16T00:00:00%2B01:00"
    response = await slots(market, query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "Europe/Berlin"
    assert len(body["slots"]) == 10  # 08:00-18:00 Berlin in one-hour slots
    assert body["slots"][0] == {
        "start": "2030-01-15T07:00:00Z",
        "end": "2030-01-15T08:00:00Z",
        "localStart": "2030-01-15T08:00:00+01:00",
        "localEnd": "2030-01-15T09:00:00+01:00",
    }
    await market.book(start=body["slots"][1]["start"])
    after = (await slots(market, query, market.eve)).json()["slots"]
    assert [slot["start"] for slot in after] == [
        slot["start"] for slot in body["slots"] if slot["start"] != TUESDAY_9
    ]
    with_service = await slots(market, f"{query}&serviceId={market.service_id}&durationMinutes=120")
    assert with_service.status_code == 200
    assert with_service.json()["slots"][-1]["localStart"] == "2030-01-15T16:00:00+01:00"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?from=2030-01-15T09:00:00", 422, "from"),
        ("?from=2030-01-15T09:00:00Z&to=2030-01-15T08:00:00Z", 422, "to"),
        ("?from=2030-01-15T09:00:00Z&to=2030-03-15T08:00:00Z", 422, "to"),
        (f"?serviceId={uuid.UUID(int=7)}", 404, None),
        ("?durationMinutes=52", 422, "durationMinutes"),
        ("?from=tomorrow", 422, "from"),
        ("?durationMinutes=7", 422, "durationMinutes"),
        ("?serviceId=x", 422, "serviceId"),
    ],
)
async def test_bad_slot_queries_are_refused(
    market: Market, query: str, status: int, field: str | None
) -> None:
    assert_problem(await slots(market, query), status, field)


async def test_slots_of_unknown_professionals_are_404(market: Market) -> None:
    for professional in ("x", str(uuid.uuid4()), market.ana_id):
        response = await market.api.client.get(f"/api/v1/professionals/{professional}/slots")
        assert_problem(response, 404)


# --- the happy path --------------------------------------------------------------------------


async def test_book_confirm_complete_with_notifications_to_the_other_party(
    market: Market,
) -> None:
    booking = await market.book(durationMinutes=90)
    assert set(booking) == BOOKING_KEYS
    assert booking["status"] == "pending"
    assert (booking["start"], booking["end"]) == (TUESDAY_9, "2030-01-15T09:30:00Z")
    assert booking["blockedUntil"] == booking["end"]
    assert booking["durationMinutes"] == 90
    assert booking["price"] == {"amount": 6750, "currency": "EUR"}
    assert (booking["customerId"], booking["professionalId"]) == (market.ana_id, market.paul_id)
    assert booking["history"] == [
        {
            "at": "2030-01-14T07:30:00Z",
            "actorId": market.ana_id,
            "party": "customer",
            "action": "request",
            "fromStatus": None,
            "toStatus": "pending",
            "reason": None,
            "late": False,
            "previousStart": None,
        }
    ]
    [told] = await notifications(market, market.paul)
    assert told["title"] == "New booking request"
    assert told["data"]["bookingId"] == booking["id"]
    assert told["link"] == f"/bookings/{booking['id']}"
    assert await notifications(market, market.ana) == []  # she made it

    for token in (market.ana, market.paul, market.admin):
        seen = await market.get(f"/{booking['id']}", token)
        assert seen.status_code == 200 and seen.json() == booking

    confirmed = await market.post(f"/{booking['id']}/confirm", market.paul)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    [told] = await notifications(market, market.ana)
    assert (told["title"], told["type"]) == ("Your booking is confirmed", "success")

    too_early = await market.post(f"/{booking['id']}/complete", market.paul)
    assert assert_problem(too_early, 409)["reason"] == "not_started"
    await market.advance(timedelta(days=1, hours=2))
    completed = await market.post(f"/{booking['id']}/complete", market.paul)
    assert completed.status_code == 200, completed.text
    body = completed.json()
    assert body["status"] == "completed"
    assert [(h["fromStatus"], h["toStatus"], h["party"]) for h in body["history"][1:]] == [
        ("pending", "confirmed", "professional"),
        ("confirmed", "completed", "professional"),
    ]
    titles = [n["title"] for n in await notifications(market, market.ana)]
    assert titles == ["Your booking is complete", "Your booking is confirmed"]  # newest first


async def test_cancel_and_reject_carry_their_reason(market: Market) -> None:
    first = await market.book()
    await market.advance(timedelta(hours=1))  # 23.5 h before the start
    cancelled = await market.post(f"/{first['id']}/cancel", market.ana, {"reason": "ill"})
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["cancelledLate"]) == ("cancelled", True)  # < 24 h ahead
    assert body["history"][-1]["reason"] == "ill"
    told = (await notifications(market, market.paul))[0]
    assert told["title"] == "Booking cancelled" and "Reason: ill" in told["body"]

    second = await market.book(start="2030-01-20T08:00:00Z")
    rejected = await market.post(f"/{second['id']}/reject", market.paul, {"reason": "away"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    again = await market.post(f"/{second['id']}/confirm", market.paul)
    assert assert_problem(again, 409)["reason"] == "invalid_transition"


async def test_reschedule_moves_the_booking_and_checks_the_new_time(market: Market) -> None:
    booking = await market.book()
    other = await market.book(market.eve, start="2030-01-15T12:00:00Z")
    taken = await market.post(f"/{booking['id']}/reschedule", market.ana, {"start": other["start"]})
    assert assert_problem(taken, 409)["reason"] == "taken"
    await market.post(f"/{booking['id']}/confirm", market.paul)
    moved = await market.post(
        f"/{booking['id']}/reschedule", market.ana, {"start": "2030-01-16T10:00:00+01:00"}
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["status"], body["start"], body["end"]) == (
        "pending", "2030-01-16T09:00:00Z", "2030-01-16T10:00:00Z"
    )  # fmt: skip
    assert body["history"][-1]["previousStart"] == TUESDAY_9
    [told] = (await notifications(market, market.paul))[:1]
    assert told["title"] == "A booking was moved" and "confirm the new time" in told["body"]
    by_pro = await market.post(
        f"/{booking['id']}/reschedule", market.paul, {"start": "2030-01-16T11:00:00Z"}
    )
    assert by_pro.status_code == 200 and by_pro.json()["status"] == "pending"
    freed = await market.book(market.eve)  # the first time is free again
    assert freed["start"] == TUESDAY_9


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("2030-01-14T08:00:00Z", "too_soon"),
        ("2029-12-31T08:00:00Z", "too_soon"),
        ("2030-06-03T08:00:00Z", "beyond_horizon"),
        ("2030-01-15T20:00:00Z", "outside_hours"),
        ("2030-01-15T08:30:00Z", "outside_hours"),
        ("2199-12-31T23:00:00Z", "beyond_horizon"),
        ("1970-01-01T00:00:00+00:00", "too_soon"),
    ],
)  # years the API does not take at all are 422 (tests/http/test_far_dates.py)
async def test_unbookable_times_are_409_with_the_reason(
    market: Market, start: str, reason: str
) -> None:
    response = await market.api.client.post(
        BASE, json=market.request(start=start), headers=bearer(market.ana)
    )
    body = assert_problem(response, 409)
    assert body["reason"] == reason
    assert body["type"].endswith("/conflict")


async def test_a_taken_time_is_409_taken(market: Market) -> None:
    await market.book()
    response = await market.api.client.post(BASE, json=market.request(), headers=bearer(market.eve))
    assert assert_problem(response, 409)["reason"] == "taken"


# --- pending requests: caps and expiry ----------------------------------------------------------

PENDING_REASONS = ("too_many_pending", "too_many_pending_with_professional")


def hour_after_nine(hours: int) -> str:
    return f"2030-01-15T{8 + hours:02d}:00:00Z"


async def test_too_many_pending_requests_are_409_with_the_reason(market: Market) -> None:
    for hours in range(3):  # the default cap with one professional
        await market.book(start=hour_after_nine(hours))
    fourth = market.request(start=hour_after_nine(3))
    response = await market.api.client.post(BASE, json=fourth, headers=bearer(market.ana))
    body = assert_problem(response, 409)
    assert body["reason"] == "too_many_pending_with_professional"
    assert "waiting for an answer" in body["detail"]
    await market.book(market.eve, start=hour_after_nine(3))  # another customer may
    # Ten waiting requests with four professionals are the most one customer holds.
    others = [(await market.api.user(f"pro{i}", role="professional"))[0] for i in range(3)]
    for other in others:
        await make_professional(market.api, other["id"], uuid.UUID(market.service_id))
    for index in range(7):
        professional = [market.mallory_id, *(o["id"] for o in others)][index % 4]
        await market.book(professionalId=professional, start=hour_after_nine(index // 4))
    response = await market.api.client.post(
        BASE,
        json=market.request(professionalId=others[-1]["id"], start=hour_after_nine(5)),
        headers=bearer(market.ana),
    )
    assert assert_problem(response, 409)["reason"] == "too_many_pending"


async def test_the_pending_reasons_are_in_the_openapi_errors(market: Market) -> None:
    doc = (await market.api.client.get("/schema/openapi.json")).json()
    for method, path in (("post", BASE), ("post", BASE + "/{booking_id}/reschedule")):
        conflict = doc["paths"][path][method]["responses"]["409"]
        assert all(f"`{reason}`" in conflict["description"] for reason in PENDING_REASONS)
        assert "application/problem+json" in conflict["content"]
    assert "expired" in doc["components"]["schemas"]["BookingStatus"]["enum"]


async def test_an_unanswered_request_expires_and_its_customer_is_told(market: Market) -> None:
    booking = await market.book(start="2030-01-22T08:00:00Z")
    await market.advance(timedelta(hours=48))
    summary = await run_scheduled(market.api.alora, "booking-expiry", market.api.clock.now())
    assert summary.startswith("expired 1 ")
    body = (await market.get(f"/{booking['id']}", market.ana)).json()
    assert body["status"] == "expired"
    assert body["history"][-1] | {"at": None} == {
        "at": None,
        "actorId": None,
        "party": "system",
        "action": "expire",
        "fromStatus": "pending",
        "toStatus": "expired",
        "reason": "unanswered",
        "late": False,
        "previousStart": None,
    }
    [told] = await notifications(market, market.ana)
    assert (told["title"], told["type"]) == ("Your booking request expired", "warning")
    assert told["data"] == {
        "kind": "booking.expired",
        "bookingId": booking["id"],
        "start": "2030-01-22T08:00:00+00:00",
        "end": "2030-01-22T09:00:00+00:00",
    }
    assert "did not answer in time" in told["body"]
    kinds = [n["data"]["kind"] for n in await notifications(market, market.paul)]
    assert kinds == ["booking.requested"]  # the professional, who let it lapse, is not told
    listed = await market.get("?status=expired", market.ana)
    assert [item["id"] for item in listed.json()["items"]] == [booking["id"]]
    refused = await market.post(f"/{booking['id']}/confirm", market.paul)
    assert assert_problem(refused, 409)["reason"] == "invalid_transition"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"professionalId": "x"}, "professionalId"),
        ({"serviceId": 42}, "serviceId"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2030-01-15T09:00:00"}, "start"),  # naive
        ({"start": "2030-02-30T09:00:00Z"}, "start"),
        ({"start": None}, "start"),
        ({"durationMinutes": 0}, "durationMinutes"),
        ({"durationMinutes": 7}, "durationMinutes"),
        ({"durationMinutes": 10**12}, "durationMinutes"),
        ({"durationMinutes": "sixty"}, "durationMinutes"),
        ({"address": ""}, "address"),
        ({"address": "   "}, "address"),
        ({"address": "x" * 501}, "address"),
        ({"notes": "x" * 2001}, "notes"),
        ({"unknown": 1}, "unknown"),
    ],
)
async def test_bad_requests_are_422_naming_the_field(
    market: Market, fields: dict[str, Any], field: str
) -> None:
    response = await market.api.client.post(
        BASE, json=market.request(**fields), headers=bearer(market.ana)
    )
    assert_problem(response, 422, field)


async def test_missing_fields_and_bodies(market: Market) -> None:
    body = market.request()
    del body["start"]
    response = await market.api.client.post(BASE, json=body, headers=bearer(market.ana))
    assert_problem(response, 422, "start")
    response = await market.api.client.post(BASE, headers=bearer(market.ana))
    assert_problem(response, 400)
    response = await market.api.client.post(
        BASE,
        content=b"{not json",
        headers=bearer(market.ana) | {"content-type": "application/json"},
    )
    assert_problem(response, 400)


async def test_unknown_professionals_and_services_are_404_and_foreign_ones_422(
    market: Market,
) -> None:
    unknown = str(uuid.uuid4())
    for fields in ({"professionalId": unknown}, {"serviceId": unknown}):
        response = await market.api.client.post(
            BASE, json=market.request(**fields), headers=bearer(market.ana)
        )
        assert_problem(response, 404)
    ana_as_pro = await market.api.client.post(
        BASE, json=market.request(professionalId=market.ana_id), headers=bearer(market.eve)
    )
    assert_problem(ana_as_pro, 404)
    myself = await market.api.client.post(BASE, json=market.request(), headers=bearer(market.paul))
    assert_problem(myself, 422, "professionalId")


async def test_action_bodies_are_checked(market: Market) -> None:
    booking = await market.book()
    for path, body, field in [
        ("cancel", {}, "reason"),
        ("cancel", {"reason": ""}, "reason"),
        ("cancel", {"reason": "x" * 1001}, "reason"),
        ("reject", {"reason": 5}, "reason"),
        ("reschedule", {"start": "2030-01-16T09:00:00"}, "start"),
        ("reschedule", {"start": "soon"}, "start"),
        ("reschedule", {}, "start"),
    ]:
        token = market.paul if path == "reject" else market.ana
        response = await market.post(f"/{booking['id']}/{path}", token, body)
        assert_problem(response, 422, field)
    unchanged = await market.get(f"/{booking['id']}", market.ana)
    assert unchanged.json() == booking


# --- permissions and IDOR ------------------------------------------------------------------------

ACTIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "", None),
    ("post", "/confirm", None),
    ("post", "/reject", {"reason": "no"}),
    ("post", "/cancel", {"reason": "no"}),
    ("post", "/complete", None),
    ("post", "/reschedule", {"start": "2030-01-16T09:00:00Z"}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ACTIONS)
async def test_other_users_get_404_on_every_booking_route(
    market: Market, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    booking = await market.book()
    for token in (market.eve, market.mallory):
        if method == "get":
            response = await market.get(f"/{booking['id']}{suffix}", token)
        else:
            response = await market.post(f"/{booking['id']}{suffix}", token, body)
        assert_problem(response, 404)
    for odd in ("x", "-1", str(uuid.uuid4()), "%F0%9F%92%A9"):
        if method == "get":
            response = await market.get(f"/{odd}{suffix}", market.admin)
        else:
            response = await market.post(f"/{odd}{suffix}", market.admin, body)
        assert_problem(response, 404)
    unauthenticated = await getattr(market.api.client, method)(f"{BASE}/{booking['id']}{suffix}")
    assert_problem(unauthenticated, 401)
    unchanged = await market.get(f"/{booking['id']}", market.ana)
    assert unchanged.json() == booking


async def test_parties_are_403_on_the_other_partys_actions(market: Market) -> None:
    booking = await market.book()
    for path, token, body in [
        ("confirm", market.ana, None),
        ("reject", market.ana, {"reason": "no"}),
        ("complete", market.ana, None),
        ("cancel", market.paul, {"reason": "no"}),
    ]:
        response = await market.post(f"/{booking['id']}/{path}", token, body)
        assert_problem(response, 403)


async def test_an_administrator_acts_on_any_booking_and_is_audited(market: Market) -> None:
    booking = await market.book()
    confirmed = await market.post(f"/{booking['id']}/confirm", market.admin)
    assert confirmed.status_code == 200
    assert confirmed.json()["history"][-1]["party"] == "admin"
    [to_ana] = await notifications(market, market.ana)
    [to_paul, _request] = await notifications(market, market.paul)
    assert to_ana["title"] == "Your booking is confirmed"
    assert to_paul["title"] == "Booking confirmed"  # both parties hear of an admin's change
    log = await market.api.client.get(
        "/api/v1/admin/audit-log?action=booking.confirm", headers=bearer(market.admin)
    )
    assert [entry["targetId"] for entry in log.json()["items"]] == [booking["id"]]


async def test_unauthenticated_requests_are_401(market: Market) -> None:
    assert_problem(await market.api.client.post(BASE, json=market.request()), 401)
    assert_problem(await market.api.client.get(BASE), 401)


# --- lists -----------------------------------------------------------------------------------


async def test_lists_are_own_only_and_filtered(market: Market) -> None:
    first = await market.book()
    second = await market.book(start="2030-01-16T08:00:00Z")
    by_eve = await market.book(market.eve, start="2030-01-15T10:00:00Z")
    await market.post(f"/{first['id']}/confirm", market.paul)

    async def ids(token: str, query: str = "") -> list[str]:
        response = await market.get(query, token)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(market.ana) == [first["id"], second["id"]]
    assert await ids(market.eve) == [by_eve["id"]]
    assert await ids(market.mallory) == []
    assert await ids(market.paul, "?role=professional") == [first["id"], by_eve["id"], second["id"]]
    assert await ids(market.paul, "?role=customer") == []
    assert await ids(market.paul, "?status=confirmed") == [first["id"]]
    window = "?from=2030-01-15T09:00:00Z&to=2030-01-16T00:00:00%2B01:00"
    assert await ids(market.paul, window) == [by_eve["id"]]
    page = await market.get("?role=professional&page=2&pageSize=2", market.paul)
    assert {k: v for k, v in page.json().items() if k != "items"} == {
        "total": 3, "page": 2, "pageSize": 2, "pages": 2
    }  # fmt: skip
    assert len(await ids(market.admin, "?role=all")) == 3
    assert_problem(await market.get("?role=all", market.ana), 403)
    for query, field in [
        ("?role=boss", "role"),
        ("?status=lost", "status"),
        ("?from=yesterday", "from"),
        ("?from=2030-01-15T09:00:00", "from"),
        ("?from=2030-01-16T00:00:00Z&to=2030-01-15T00:00:00Z", "to"),
        ("?page=0", "page"),
        ("?pageSize=1000", "pageSize"),
    ]:
        assert_problem(await market.get(query, market.ana), 422, field)


@pytest.mark.parametrize(
    "query",
    [
        "?from=9999-12-31T00:00:00Z",
        "?from=9999-12-31T00:00:00-12:00",
        "?from=9999-12-01T00:00:00Z&to=9999-12-31T23:59:59Z",
        "?from=0001-01-01T00:00:00Z",
        "?from=0001-01-01T00:00:00%2B14:00&to=0001-01-02T00:00:00Z",
        "?to=9999-12-31T00:00:00Z",
    ],
)
async def test_far_dates_get_a_clear_answer_never_a_500(market: Market, query: str) -> None:
    response = await slots(market, query)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["slots"] == []


@pytest.mark.parametrize(
    "query",
    [
        "?from=9999-12-31T23:59:59-12:00",
        "?to=0001-01-01T00:00:00%2B14:00",
        "?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z",
    ],
)
async def test_far_dates_in_the_bookings_list_get_a_clear_answer(
    market: Market, query: str
) -> None:
    response = await market.api.client.get(f"/api/v1/bookings{query}", headers=bearer(market.eve))
    assert response.status_code in (200, 422), response.text
