"""HTTP shortcuts for the connections and blocks suites: signed-in users and their requests."""

from __future__ import annotations

from typing import Any

import httpx

from support.http import Api, bearer

REQUESTS = "/api/v1/connections/requests"
CONNECTIONS = "/api/v1/connections"


class Person:
    def __init__(self, user: dict[str, Any], token: str) -> None:
        self.id: str = user["id"]
        self.headers = bearer(token)


async def person(api: Api, name: str) -> Person:
    return Person(*await api.user(name))


async def ask(api: Api, sender: Person, recipient: Person, **body: Any) -> httpx.Response:
    response: httpx.Response = await api.client.post(
        REQUESTS, json={"userId": recipient.id, **body}, headers=sender.headers
    )
    return response


async def act(api: Api, user: Person, request_id: str, action: str) -> httpx.Response:
    response: httpx.Response = await api.client.post(
        f"{REQUESTS}/{request_id}/{action}", headers=user.headers
    )
    return response


async def listed(api: Api, user: Person, url: str, **params: Any) -> dict[str, Any]:
    response = await api.client.get(url, params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
