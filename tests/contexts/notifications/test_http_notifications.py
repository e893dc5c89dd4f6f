"""``/api/v1/notifications``: listing, counting, reading and deleting one's own notifications."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from alora_core.notifications import commands as c
from alora_core.notifications.events import NotificationCreated
from alora_core.notifications.handlers import created_json
from alora_core.notifications.model import EmailKind, NotificationType
from alora_core.shared.actor import Actor, Role
from support.http import UNKNOWN_ID, Api, assert_problem, bearer, open_api

BASE = "/api/v1/notifications"
ITEM_KEYS = {"id", "type", "title", "body", "link", "data", "read", "createdAt", "readAt"}


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def signed_in(api: Api, username: str) -> tuple[uuid.UUID, str]:
    """A signed-in user with no notifications yet (signing up may have sent some)."""
    user, token = await api.user(username)
    user_id = uuid.UUID(user["id"])
    actor = Actor(user_id=user_id, role=Role.CUSTOMER)
    page = await api.alora.bus.handle(c.ListNotifications(actor=actor, limit=100))
    for item in page.items:
        await api.alora.bus.handle(c.DeleteNotification(actor=actor, notification_id=item.id))
    return user_id, token


async def notify(api: Api, user_id: uuid.UUID, title: str = "Hello", **fields: Any) -> str:
    if fields.get("email_kind") is not None:
        fields["email_kind"] = EmailKind(fields["email_kind"])
    command = c.Notify(
        recipient_id=user_id,
        type=NotificationType(fields.pop("type", "info")),
        title=title,
        body=fields.pop("body", "Something happened."),
        **fields,
    )
    return str(await api.alora.bus.handle(command))


async def get(api: Api, token: str, query: str = "") -> dict[str, Any]:
    response = await api.client.get(BASE + query, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def unread_count(api: Api, token: str) -> int:
    response = await api.client.get(f"{BASE}/unread-count", headers=bearer(token))
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


# --- GET /notifications --------------------------------------------------------------------------


async def test_lists_newest_first_in_cursor_pages(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    ids = [await notify(api, ann, f"Number {i}") for i in range(5)]

    first = await get(api, token, "?limit=2")
    assert [item["id"] for item in first["items"]] == ids[:2:-1]
    assert first["nextCursor"]
    second = await get(api, token, f"?limit=2&cursor={first['nextCursor']}")
    assert [item["id"] for item in second["items"]] == [ids[2], ids[1]]
    last = await get(api, token, f"?limit=2&cursor={second['nextCursor']}")
    assert [item["id"] for item in last["items"]] == [ids[0]]
    assert last["nextCursor"] is None

    everything = await get(api, token)  # 20 by default
    assert len(everything["items"]) == 5 and everything["nextCursor"] is None


async def test_items_are_camel_case_and_match_the_real_time_push(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    api.clock.advance(timedelta(microseconds=1234))
    data = {"bookingId": "b-1", "nested": {"n": [1, 2.5, None, True]}}
    notification_id = await notify(
        api, ann, "Booking confirmed", type="success", body="Friday 10:00", link="/bookings/b-1",
        data=data,
    )  # fmt: skip
    [item] = (await get(api, token))["items"]
    assert set(item) == ITEM_KEYS
    assert item == {
        "id": notification_id,
        "type": "success",
        "title": "Booking confirmed",
        "body": "Friday 10:00",
        "link": "/bookings/b-1",
        "data": data,
        "read": False,
        "createdAt": "2030-01-01T12:00:00.001234Z",
        "readAt": None,
    }
    pushed = NotificationCreated(
        occurred_at=api.clock.now(),
        notification_id=uuid.UUID(item["id"]),
        recipient_id=ann,
        type=item["type"],
        title=item["title"],
        body=item["body"],
        link=item["link"],
        data=item["data"],
        created_at=datetime.fromisoformat(item["createdAt"]),
        email_kind=None,
    )
    assert created_json(pushed) == item


async def test_unread_filter_and_count(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    ids = [await notify(api, ann, f"Number {i}") for i in range(3)]
    assert await unread_count(api, token) == 3
    response = await api.client.post(f"{BASE}/{ids[1]}/read", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert await unread_count(api, token) == 2
    unread = await get(api, token, "?unread=true")
    assert [item["id"] for item in unread["items"]] == [ids[2], ids[0]]
    assert all(item["read"] is False for item in unread["items"])
    everything = await get(api, token, "?unread=false")
    assert len(everything["items"]) == 3


async def test_a_new_user_has_nothing_unread(api: Api) -> None:
    _, token = await signed_in(api, "ann")
    assert await unread_count(api, token) == 0
    assert await get(api, token) == {"items": [], "nextCursor": None}


# --- reading and deleting ------------------------------------------------------------------------


async def test_mark_read_is_idempotent(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    notification_id = await notify(api, ann)
    api.clock.advance(timedelta(minutes=3))
    first = await api.client.post(f"{BASE}/{notification_id}/read", headers=bearer(token))
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == ITEM_KEYS
    assert (body["id"], body["read"], body["readAt"]) == (
        notification_id, True, "2030-01-01T12:03:00Z"
    )  # fmt: skip
    api.clock.advance(timedelta(minutes=3))
    again = await api.client.post(f"{BASE}/{notification_id}/read", headers=bearer(token))
    assert again.status_code == 200
    assert again.json()["readAt"] == "2030-01-01T12:03:00Z"


async def test_read_all(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    for i in range(3):
        await notify(api, ann, f"Number {i}")
    response = await api.client.post(f"{BASE}/read-all", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json() == {"count": 3}
    assert await unread_count(api, token) == 0
    assert all(item["read"] for item in (await get(api, token))["items"])
    again = await api.client.post(f"{BASE}/read-all", headers=bearer(token))
    assert again.json() == {"count": 0}


async def test_delete(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    keep = await notify(api, ann, "Keep")
    gone = await notify(api, ann, "Gone")
    response = await api.client.delete(f"{BASE}/{gone}", headers=bearer(token))
    assert response.status_code == 204
    assert not response.content and "content-type" not in response.headers
    assert [item["id"] for item in (await get(api, token))["items"]] == [keep]
    assert_problem(await api.client.delete(f"{BASE}/{gone}", headers=bearer(token)), 404)
    assert_problem(await api.client.post(f"{BASE}/{gone}/read", headers=bearer(token)), 404)


async def test_others_notifications_are_not_found(api: Api) -> None:
    ann, ann_token = await signed_in(api, "ann")
    bob, bob_token = await signed_in(api, "bob")
    anns = await notify(api, ann, "For Ann")
    bobs = await notify(api, bob, "For Bob")

    for response in (
        await api.client.post(f"{BASE}/{anns}/read", headers=bearer(bob_token)),
        await api.client.delete(f"{BASE}/{anns}", headers=bearer(bob_token)),
    ):
        body = assert_problem(response, 404)
        assert body["detail"] == "no such notification"
    assert [item["id"] for item in (await get(api, bob_token))["items"]] == [bobs]
    assert await unread_count(api, bob_token) == 1
    assert (await api.client.post(f"{BASE}/read-all", headers=bearer(bob_token))).json() == {
        "count": 1
    }
    [item] = (await get(api, ann_token))["items"]
    assert item["id"] == anns and item["read"] is False
    assert await unread_count(api, ann_token) == 1


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=x", "limit"),
        ("?limit=-1", "limit"),
        ("?unread=maybe", "unread"),
        ("?cursor=nonsense", "cursor"),
        ("?cursor=AAAAAAAAAAAAAAAAAAAAAB", "cursor"),
        ("?cursor=%00", "cursor"),
        ("?cursor=%C3%A9", "cursor"),
        ("?cursor=" + "A" * 65, "cursor"),
    ],
)
async def test_bad_list_queries_are_422_naming_the_parameter(
    api: Api, query: str, field: str
) -> None:
    _, token = await signed_in(api, "ann")
    response = await api.client.get(BASE + query, headers=bearer(token))
    assert_problem(response, 422, field)


@pytest.mark.parametrize("notification_id", ["x", "123", "not-a-uuid", UNKNOWN_ID])
async def test_malformed_or_unknown_ids_are_404(api: Api, notification_id: str) -> None:
    _, token = await signed_in(api, "ann")
    for response in (
        await api.client.post(f"{BASE}/{notification_id}/read", headers=bearer(token)),
        await api.client.delete(f"{BASE}/{notification_id}", headers=bearer(token)),
    ):
        assert_problem(response, 404)


ROUTES = [
    ("GET", BASE),
    ("GET", f"{BASE}/unread-count"),
    ("POST", f"{BASE}/read-all"),
    ("POST", f"{BASE}/{UNKNOWN_ID}/read"),
    ("DELETE", f"{BASE}/{UNKNOWN_ID}"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not.a.token"}, {"Authorization": "Basic Zm9vOmJhcg=="}],
)
async def test_every_route_needs_an_access_token(
    api: Api, method: str, path: str, headers: dict[str, str]
) -> None:
    response = await api.client.request(method, path, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_cookie_sessions_must_prove_they_are_not_cross_site(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    notification_id = await notify(api, ann)
    api.client.cookies.set("alora_access", token)
    try:
        listing = await api.client.get(BASE)
        assert listing.status_code == 200, listing.text
        refused = await api.client.post(f"{BASE}/{notification_id}/read")
        assert_problem(refused, 403)
        accepted = await api.client.post(
            f"{BASE}/{notification_id}/read", headers={"X-Requested-With": "fetch"}
        )
        assert accepted.status_code == 200, accepted.text
    finally:
        api.client.cookies.clear()


# --- the wiring -----------------------------------------------------------------------------------


async def test_notify_through_the_bus_emails_when_the_settings_allow(api: Api) -> None:
    """In memory, jobs run before ``bus.handle`` returns."""
    ann, _ = await signed_in(api, "ann")
    before = len(api.mailer.to("ann@example.com"))
    await notify(api, ann, "Your booking tomorrow", email_kind="booking")
    await notify(api, ann, "An offer", email_kind="marketing")  # off by default
    await notify(api, ann, "Just so you know")  # never emailed
    mails = api.mailer.to("ann@example.com")[before:]
    assert [mail.subject for mail in mails] == ["Your booking tomorrow · Alora"]


# --- the contract --------------------------------------------------------------------------------


async def test_openapi_describes_every_notifications_route(api: Api) -> None:
    doc = (await api.client.get("/schema/openapi.json")).json()
    operations = {
        (method, path): operation
        for path, item in doc["paths"].items()
        if path.startswith(BASE)
        for method, operation in item.items()
    }
    assert set(operations) == {
        ("get", BASE),
        ("get", f"{BASE}/unread-count"),
        ("post", f"{BASE}/read-all"),
        ("post", f"{BASE}/{{notification_id}}/read"),
        ("delete", f"{BASE}/{{notification_id}}"),
    }
    for (method, path), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation["tags"] == ["notifications"], where
        assert operation.get("security") == [{"BearerToken": []}], where
        assert {"401", "500"} <= set(operation["responses"]), where
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, where
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                assert "application/problem+json" in response["content"], where
        if success[0] == "204":
            assert "content" not in operation["responses"]["204"], where
        if method != "get":
            assert "403" in operation["responses"], where  # cookie sessions without CSRF proof
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["format"] == "uuid", where
                assert {"404", "409"} <= set(operation["responses"]), where
    listing = operations[("get", BASE)]
    assert {p["name"] for p in listing["parameters"]} == {"cursor", "limit", "unread"}
    assert "422" in listing["responses"]
    schemas = doc["components"]["schemas"]
    assert set(schemas["NotificationPage"]["properties"]) == {"items", "nextCursor"}
    assert set(schemas["NotificationResponse"]["properties"]) == ITEM_KEYS


ODD_IDS = ["x", "-1", UNKNOWN_ID, "%F0%9F%92%A9", "{notification_id}"]
ODD_QUERY = "?limit=abc&cursor=%00&unread=2&page=-1&x=" + "y" * 300


def assert_documented(operation: dict[str, Any], response: httpx.Response, where: Any) -> None:
    """No 500; the status is one the operation documents, with the documented content type."""
    status = str(response.status_code)
    assert response.status_code < 500, (where, response.text)
    assert status in operation["responses"], (where, response.text)
    documented = operation["responses"][status].get("content", {})
    content_type = response.headers.get("content-type", "").split(";")[0]
    if documented:
        assert content_type in documented, (where, content_type)
    else:
        assert not response.content and not content_type, (where, response.text)


async def test_no_notifications_route_answers_500(api: Api) -> None:
    ann, token = await signed_in(api, "ann")
    await notify(api, ann)
    doc = (await api.client.get("/schema/openapi.json")).json()
    bodies: list[Any] = [None, {}, [], "text", {"read": True}, b"{bad", b"\xff"]
    for path, item in doc["paths"].items():
        if not path.startswith(BASE):
            continue
        if "{" in path:
            urls = [path.replace("{notification_id}", odd) for odd in ODD_IDS]
        else:
            urls = [path, path + ODD_QUERY]
        for method, operation in item.items():
            for url in urls:
                for body in bodies:
                    content = body if isinstance(body, bytes) else json.dumps(body).encode()
                    for headers in (bearer(token), {}):
                        response = await api.client.request(
                            method.upper(),
                            url,
                            content=content,
                            headers={**headers, "Content-Type": "application/json"},
                        )
                        assert_documented(operation, response, (method, url, body))
