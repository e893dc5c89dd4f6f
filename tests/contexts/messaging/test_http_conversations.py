"""Conversations over HTTP, on the in-memory wiring: every route's happy path, bad input, and
a non-member's 404."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define

from alora_core.messaging.conversations.conversations_wire import conversation_data
from support.http import Api, assert_problem, bearer, open_api

BASE = "/api/v1/conversations"
CONVERSATION_FIELDS = {
    "id",
    "kind",
    "title",
    "createdAt",
    "lastActivityAt",
    "lastSeq",
    "eventSeq",
    "members",
    "booking",
}


@define
class Person:
    id: str
    headers: dict[str, str]


@define
class Site:
    api: Api

    async def person(self, name: str) -> Person:
        user, token = await self.api.user(name)
        return Person(id=user["id"], headers=bearer(token))

    async def call(
        self, method: str, path: str, who: Person | None, json: Any = None, **params: Any
    ) -> httpx.Response:
        headers = {} if who is None else who.headers
        response: httpx.Response = await self.api.client.request(
            method, f"{BASE}{path}", json=json, params=params or None, headers=headers
        )
        return response

    async def ok(
        self, method: str, path: str, who: Person, json: Any = None, status: int = 200
    ) -> dict[str, Any]:
        response = await self.call(method, path, who, json)
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for api in open_api(tmp_path):
        yield Site(api)


async def test_direct_is_created_once_then_found(site: Site) -> None:
    ana, bob = await site.person("ana"), await site.person("bob")
    created = await site.ok("POST", "/direct", ana, {"userId": bob.id}, status=201)
    again = await site.ok("POST", "/direct", bob, {"userId": ana.id}, status=200)
    assert created["id"] == again["id"]
    assert created["kind"] == "direct" and created["title"] is None
    assert created["eventSeq"] == 1 and created["lastMessage"] is None
    assert created["active"] and not created["muted"] and created["unreadCount"] == 0
    assert [p["id"] for p in created["people"]] == [bob.id]
    assert set(created["people"][0]) == {"id", "fullName", "username", "avatarFileId"}
    assert {m["userId"] for m in created["members"]} == {ana.id, bob.id}
    fetched = await site.ok("GET", f"/{created['id']}", bob)
    assert fetched["id"] == created["id"]
    listed = await site.ok("GET", "", ana)
    assert [c["id"] for c in listed["items"]] == [created["id"]]
    assert listed["nextCursor"] is None


async def test_the_conversation_fields_are_the_events(site: Site) -> None:
    ana, bob = await site.person("ana"), await site.person("bob")
    body = await site.ok("POST", "/direct", ana, {"userId": bob.id}, status=201)
    async with site.api.alora.units_of_work["messaging"]().reading() as uow:
        conversation = await uow.conversations.get(uuid.UUID(body["id"]))
        members = await uow.members.of(conversation.id)
    event_form = conversation_data(conversation, members, booking_chat_open=timedelta(hours=72))
    assert set(event_form) == CONVERSATION_FIELDS
    assert {k: body[k] for k in CONVERSATION_FIELDS} == event_form


async def test_a_group_through_its_life(site: Site) -> None:
    ana, bob, cid = [await site.person(n) for n in ("ana", "bob", "cid")]
    group = await site.ok(
        "POST", "/groups", ana, {"title": "Garden", "memberIds": [bob.id]}, status=201
    )
    gid = group["id"]
    assert group["kind"] == "group" and group["title"] == "Garden"
    renamed = await site.ok("PATCH", f"/{gid}", ana, {"title": "Garden party"})
    assert renamed["title"] == "Garden party"
    added = await site.ok("POST", f"/{gid}/members", ana, {"userIds": [cid.id]})
    assert {m["userId"] for m in added["members"]} == {ana.id, bob.id, cid.id}
    role = await site.ok("PUT", f"/{gid}/members/{bob.id}/role", ana, {"role": "admin"})
    assert {m["userId"]: m["role"] for m in role["members"]}[bob.id] == "admin"
    removed = await site.ok("DELETE", f"/{gid}/members/{cid.id}", bob)
    assert {m["userId"]: m["active"] for m in removed["members"]}[cid.id] is False
    former = await site.ok("GET", f"/{gid}", cid)
    assert former["active"] is False
    left = await site.ok("POST", f"/{gid}/leave", ana)
    assert left["active"] is False
    after = await site.ok("GET", f"/{gid}", bob)
    assert {m["userId"]: m["role"] for m in after["members"]}[bob.id] == "owner"


async def test_mute_and_unmute(site: Site) -> None:
    ana, bob = await site.person("ana"), await site.person("bob")
    cid = (await site.ok("POST", "/direct", ana, {"userId": bob.id}, status=201))["id"]
    muted = await site.ok("POST", f"/{cid}/mute", ana, {"until": "2031-01-01T00:00:00+01:00"})
    assert muted["muted"] and muted["mutedUntil"] == "2030-12-31T23:00:00Z"
    forever = await site.ok("POST", f"/{cid}/mute", ana, {})
    assert forever["muted"] and forever["mutedUntil"] is None
    unmuted = await site.ok("DELETE", f"/{cid}/mute", ana)
    assert not unmuted["muted"]


async def test_the_list_pages_with_a_cursor(site: Site) -> None:
    ana = await site.person("ana")
    others = [await site.person(f"user{i}") for i in range(3)]
    for other in others:
        await site.ok("POST", "/direct", ana, {"userId": other.id}, status=201)
    first = await site.ok("GET", "?limit=2", ana)
    assert len(first["items"]) == 2 and first["nextCursor"]
    response = await site.call("GET", "", ana, cursor=first["nextCursor"], limit=2)
    second = response.json()
    assert len(second["items"]) == 1 and second["nextCursor"] is None
    assert_problem(await site.call("GET", "", ana, cursor="not-ours"), 422, "cursor")
    for limit in ("0", "101", "many"):
        response = await site.call("GET", "", ana, limit=limit)
        assert response.status_code in (400, 422), response.text


# --- bad input ---------------------------------------------------------------------------------


async def test_bad_bodies(site: Site) -> None:
    ana, bob = await site.person("ana"), await site.person("bob")
    for body in ({}, {"userId": "nope"}, {"userId": 7}, {"userId": bob.id, "extra": 1}):
        response = await site.call("POST", "/direct", ana, body)
        assert response.status_code in (400, 422), response.text
    assert_problem(await site.call("POST", "/direct", ana, {"userId": ana.id}), 422, "userId")
    for title in ("", " ", "x" * 101, "bad\u202etitle", "bad\u2066title", "tab\ttitle"):
        response = await site.call("POST", "/groups", ana, {"title": title, "memberIds": [bob.id]})
        assert_problem(response, 422, "title")
    for body in (
        {"title": "T"},
        {"title": "T", "memberIds": []},
        {"title": "T", "memberIds": ["x"]},
        {"title": 5, "memberIds": [bob.id]},
        {"title": "T", "memberIds": [bob.id], "owner": ana.id},
    ):
        response = await site.call("POST", "/groups", ana, body)
        assert response.status_code in (400, 422), response.text
    gid = (await site.ok("POST", "/groups", ana, {"title": "T", "memberIds": [bob.id]}, 201))["id"]
    assert_problem(await site.call("PATCH", f"/{gid}", ana, {"title": "a\u202eb"}), 422, "title")
    for role in ("owner", "boss", 1):
        response = await site.call("PUT", f"/{gid}/members/{bob.id}/role", ana, {"role": role})
        assert response.status_code in (400, 422), response.text
    for until in ("2200-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-01-01T00:00:00Z"):
        response = await site.call("POST", f"/{gid}/mute", ana, {"until": until})
        assert_problem(response, 422, "until")
    assert_problem(
        await site.call("POST", f"/{gid}/mute", ana, {"until": "2000-01-01T00:00:00Z"}),
        422,
        "until",
    )
    response = await site.call("POST", f"/{gid}/mute", ana, {"until": "2031-01-01T00:00:00"})
    assert response.status_code in (400, 422), response.text


async def test_refusals_carry_their_reasons(site: Site) -> None:
    ana, bob, cid = [await site.person(n) for n in ("ana", "bob", "cid")]
    gid = (await site.ok("POST", "/groups", ana, {"title": "T", "memberIds": [bob.id]}, 201))["id"]
    body = assert_problem(await site.call("PATCH", f"/{gid}", bob, {"title": "Mine"}), 403)
    assert body["reason"] == "not-group-admin"
    body = assert_problem(
        await site.call("PUT", f"/{gid}/members/{ana.id}/role", bob, {"role": "member"}), 403
    )
    assert body["reason"] == "not-group-owner"
    direct = (await site.ok("POST", "/direct", ana, {"userId": bob.id}, status=201))["id"]
    body = assert_problem(await site.call("POST", f"/{direct}/leave", ana), 409)
    assert body["reason"] == "not-a-group"
    assert_problem(await site.call("DELETE", f"/{gid}/members/{cid.id}", ana), 404)
    assert_problem(await site.call("POST", "/direct", ana, {"userId": str(uuid.uuid4())}), 404)


# --- not yours ---------------------------------------------------------------------------------


async def test_a_non_member_gets_404_everywhere(site: Site) -> None:
    ana, bob, eve = [await site.person(n) for n in ("ana", "bob", "eve")]
    gid = (await site.ok("POST", "/groups", ana, {"title": "T", "memberIds": [bob.id]}, 201))["id"]
    calls: list[tuple[str, str, Any]] = [
        ("GET", f"/{gid}", None),
        ("PATCH", f"/{gid}", {"title": "x"}),
        ("POST", f"/{gid}/members", {"userIds": [ana.id]}),
        ("DELETE", f"/{gid}/members/{bob.id}", None),
        ("POST", f"/{gid}/leave", None),
        ("PUT", f"/{gid}/members/{bob.id}/role", {"role": "admin"}),
        ("POST", f"/{gid}/mute", {}),
        ("DELETE", f"/{gid}/mute", None),
    ]
    for method, path, json in calls:
        assert_problem(await site.call(method, path, eve, json), 404)
        malformed = path.replace(gid, "not-a-uuid")
        assert_problem(await site.call(method, malformed, ana, json), 404)
        assert_problem(await site.call(method, path, None, json), 401)
    assert_problem(await site.call("DELETE", f"/{gid}/members/nope", ana), 404)
    assert (await site.ok("GET", "", eve))["items"] == []
