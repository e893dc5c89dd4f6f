"""Every date, date-time and local-time input of the API is bounded: far dates (year 1, 9999,
huge offsets) and impossible times answer a 422 naming the field, never a 500.

The date inputs are read from the OpenAPI document: a route that adds one fails
``test_every_date_input_is_known`` until it is listed in ``DATE_INPUTS`` with a request that
reaches it, and so is thrown the far dates too."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.http import Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


ANY_ID = str(uuid.UUID(int=7))
Body = Callable[[str], dict[str, Any]]

# (method, path, "query" or "body", field) -> the body around the far value (None: a query).
DATE_INPUTS: dict[tuple[str, str, str, str], Body | None] = {
    ("get", "/api/v1/bookings", "query", "from"): None,
    ("get", "/api/v1/bookings", "query", "to"): None,
    ("get", "/api/v1/professionals/{professional_id}/slots", "query", "from"): None,
    ("get", "/api/v1/professionals/{professional_id}/slots", "query", "to"): None,
    ("post", "/api/v1/bookings", "body", "start"): lambda value: {
        "professionalId": ANY_ID,
        "serviceId": ANY_ID,
        "start": value,
        "durationMinutes": 60,
        "address": "Unter den Linden 1, Berlin",
    },
    ("post", "/api/v1/bookings/{booking_id}/reschedule", "body", "start"): lambda value: {
        "start": value
    },
    ("post", "/api/v1/professionals/me/exceptions", "body", "date"): lambda value: {
        "date": value,
        "kind": "off",
    },
    ("post", "/api/v1/conversations/{conversation_id}/mute", "body", "until"): lambda value: {
        "until": value
    },
}
FAR_MOMENTS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00-23:59",
    "1969-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59+23:59",
    "2200-01-01T00:00:00Z",
]
FAR_DAYS = ["0001-01-01", "1969-12-31", "9999-12-31", "2200-01-01"]


def _date_fields(
    schema: dict[str, Any], schemas: dict[str, Any], path: str = ""
) -> Iterator[tuple[str, str]]:
    """(field path, format) of the date and date-time fields in ``schema``, nested ones too."""
    if "$ref" in schema:
        yield from _date_fields(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, path)
        return
    if schema.get("format") in ("date", "date-time"):
        yield path, schema["format"]
    for alternative in (*schema.get("oneOf", ()), *schema.get("anyOf", ())):
        yield from _date_fields(alternative, schemas, path)
    for name, field in schema.get("properties", {}).items():
        yield from _date_fields(field, schemas, f"{path}.{name}" if path else name)
    if "items" in schema:
        yield from _date_fields(schema["items"], schemas, f"{path}[0]")


def date_inputs(doc: dict[str, Any]) -> dict[tuple[str, str, str, str], str]:
    """Every date input of the document, with its format."""
    found: dict[tuple[str, str, str, str], str] = {}
    schemas = doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                for _, kind in _date_fields(parameter["schema"], schemas):
                    found[(method, path, parameter["in"], parameter["name"])] = kind
            for media in operation.get("requestBody", {}).get("content", {}).values():
                for field, kind in _date_fields(media["schema"], schemas):
                    found[(method, path, "body", field)] = kind
    return found


async def test_every_date_input_is_known(api: Api) -> None:
    doc = (await api.client.get("/schema/openapi.json")).json()
    assert set(date_inputs(doc)) == set(DATE_INPUTS)


def _far_cases() -> list[Any]:
    cases = []
    for key in DATE_INPUTS:
        values = FAR_DAYS if key[3] == "date" else FAR_MOMENTS
        cases += [
            pytest.param(key, value, id=f"{key[0]} {key[1]} {key[3]}={value}") for value in values
        ]
    return cases


@pytest.fixture
async def tokens(api: Api) -> tuple[str, str]:
    """A customer's and a professional's access tokens."""
    _, customer = await api.user("cora")
    _, professional = await api.user("pete", role="professional")
    return customer, professional


async def send(
    api: Api, tokens: tuple[str, str], key: tuple[str, str, str, str], value: str
) -> httpx.Response:
    """The input ``key`` set to ``value``, sent by the customer (the professional for their own
    routes), with the rest of the request well formed."""
    customer, professional = tokens
    method, path, _, field = key
    url = path
    for name in ("{professional_id}", "{booking_id}", "{conversation_id}"):
        url = url.replace(name, ANY_ID)
    token = professional if "/professionals/me" in path else customer
    body = DATE_INPUTS[key]
    if body is None:
        return await api.client.request(
            method.upper(), url, params={field: value}, headers=bearer(token)
        )
    return await api.client.request(method.upper(), url, json=body(value), headers=bearer(token))


@pytest.mark.parametrize(("key", "value"), _far_cases())
async def test_far_dates_are_422_naming_the_field(
    api: Api, tokens: tuple[str, str], key: tuple[str, str, str, str], value: str
) -> None:
    problem = assert_problem(await send(api, tokens, key, value), 422, key[3])
    assert problem["errors"][0]["code"] == "out-of-range", problem


EDGES = ["1970-01-01T00:00:00+23:59", "2199-12-31T23:59:59-23:59", "2199-12-31T23:59:59+23:59"]


@pytest.mark.parametrize("key", list(DATE_INPUTS), ids=" ".join)
async def test_the_bounds_with_any_offset_answer_without_a_500(
    api: Api, tokens: tuple[str, str], key: tuple[str, str, str, str]
) -> None:
    for value in ["1970-01-01", "2199-12-31"] if key[3] == "date" else EDGES:
        response = await send(api, tokens, key, value)
        assert response.status_code < 500, (value, response.text)


@pytest.mark.parametrize(
    "time",
    [
        "24:01",
        "99:99",
        "23:60",
        "-1:00",
        "9:00",
        "9999999999:00",
        "\u0660\u0669:\u0660\u0660",
        "09:00:00",
        "",
    ],
)
async def test_impossible_local_times_are_422(api: Api, time: str) -> None:
    _, professional = await api.user("pete", role="professional")
    _, customer = await api.user("cora")
    settings = await api.client.put(
        "/api/v1/users/me/settings",
        json={"quietHoursStart": time, "quietHoursEnd": "07:00"},
        headers=bearer(customer),
    )
    assert_problem(settings, 422, "quietHoursStart")
    exception = await api.client.post(
        "/api/v1/professionals/me/exceptions",
        json={"date": "2030-01-15", "kind": "extra", "slots": [{"start": time, "end": "18:00"}]},
        headers=bearer(professional),
    )
    assert exception.status_code in (404, 422), exception.text  # 404: no profile yet
