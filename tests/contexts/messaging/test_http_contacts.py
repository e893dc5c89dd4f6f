"""``GET /api/v1/contacts`` over HTTP, on the in-memory wiring: the list with presence, its
filters and pages, bad input, and signing in first."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alora_core.messaging.conversations.model import ConversationKind
from contexts.messaging.connections_http import CONNECTIONS, Person, act, ask, listed, person
from contexts.messaging.realtime_harness import make_conversation
from support.http import Api, assert_problem, open_api

CONTACTS = "/api/v1/contacts"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def connect(api: Api, one: Person, other: Person) -> None:
    asked = await ask(api, one, other)
    assert (await act(api, other, asked.json()["id"], "accept")).status_code == 200


async def test_contacts_with_presence_filters_and_pages(api: Api) -> None:
    ana, ben, cat, dan = [await person(api, name) for name in ("ana", "ben", "cat", "dan")]
    await connect(api, ana, ben)
    await make_conversation(
        api.alora,
        [uuid.UUID(cat.id), uuid.UUID(ana.id)],
        ConversationKind.BOOKING,
        booking_id=uuid.uuid4(),
    )
    await api.alora.realtime.presence.connect(uuid.UUID(ben.id), uuid.uuid4())

    body = await listed(api, ana, CONTACTS)
    assert body == {
        "items": [
            {
                "user": {"id": ben.id, "fullName": "Ben", "username": "ben", "avatarFileId": None},
                "presence": {"online": True, "lastSeen": None},
            },
            {
                "user": {"id": cat.id, "fullName": "Cat", "username": "cat", "avatarFileId": None},
                "presence": {"online": False, "lastSeen": None},
            },
        ],
        "nextCursor": None,
    }
    assert [c["user"]["id"] for c in (await listed(api, ana, CONTACTS, q="CA"))["items"]] == [
        cat.id
    ]
    online = await listed(api, ana, CONTACTS, online="true")
    assert [c["user"]["id"] for c in online["items"]] == [ben.id]
    first = await listed(api, ana, CONTACTS, limit=1)
    second = await listed(api, ana, CONTACTS, limit=1, cursor=first["nextCursor"])
    assert [first["items"][0]["user"]["id"], second["items"][0]["user"]["id"]] == [ben.id, cat.id]
    assert (await listed(api, dan, CONTACTS))["items"] == []


async def test_connections_carry_presence_too(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    await connect(api, ana, ben)
    await api.alora.realtime.presence.connect(uuid.UUID(ben.id), uuid.uuid4())

    [connection] = (await listed(api, ana, CONNECTIONS))["items"]
    assert connection["presence"] == {"online": True, "lastSeen": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 101}, "q"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"online": "maybe"}, "online"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
async def test_bad_input_is_refused(api: Api, params: dict[str, str], field: str) -> None:
    ana = await person(api, "ana")
    response = await api.client.get(CONTACTS, params=params, headers=ana.headers)
    assert response.status_code in {400, 422}, response.text
    assert_problem(response, response.status_code)


async def test_signing_in_comes_first(api: Api) -> None:
    assert_problem(await api.client.get(CONTACTS), 401)
