"""``GET /api/v1/bookings/{bookingId}/conversation`` over HTTP, on the in-memory wiring (the
conversation is opened by the request's job, inline): its parties, anyone else, bad ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from contexts.booking.http_market import Market, open_market
from support.http import UNKNOWN_ID, assert_problem

KEYS = {
    "id", "kind", "title", "createdAt", "lastActivityAt", "lastSeq", "eventSeq", "members",
    "booking",
}  # fmt: skip


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async for value in open_market(tmp_path):
        yield value


def path(booking_id: str) -> str:
    return f"/api/v1/bookings/{booking_id}/conversation"


async def test_both_parties_get_the_conversation_with_its_booking(market: Market) -> None:
    ana, pia = await market.customer("ana"), await market.professional("pia")
    booking_id = await market.booking(ana, pia, status="confirmed")
    response = await market.client.get(path(booking_id), headers=ana.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= KEYS  # as GET /api/v1/conversations/{id} answers
    assert body["kind"] == "booking" and body["title"] is None
    assert {(m["userId"], m["role"], m["active"]) for m in body["members"]} == {
        (ana.id, "member", True),
        (pia.id, "member", True),
    }
    booking = body["booking"]
    assert booking["bookingId"] == booking_id
    assert booking["status"] == "confirmed"
    assert booking["closedAt"] is None and booking["readOnlyAfter"] is None
    assert body["eventSeq"] == 2  # created, then confirmed
    again = await market.client.get(path(booking_id), headers=pia.headers)
    assert again.status_code == 200 and again.json()["id"] == body["id"]


async def test_a_closed_booking_tells_when_the_conversation_becomes_read_only(
    market: Market,
) -> None:
    ana, pia = await market.customer("ana"), await market.professional("pia")
    booking_id = await market.booking(ana, pia, status="pending")
    rejected = await market.client.post(
        f"/api/v1/bookings/{booking_id}/reject", json={"reason": "away"}, headers=pia.headers
    )
    assert rejected.status_code == 200, rejected.text
    booking = (await market.client.get(path(booking_id), headers=ana.headers)).json()["booking"]
    assert booking["status"] == "rejected"
    assert booking["closedAt"] is not None
    assert booking["readOnlyAfter"] > booking["closedAt"]


async def test_anyone_else_and_unknown_or_malformed_ids_get_404(market: Market) -> None:
    ana, pia = await market.customer("ana"), await market.professional("pia")
    eve = await market.customer("eve")
    booking_id = await market.booking(ana, pia, status="pending")
    assert_problem(await market.client.get(path(booking_id), headers=eve.headers), 404)
    assert_problem(await market.client.get(path(booking_id), headers=market.admin.headers), 404)
    assert_problem(await market.client.get(path(UNKNOWN_ID), headers=ana.headers), 404)
    assert_problem(await market.client.get(path("not-a-uuid"), headers=ana.headers), 404)
    assert_problem(await market.client.get(path(booking_id)), 401)
