"""Reviews over HTTP, on the in-memory wiring (jobs run inline, so notifications are there when
a request returns): writing, reading, editing, deleting and replying; bad input, permissions
and IDOR on every route.

Completed bookings are made the real way: ``ana`` books ``pia`` (who works every day around the
clock in UTC), ``pia`` confirms, the clock passes the end, ``pia`` completes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define

from contexts.booking.http_market import Market, User, iso, open_market
from support.http import UNKNOWN_ID, assert_problem

REVIEW_KEYS = {
    "id", "bookingId", "professionalId", "authorId", "authorName", "rating", "comment",
    "reply", "createdAt", "updatedAt", "version",
}  # fmt: skip


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async for value in open_market(tmp_path):
        yield value


@define
class Cast:
    ana: User
    """The customer of ``booking``, a completed booking of ``pia``."""
    bob: User
    """Another customer."""
    pia: User
    olaf: User
    """Another professional."""
    booking: str


@pytest.fixture
async def cast(market: Market) -> Cast:
    ana = await market.customer("ana", full_name="Ana Example")
    bob = await market.customer("bob")
    pia = await market.professional("pia")
    olaf = await market.professional("olaf")
    booking = await market.booking(ana, pia)
    return Cast(ana=ana, bob=bob, pia=pia, olaf=olaf, booking=booking)


async def review_notifications(market: Market, user: User) -> list[dict[str, Any]]:
    response = await market.client.get("/api/v1/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return [item for item in items if item["data"].get("kind") == "review.created"]


# --- writing -----------------------------------------------------------------------------------


async def test_the_customer_reviews_and_the_professional_is_told(
    market: Market, cast: Cast
) -> None:
    response = await market.write(cast.ana, cast.booking, {"rating": 4, "comment": " Tidy. "})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == REVIEW_KEYS
    assert uuid.UUID(body["id"])
    assert (body["bookingId"], body["professionalId"], body["authorId"]) == (
        cast.booking, cast.pia.id, cast.ana.id
    )  # fmt: skip
    assert (body["authorName"], body["rating"], body["comment"], body["reply"]) == (
        "Ana E.", 4, "Tidy.", None
    )  # fmt: skip
    assert body["createdAt"] == body["updatedAt"] == iso(market.api.clock.now())
    assert body["version"] == 1
    assert await market.counters(cast.pia) == (1, 4)

    [notice] = await review_notifications(market, cast.pia)
    assert notice["title"] == "New review: 4 of 5 stars"
    assert notice["link"] == f"/reviews/{body['id']}"
    assert notice["data"]["reviewId"] == body["id"] and notice["data"]["rating"] == 4
    emails = [m for m in market.api.mailer.to("pia@example.com") if "New review" in m.subject]
    assert len(emails) == 1
    assert await review_notifications(market, cast.ana) == []


async def test_no_review_email_when_the_professional_turned_them_off(
    market: Market, cast: Cast
) -> None:
    response = await market.client.put(
        "/api/v1/users/me/settings",
        json={"reviewNotifications": False},
        headers=cast.pia.headers,
    )
    assert response.status_code == 200, response.text
    await market.review(cast.ana, cast.booking, 3)
    assert len(await review_notifications(market, cast.pia)) == 1  # still told in the app
    assert not [m for m in market.api.mailer.to("pia@example.com") if "New review" in m.subject]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": -3}, "rating"),
        ({"rating": 2.5}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": None}, "rating"),
        ({"rating": 10**30}, "rating"),
        ({"comment": "no rating"}, "rating"),
        ({"rating": 5, "comment": "x" * 2001}, "comment"),
        ({"rating": 5, "comment": 12}, "comment"),
        ({"rating": 5, "comment": None}, "comment"),
        ({"rating": 5, "comment": "nul\u0000"}, "comment"),
        ({"rating": 5, "stars": 5}, "stars"),
        ([5], ""),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    market: Market, cast: Cast, body: Any, field: str
) -> None:
    assert_problem(await market.write(cast.ana, cast.booking, body), 422, field)
    assert await market.counters(cast.pia) == (0, 0)


@pytest.mark.parametrize("content", [b"{bad", b'{"rating": ', b"\xff\xfe"])
async def test_malformed_json_is_400(market: Market, cast: Cast, content: bytes) -> None:
    response = await market.write(
        cast.ana, cast.booking, content=content, headers={
            **cast.ana.headers, "Content-Type": "application/json"
        },
    )  # fmt: skip
    assert_problem(response, 400)


async def test_a_missing_body_is_400(market: Market, cast: Cast) -> None:
    response = await market.client.post(
        f"/api/v1/bookings/{cast.booking}/review", headers=cast.ana.headers
    )
    assert_problem(response, 400)


async def test_a_long_comment_at_the_limit_is_taken(market: Market, cast: Cast) -> None:
    body = await market.review(cast.ana, cast.booking, 5, "y" * 2000)
    assert len(body["comment"]) == 2000


async def test_signing_in_is_required(market: Market, cast: Cast) -> None:
    assert_problem(await market.write(None, cast.booking), 401)


@pytest.mark.parametrize("booking_id", ["x", "-1", "%F0%9F%92%A9", UNKNOWN_ID])
async def test_a_malformed_or_unknown_booking_is_404(
    market: Market, cast: Cast, booking_id: str
) -> None:
    assert_problem(await market.write(cast.ana, booking_id), 404)


async def test_another_users_booking_is_404_and_its_parties_403(market: Market, cast: Cast) -> None:
    for stranger in (cast.bob, cast.olaf):
        assert_problem(await market.write(stranger, cast.booking), 404)
    for party in (cast.pia, market.admin):
        assert_problem(await market.write(party, cast.booking), 403)
    assert await market.counters(cast.pia) == (0, 0)


@pytest.mark.parametrize("status", ["pending", "confirmed"])
async def test_a_booking_not_completed_is_409(market: Market, cast: Cast, status: str) -> None:
    booking = await market.booking(cast.ana, cast.pia, status)
    assert_problem(await market.write(cast.ana, booking), 409)


async def test_a_second_review_of_a_booking_is_409(market: Market, cast: Cast) -> None:
    await market.review(cast.ana, cast.booking, 5)
    body = assert_problem(await market.write(cast.ana, cast.booking), 409, "bookingId")
    assert "already" in body["detail"]
    assert await market.counters(cast.pia) == (1, 5)


# --- reading -----------------------------------------------------------------------------------


async def test_reviews_are_public_newest_first_in_numbered_pages(
    market: Market, cast: Cast
) -> None:
    second = await market.booking(cast.ana, cast.pia)
    elsewhere = await market.booking(cast.bob, cast.olaf)
    first = await market.review(cast.ana, cast.booking, 2)
    market.api.clock.advance(timedelta(minutes=1))
    latest = await market.review(cast.ana, second, 5)
    await market.review(cast.bob, elsewhere, 4)

    response = await market.client.get(
        "/api/v1/reviews", params={"professionalId": cast.pia.id, "pageSize": 1}
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["page"], page["pageSize"], page["pages"]) == (2, 1, 1, 2)
    assert [item["id"] for item in page["items"]] == [latest["id"]]
    response = await market.client.get(
        "/api/v1/reviews", params={"professionalId": cast.pia.id, "page": 2, "pageSize": 1}
    )
    assert [item["id"] for item in response.json()["items"]] == [first["id"]]
    everyone = (await market.client.get("/api/v1/reviews")).json()
    assert everyone["total"] == 3

    one = await market.client.get(f"/api/v1/reviews/{first['id']}")
    assert one.status_code == 200, one.text
    assert one.json() == first


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"professionalId": "nope"}, "professionalId"),
        ({"professionalId": "x" * 65}, "professionalId"),
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"pageSize": 101}, "pageSize"),
        ({"pageSize": -5}, "pageSize"),
    ],
)
async def test_bad_list_parameters_are_422(
    market: Market, query: dict[str, Any], field: str
) -> None:
    response = await market.client.get("/api/v1/reviews", params=query)
    assert_problem(response, 422, field)


@pytest.mark.parametrize("review_id", ["x", "-1", UNKNOWN_ID])
async def test_a_malformed_or_unknown_review_is_404(market: Market, review_id: str) -> None:
    assert_problem(await market.client.get(f"/api/v1/reviews/{review_id}"), 404)


# --- editing and deleting ------------------------------------------------------------------------


async def patch(market: Market, user: User | None, review_id: str, body: Any) -> httpx.Response:
    headers = {} if user is None else user.headers
    return await market.client.patch(  # type: ignore[no-any-return]
        f"/api/v1/reviews/{review_id}", json=body, headers=headers
    )


async def remove(market: Market, user: User | None, review_id: str) -> httpx.Response:
    headers = {} if user is None else user.headers
    return await market.client.delete(  # type: ignore[no-any-return]
        f"/api/v1/reviews/{review_id}", headers=headers
    )


async def test_the_author_edits_and_the_average_follows(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 2, "Late.")
    market.api.clock.advance(timedelta(minutes=3))
    response = await patch(market, cast.ana, review["id"], {"rating": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["rating"], body["comment"], body["version"]) == (5, "Late.", 2)
    assert body["updatedAt"] == iso(market.api.clock.now()) != body["createdAt"]
    assert await market.counters(cast.pia) == (1, 5)
    response = await patch(market, cast.ana, review["id"], {"comment": "On time after all."})
    assert response.json()["comment"] == "On time after all."
    unchanged = await patch(market, cast.ana, review["id"], {})
    assert unchanged.status_code == 200 and unchanged.json()["version"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": 2.5}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": None}, "rating"),
        ({"comment": "x" * 2001}, "comment"),
        ({"comment": None}, "comment"),
        ({"reply": "sneaky"}, "reply"),
        ({"authorId": UNKNOWN_ID}, "authorId"),
    ],
)
async def test_a_bad_edit_is_422(market: Market, cast: Cast, body: Any, field: str) -> None:
    review = await market.review(cast.ana, cast.booking, 3)
    assert_problem(await patch(market, cast.ana, review["id"], body), 422, field)
    assert await market.counters(cast.pia) == (1, 3)


async def test_nobody_else_may_edit_or_delete(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 4)
    for stranger in (cast.bob, cast.pia, cast.olaf):
        assert_problem(await patch(market, stranger, review["id"], {"rating": 1}), 404)
        assert_problem(await remove(market, stranger, review["id"]), 404)
    assert_problem(await patch(market, None, review["id"], {"rating": 1}), 401)
    assert_problem(await remove(market, None, review["id"]), 401)
    assert (await market.client.get(f"/api/v1/reviews/{review['id']}")).json() == review
    assert await market.counters(cast.pia) == (1, 4)


@pytest.mark.parametrize("review_id", ["x", "-1", UNKNOWN_ID])
async def test_changing_a_malformed_or_unknown_review_is_404(
    market: Market, cast: Cast, review_id: str
) -> None:
    assert_problem(await patch(market, cast.ana, review_id, {"rating": 3}), 404)
    assert_problem(await remove(market, market.admin, review_id), 404)
    for path in ("reply",):
        url = f"/api/v1/reviews/{review_id}/{path}"
        for method in ("POST", "PATCH"):
            response = await market.client.request(
                method, url, json={"text": "Thanks"}, headers=cast.pia.headers
            )
            assert_problem(response, 404)


async def test_the_author_deletes(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 4)
    response = await remove(market, cast.ana, review["id"])
    assert response.status_code == 204 and not response.content
    assert await market.counters(cast.pia) == (0, 0)
    assert_problem(await market.client.get(f"/api/v1/reviews/{review['id']}"), 404)
    assert_problem(await remove(market, cast.ana, review["id"]), 404)


async def test_an_administrator_edits_and_deletes_and_is_audited(
    market: Market, cast: Cast
) -> None:
    review = await market.review(cast.ana, cast.booking, 1, "Something rude")
    response = await patch(market, market.admin, review["id"], {"comment": "(moderated)"})
    assert response.status_code == 200, response.text
    assert response.json()["authorId"] == cast.ana.id
    assert (await remove(market, market.admin, review["id"])).status_code == 204
    assert await market.counters(cast.pia) == (0, 0)
    log = await market.client.get("/api/v1/admin/audit-log", headers=market.admin.headers)
    actions = [e["action"] for e in log.json()["items"] if e["targetType"] == "review"]
    assert sorted(actions) == ["review.delete", "review.update"]


# --- replying ----------------------------------------------------------------------------------


async def reply(
    market: Market, user: User | None, review_id: str, body: Any, method: str = "POST"
) -> httpx.Response:
    headers = {} if user is None else user.headers
    return await market.client.request(  # type: ignore[no-any-return]
        method, f"/api/v1/reviews/{review_id}/reply", json=body, headers=headers
    )


async def test_the_professional_replies_once_and_may_change_it(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 5)
    assert_problem(await reply(market, cast.pia, review["id"], {"text": "x"}, "PATCH"), 409)
    await market.advance(timedelta(hours=1))
    response = await reply(market, cast.pia, review["id"], {"text": "Thank you!"})
    assert response.status_code == 201, response.text
    assert response.json()["reply"] == {
        "text": "Thank you!", "repliedAt": iso(market.api.clock.now())
    }  # fmt: skip
    body = assert_problem(await reply(market, cast.pia, review["id"], {"text": "Again"}), 409)
    assert body["errors"][0]["field"] == "reply"
    response = await reply(market, cast.pia, review["id"], {"text": "Thanks a lot!"}, "PATCH")
    assert response.status_code == 200, response.text
    assert response.json()["reply"]["text"] == "Thanks a lot!"
    public = (await market.client.get(f"/api/v1/reviews/{review['id']}")).json()
    assert public["reply"]["text"] == "Thanks a lot!"


async def test_nobody_else_replies(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 5)
    for someone in (cast.ana, cast.bob, cast.olaf, market.admin):
        assert_problem(await reply(market, someone, review["id"], {"text": "Hi"}), 404)
    assert_problem(await reply(market, None, review["id"], {"text": "Hi"}), 401)
    await reply(market, cast.pia, review["id"], {"text": "Thanks"})
    for someone in (cast.ana, cast.olaf, market.admin):
        assert_problem(await reply(market, someone, review["id"], {"text": "Hi"}, "PATCH"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 7}, "text"),
        ({"text": None}, "text"),
        ({"text": "ok", "rating": 5}, "rating"),
    ],
)
async def test_a_bad_reply_is_422(market: Market, cast: Cast, body: Any, field: str) -> None:
    review = await market.review(cast.ana, cast.booking, 5)
    assert_problem(await reply(market, cast.pia, review["id"], body), 422, field)


# --- the whole surface -------------------------------------------------------------------------

ODD_BODIES: list[Any] = [
    None, {}, [], "text", 0, {"rating": {"x": 1}}, {"rating": 1e400}, {"text": ["a"]},
    {"rating": 3, "comment": "\ud800"}, b'{"rating": 5, "rating": 1}',
]  # fmt: skip


async def test_no_review_route_answers_500(market: Market, cast: Cast) -> None:
    review = await market.review(cast.ana, cast.booking, 5)
    doc = (await market.client.get("/schema/openapi.json")).json()
    routes = [
        (method, path) for path, item in doc["paths"].items() if "review" in path for method in item
    ]
    assert len(routes) == 7
    for method, path in routes:
        operation = doc["paths"][path][method]
        assert operation["tags"] == ["reviews"] and operation.get("summary")
        assert "500" in operation["responses"]
        assert "404" in operation["responses"] or "{" not in path
        for id_ in ("x", str(uuid.uuid4()), review["id"], cast.booking):
            url = path.replace("{review_id}", id_).replace("{booking_id}", id_)
            for body in ODD_BODIES:
                content = body if isinstance(body, bytes) else json.dumps(body).encode()
                for headers in (cast.olaf.headers, market.admin.headers, {}):
                    response = await market.client.request(
                        method.upper(),
                        url,
                        content=content,
                        headers={**headers, "Content-Type": "application/json"},
                    )
                    assert response.status_code < 500, (method, url, body, response.text)
                    assert str(response.status_code) in operation["responses"], (
                        method, url, body, response.status_code, response.text
                    )  # fmt: skip
    listed = await market.client.get("/api/v1/reviews", params={"professionalId": cast.pia.id})
    ratings = [item["rating"] for item in listed.json()["items"]]
    assert await market.counters(cast.pia) == (len(ratings), sum(ratings))
