"""Connection requests and connections over HTTP, on the in-memory wiring: the happy paths, bad
input on every route, and other users' requests answering 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from contexts.messaging.connections_http import CONNECTIONS, REQUESTS, act, ask, listed, person
from support.http import UNKNOWN_ID, Api, assert_problem, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def test_ask_list_accept_list_and_remove(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    response = await ask(api, ana, ben, message=" Hi Ben! ")
    assert response.status_code == 201, response.text
    request = response.json()
    assert set(request) == {
        "id",
        "senderId",
        "recipientId",
        "user",
        "message",
        "status",
        "createdAt",
        "answeredAt",
    }
    assert (request["senderId"], request["recipientId"]) == (ana.id, ben.id)
    assert (request["message"], request["status"], request["answeredAt"]) == (
        "Hi Ben!",
        "pending",
        None,
    )
    assert request["user"] == {
        "id": ben.id,
        "fullName": "Ben",
        "username": "ben",
        "avatarFileId": None,
    }
    assert request["createdAt"].endswith("Z")

    received = await listed(api, ben, REQUESTS)
    assert (received["total"], received["page"], received["pageSize"], received["pages"]) == (
        1,
        1,
        20,
        1,
    )
    assert received["items"][0]["user"]["id"] == ana.id
    sent = await listed(api, ana, REQUESTS, direction="sent", status="pending")
    assert [item["id"] for item in sent["items"]] == [request["id"]]
    assert (await listed(api, ana, REQUESTS))["items"] == []
    assert (await listed(api, ben, REQUESTS, status="accepted"))["items"] == []

    accepted = await act(api, ben, request["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["answeredAt"].endswith("Z")
    [connection] = (await listed(api, ana, CONNECTIONS))["items"]
    assert set(connection) == {"user", "connectedAt", "presence"}
    assert connection["user"]["id"] == ben.id

    removed = await api.client.delete(f"{CONNECTIONS}/{ana.id}", headers=ben.headers)
    assert removed.status_code == 204 and not removed.content
    assert (await listed(api, ana, CONNECTIONS))["items"] == []
    again = await api.client.delete(f"{CONNECTIONS}/{ana.id}", headers=ben.headers)
    assert_problem(again, 404)


async def test_a_crossing_request_answers_201_with_the_other_request_accepted(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    theirs = (await ask(api, ben, ana)).json()
    response = await ask(api, ana, ben)
    assert response.status_code == 201, response.text
    assert (response.json()["id"], response.json()["status"]) == (theirs["id"], "accepted")
    assert response.json()["user"]["id"] == ben.id
    [connection] = (await listed(api, ben, CONNECTIONS))["items"]
    assert connection["user"]["id"] == ana.id


async def test_reject_and_withdraw(api: Api) -> None:
    ana, ben, cleo = await person(api, "ana"), await person(api, "ben"), await person(api, "cleo")
    first = (await ask(api, ana, ben)).json()
    rejected = await act(api, ben, first["id"], "reject")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    body = assert_problem(await ask(api, ana, ben), 409)
    assert body["reason"] == "recently-rejected"
    body = assert_problem(await act(api, ben, first["id"], "accept"), 409)
    assert body["reason"] == "not-pending"

    second = (await ask(api, ana, cleo)).json()
    withdrawn = await act(api, ana, second["id"], "withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


async def test_refusals_carry_their_reasons(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    assert_problem(await ask(api, ana, ana), 422, "userId")
    assert_problem(
        await api.client.post(REQUESTS, json={"userId": UNKNOWN_ID}, headers=ana.headers), 404
    )
    await ask(api, ana, ben)
    assert assert_problem(await ask(api, ana, ben), 409)["reason"] == "request-pending"
    request_id = (await listed(api, ben, REQUESTS))["items"][0]["id"]
    await act(api, ben, request_id, "accept")
    assert assert_problem(await ask(api, ben, ana), 409)["reason"] == "already-connected"


async def test_someone_elses_request_is_404_on_every_action(api: Api) -> None:
    ana, ben, eve = await person(api, "ana"), await person(api, "ben"), await person(api, "eve")
    request_id = (await ask(api, ana, ben)).json()["id"]
    for user, actions in (
        (eve, ("accept", "reject", "withdraw")),
        (ana, ("accept", "reject")),
        (ben, ("withdraw",)),
    ):
        for action in actions:
            assert_problem(await act(api, user, request_id, action), 404)
    for bad in (UNKNOWN_ID, "not-a-uuid", "1"):
        assert_problem(await act(api, ben, bad, "accept"), 404)
    assert_problem(await api.client.delete(f"{CONNECTIONS}/{ben.id}", headers=eve.headers), 404)
    assert_problem(await api.client.delete(f"{CONNECTIONS}/not-a-uuid", headers=eve.headers), 404)
    assert (await listed(api, eve, REQUESTS))["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "userId"),
        ({"userId": "not-a-uuid"}, "userId"),
        ({"userId": 12}, "userId"),
        ({"userId": UNKNOWN_ID, "message": 5}, "message"),
        ({"userId": UNKNOWN_ID, "message": ["hi"]}, "message"),
        ({"userId": UNKNOWN_ID, "note": "hi"}, "note"),
    ],
)
async def test_malformed_request_bodies_are_422_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    ana = await person(api, "ana")
    response = await api.client.post(REQUESTS, json=body, headers=ana.headers)
    assert_problem(response, 422, field)


async def test_a_body_that_is_not_json_is_400(api: Api) -> None:
    ana = await person(api, "ana")
    response = await api.client.post(
        REQUESTS, content=b"{", headers={**ana.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 400)


@pytest.mark.parametrize(
    "message", ["x" * 501, "look \u202eright", "bell \u0007", "isolate \u2066x\u2069"]
)
async def test_bad_messages_are_422_naming_message(api: Api, message: str) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    assert_problem(await ask(api, ana, ben, message=message), 422, "message")


async def test_a_message_of_500_characters_once_trimmed_is_fine(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    response = await ask(api, ana, ben, message=f"  {'x' * 500}\n")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "params",
    [
        {"direction": "sideways"},
        {"status": "maybe"},
        {"page": "0"},
        {"pageSize": "1000"},
        {"page": "x"},
    ],
)
async def test_bad_list_parameters_are_refused(api: Api, params: dict[str, str]) -> None:
    ana = await person(api, "ana")
    response = await api.client.get(REQUESTS, params=params, headers=ana.headers)
    assert response.status_code in (400, 422), response.text


async def test_every_route_needs_a_signed_in_user(api: Api) -> None:
    for method, url in (
        ("POST", REQUESTS),
        ("GET", REQUESTS),
        ("POST", f"{REQUESTS}/{UNKNOWN_ID}/accept"),
        ("POST", f"{REQUESTS}/{UNKNOWN_ID}/reject"),
        ("POST", f"{REQUESTS}/{UNKNOWN_ID}/withdraw"),
        ("GET", CONNECTIONS),
        ("DELETE", f"{CONNECTIONS}/{UNKNOWN_ID}"),
    ):
        kwargs: dict[str, Any] = (
            {"json": {"userId": UNKNOWN_ID}} if url == REQUESTS and method == "POST" else {}
        )
        response = await api.client.request(method, url, **kwargs)
        assert_problem(response, 401)
