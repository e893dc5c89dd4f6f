"""The API's contract, route by route: OpenAPI describes every route; malformed JSON, a missing
or too-large body and badly typed fields are problems naming what is wrong; and no input, media
type or credential makes any route answer 500."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.http.reasons import documented_reasons
from support.http import PASSWORD, Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


VALID = {
    "fullName": "Zed Zulu",
    "username": "zed",
    "email": "zed@example.com",
    "phone": "+14155559876",
    "password": PASSWORD,
    "role": "customer",
}


# --- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"{bad", b'{"email": ', b"\xff\xfe", b"[1, 2", b"nul"],
)
async def test_malformed_json_is_400(api: Api, content: bytes) -> None:
    response = await api.client.post(
        "/api/v1/auth/register", content=content, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


async def test_missing_body_is_400(api: Api) -> None:
    assert_problem(await api.client.post("/api/v1/auth/login"), 400)


@pytest.mark.parametrize(
    ("path", "body", "field", "code"),
    [
        ("/api/v1/auth/register", {**VALID, "fullName": 5}, "fullName", "type"),
        ("/api/v1/auth/register", {**VALID, "role": None}, "role", None),
        (
            "/api/v1/auth/register",
            {k: v for k, v in VALID.items() if k != "email"},
            "email",
            "required",
        ),
        ("/api/v1/auth/register", {**VALID, "isAdmin": True}, "isAdmin", "unknown-field"),
        ("/api/v1/auth/register", {**VALID, "full_name": "snake"}, "full_name", "unknown-field"),
        ("/api/v1/auth/register", {**VALID, "fullName": "x" * 10_000}, "fullName", None),
        ("/api/v1/auth/register", {**VALID, "email": "x" * 400 + "@example.com"}, "email", None),
        ("/api/v1/auth/register", {**VALID, "password": "p" * 100_000}, "password", None),
        ("/api/v1/auth/register", [VALID], "", "type"),
        ("/api/v1/auth/register", {**VALID, "fullName": "a\u0000b"}, "fullName", None),
        ("/api/v1/auth/login", {"identifier": "x"}, "password", "required"),
        ("/api/v1/auth/login", {"identifier": ["x"], "password": "y"}, "identifier", "type"),
        ("/api/v1/auth/login", {"identifier": "x" * 1000, "password": "y"}, "identifier", None),
        ("/api/v1/auth/verify-email", {"email": "a@b.co", "code": 123456}, "code", "type"),
        ("/api/v1/auth/verify-email", {"email": "a@b.co", "code": "1" * 17}, "code", None),
        ("/api/v1/auth/resend-verification", {}, "email", "required"),
        ("/api/v1/auth/forgot-password", {"email": None}, "email", None),
        ("/api/v1/auth/reset-password", {"email": "a@b.co", "code": "1"}, "newPassword", None),
        ("/api/v1/auth/refresh", {"refreshToken": 1}, "refreshToken", "type"),
        ("/api/v1/auth/refresh", {"token": "x"}, "token", "unknown-field"),
        ("/api/v1/auth/refresh", {"refreshToken": "x" * 600}, "refreshToken", None),
    ],
)
async def test_bad_fields_are_422_naming_the_field(
    api: Api, path: str, body: Any, field: str, code: str | None
) -> None:
    problem = assert_problem(await api.client.post(path, json=body), 422, field)
    if code is not None:
        assert code in {error["code"] for error in problem["errors"]}


async def test_too_large_body_is_413(api: Api) -> None:
    huge = {**VALID, "fullName": "x" * 2_000_000}
    assert_problem(await api.client.post("/api/v1/auth/register", json=huge), 413)


# --- OpenAPI -----------------------------------------------------------------------------------

OPEN_ROUTES = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/auth/resend-verification"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/forgot-password"),
    ("post", "/api/v1/auth/reset-password"),
}

# Public routes that read an optional token: a signed-in caller (an administrator) sees more.
OPTIONAL_TOKEN_ROUTES = {
    ("get", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/services"),
    ("get", "/api/v1/services/{service_id}"),
    ("get", "/api/v1/faqs"),
    ("get", "/api/v1/faqs/{faq_id}"),
    ("post", "/api/v1/feedback"),
    ("post", "/api/v1/contact"),
    ("get", "/api/v1/professionals"),
    ("get", "/api/v1/professionals/{professional_id}"),
    ("get", "/api/v1/professionals/{professional_id}/slots"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/search/autocomplete"),
    ("get", "/api/v1/files/{file_id}"),
    ("get", "/api/v1/files/{file_id}/meta"),
}
# Public routes that read no token at all.
PUBLIC_ROUTES = {
    ("get", "/api/v1/about"),
    ("get", "/api/v1/reviews"),
    ("get", "/api/v1/reviews/{review_id}"),
}


# Every write that commits may meet a concurrent one: optimistic concurrency answers 409 ("try
# again"). Not refresh (a lost race is a reused token: 401), nor the 202s that must not tell
# whether an account exists.
WRITES_THAT_MAY_CONFLICT = {
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/verify-email": {"post"},
    "/api/v1/auth/login": {"post"},
    "/api/v1/auth/logout": {"post"},
    "/api/v1/auth/reset-password": {"post"},
    "/api/v1/auth/change-password": {"post"},
    "/api/v1/auth/sessions/{session_id}": {"delete"},
    "/api/v1/users/me": {"patch"},
    "/api/v1/users/me/settings": {"put"},
    "/api/v1/admin/users/{user_id}": {"patch", "delete"},
    "/api/v1/admin/users/{user_id}/suspend": {"post"},
    "/api/v1/admin/users/{user_id}/unsuspend": {"post"},
    "/api/v1/admin/sessions/{session_id}": {"delete"},
    "/api/v1/services": {"post"},
    "/api/v1/services/bulk": {"post"},
    "/api/v1/services/{service_id}": {"patch", "delete"},
    "/api/v1/faqs/{faq_id}": {"patch", "delete"},
    "/api/v1/admin/feedback/{feedback_id}": {"patch", "delete"},
    "/api/v1/admin/contact-messages/{message_id}": {"patch", "delete"},
    "/api/v1/admin/about": {"post", "put", "patch"},
}
NO_INPUT = [
    ("get", "/api/v1/auth/me"),
    ("get", "/api/v1/auth/sessions"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/users/me"),
    ("get", "/api/v1/users/me/settings"),
]


TAGS = {
    "auth",
    "users",
    "admin",
    "notifications",
    "services",
    "professionals",
    "bookings",
    "reviews",
    "favorites",
    "search",
    "content",
    "files",
    "connections",
    "blocks",
    "messages",
    "conversations",
}


async def test_openapi_describes_every_route(api: Api) -> None:
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    operations = {
        (method, path): operation
        for path, item in doc["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    }
    schemas = doc["components"]["schemas"]
    identity = ("/api/v1/auth", "/api/v1/users", "/api/v1/admin/users", "/api/v1/admin/sessions")
    assert len([path for _, path in operations if path.startswith(identity)]) == 25
    for (method, path), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation.get("description"), where
        assert operation.get("tags") and operation["tags"][0] in TAGS, where
        # Generated clients name their functions after it: ``bookingsRequestBooking``.
        assert re.fullmatch(operation["tags"][0] + r"(?:[A-Z][a-z]*)+", operation["operationId"])
        assert "500" in operation["responses"], where
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, where
        errors = [code for code in operation["responses"] if code.startswith("4")]
        assert errors, where
        for code in errors:
            assert "application/problem+json" in operation["responses"][code]["content"], where
        for code in errors:  # every 4xx lists the reasons its problems carry
            assert documented_reasons(operation["responses"][code]["description"]), (where, code)
        if (method, path) in OPEN_ROUTES:
            assert "429" in operation["responses"], where
            assert operation["security"] == [], where
        elif (method, path) in OPTIONAL_TOKEN_ROUTES:
            assert operation.get("security") == [{}, {"BearerToken": []}], where
            assert "401" in operation["responses"], where
        elif (method, path) in PUBLIC_ROUTES:
            assert operation["security"] == [], where
        else:
            assert operation.get("security") == [{"BearerToken": []}], where
            assert "401" in operation["responses"], where
        if method in {"post", "put", "patch"} and success[0] != "204" and "suspend" not in path:
            bodiless = (
                "/logout", "/unsuspend", "/read", "/read-all", "/retry", "/confirm", "/complete",
                "{request_id}/accept", "{request_id}/reject", "{request_id}/withdraw",
                "{conversation_id}/leave",
            )  # fmt: skip
            assert "requestBody" in operation or path.endswith(bodiless), where
        if success[0] == "204":  # no body, no content type (schemathesis: ST104/ST109)
            assert "content" not in operation["responses"]["204"], where
        if "requestBody" in operation:
            if "application/json" in operation["requestBody"]["content"]:
                assert "415" in operation["responses"], where  # a body of another media type
            assert request_examples(operation, schemas), where
            # Only the suspension reason and the refresh token (cookie instead) may be left out.
            optional = path.endswith(("/suspend", "/refresh"))
            assert operation["requestBody"]["required"] is not optional, where
        if method in WRITES_THAT_MAY_CONFLICT.get(path, ()):
            assert "409" in operation["responses"], where
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["format"] == "uuid", where
                assert "404" in operation["responses"], where  # malformed ids answer 404 too
    for method, path in NO_INPUT:
        responses = doc["paths"][path][method]["responses"]
        assert not {"400", "413", "422"} & set(responses), (method, path)
    for name, schema in schemas.items():
        if name.endswith("Request") or name in {"AddressSchema", "SettingsSchema"}:
            assert schema["additionalProperties"] is False, name  # unknown fields are 422
    assert "passwordHash" not in str(schemas)
    # One component per name: Litestar prefixes clashing names with their modules, which
    # generated clients then refuse or rename (two MoneyResponse, two Sort).
    assert not [name for name in schemas if "_" in name]
    assert set(schemas["TokenResponse"]["required"]) >= {
        "accessToken", "refreshToken", "expiresIn", "user"
    }  # fmt: skip


def request_examples(operation: dict[str, Any], schemas: dict[str, Any]) -> list[Any]:
    """The examples of an operation's request body: its media types' or their schemas'."""
    found: list[Any] = []
    for media in operation["requestBody"]["content"].values():
        found += media.get("examples", {}).values()
        schema = media.get("schema", {})
        for option in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]:
            if "$ref" in option:
                option = schemas[option["$ref"].rsplit("/", 1)[-1]]
            found += option.get("examples", [])
    return found


async def test_4xx_responses_list_the_reasons_of_the_domain_errors(api: Api) -> None:
    paths = (await api.client.get("/schema/openapi.json")).json()["paths"]

    def reasons(method: str, path: str, status: str) -> list[str]:
        return documented_reasons(paths[path][method]["responses"][status]["description"])

    refusals = ["too_soon", "beyond_horizon", "outside_hours", "taken"]
    refusals += ["too_many_pending", "too_many_pending_with_professional"]
    assert set(reasons("post", "/api/v1/bookings", "409")) == {"conflict", *refusals}
    reschedule = reasons("post", "/api/v1/bookings/{booking_id}/reschedule", "409")
    assert set(reschedule) == {"conflict", "invalid_transition", *refusals}
    complete = reasons("post", "/api/v1/bookings/{booking_id}/complete", "409")
    assert {"invalid_transition", "not_started"} <= set(complete)
    assert "invalid-credentials" in reasons("post", "/api/v1/auth/login", "401")
    assert "account-suspended" in reasons("post", "/api/v1/auth/login", "403")
    assert "invalid-credentials" in reasons("post", "/api/v1/auth/change-password", "401")
    assert "about-page-missing" in reasons("get", "/api/v1/about", "404")
    assert "stale-version" in reasons("put", "/api/v1/admin/about", "409")
    assert reasons("post", "/api/v1/auth/login", "400") == ["bad-request", "malformed-body"]
    assert reasons("get", "/api/v1/bookings/{booking_id}", "404") == ["not-found"]
    assert "cross-site" in reasons("post", "/api/v1/auth/login", "403")
    assert "cross-site" in reasons("post", "/api/v1/contact", "403")


async def test_a_cross_site_cookie_request_answers_a_documented_403(api: Api) -> None:
    """Public routes that read an optional token refuse a cross-site browser's cookie too."""
    await api.user("cleo")
    signed_in = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "cleo", "password": PASSWORD}
    )
    assert signed_in.status_code == 200  # the auth cookies are set on the client
    message = {
        "name": "Cleo",
        "email": "cleo@example.com",
        "subject": "Hello",
        "message": "A question.",
    }
    response = await api.client.post(
        "/api/v1/contact", json=message, headers={"Origin": "https://elsewhere.example"}
    )
    assert assert_problem(response, 403)["reason"] == "cross-site"
    doc = (await api.client.get("/schema/openapi.json")).json()
    assert_documented(doc["paths"]["/api/v1/contact"]["post"], response, "POST /api/v1/contact")


# --- no input makes a 500 ----------------------------------------------------------------------

ODD_BODIES: list[Any] = [
    None,
    {},
    [],
    "text",
    0,
    {"a": 1},
    {"email": None, "password": None, "identifier": None, "code": None},
    {"fullName": {"x": 1}, "address": [], "socialLinks": "x", "role": 7, "reason": None},
    {"newPassword": "\x00" * 20, "currentPassword": "\u202e", "email": "\u202e@x.y"},
    b'{"email": "\\ud800@x.y", "password": "\\udfff", "fullName": "\\ud83d"}',
    b'{"refreshToken": "a", "refreshToken": "b"}',
    {"timezone": "../../etc/passwd", "language": "\x00\x00"},
    {"start": "9999-12-31T23:59:59-23:59", "date": "0001-01-01", "at": "0001-01-01T00:00:00+23:59"},
]
ODD_IDS = ["x", "-1", str(uuid.uuid4()), "%F0%9F%92%A9"]
ODD_QUERY = (
    "?page=abc&pageSize=-5&role=x&userId=%00&q=%00&action=" + "x" * 200
    + "&from=0001-01-01T00:00:00%2B23:59&to=9999-12-31T23:59:59-23:59&since=9999-12-31"
)  # fmt: skip


def assert_documented(operation: dict[str, Any], response: httpx.Response, where: Any) -> None:
    """No 500; the status is one the operation documents, with the documented content type,
    and a problem's reason is one the response lists."""
    status = str(response.status_code)
    assert response.status_code < 500, (where, response.text)
    assert status in operation["responses"], (where, response.text)
    documented = operation["responses"][status].get("content", {})
    content_type = response.headers.get("content-type", "").split(";")[0]
    if documented:
        assert content_type in documented, (where, content_type)
    else:
        assert not response.content and not content_type, (where, response.text)
    if content_type == "application/problem+json" and status.startswith("4"):
        problem = response.json()
        reason = problem.get("reason") or problem["type"].rsplit("/", 1)[-1]
        listed = documented_reasons(operation["responses"][status]["description"])
        assert reason in listed, (where, reason, listed)


async def test_no_route_answers_500(api: Api) -> None:
    _, admin = await api.admin()
    doc = (await api.client.get("/schema/openapi.json")).json()
    for path, item in doc["paths"].items():
        if not path.startswith("/api/v1/") or path.endswith("/logout"):
            continue  # logout would end the admin's session; it takes no input anyway
        if "{" in path:
            urls = [re.sub(r"\{\w+\}", x, path) for x in ODD_IDS]
        else:
            urls = [path, path + ODD_QUERY]
        for method, operation in item.items():
            for url in urls:
                for body in ODD_BODIES:
                    for headers in (bearer(admin), {}):
                        content = body if isinstance(body, bytes) else json.dumps(body).encode()
                        response = await api.client.request(
                            method.upper(),
                            url,
                            content=content,
                            headers={**headers, "Content-Type": "application/json"},
                        )
                        assert_documented(operation, response, (method, url, body))


ODD_CONTENT_TYPES = [
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "application/msgpack",
    "application/xml",
    "*/*",
]
ODD_CREDENTIALS: list[dict[str, str]] = [
    {"Authorization": "Basic Zm9vOmJhcg=="},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer a.b.c"},
    {"Authorization": "Bearer " + "a" * 5000},
    {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
    {"Cookie": "alora_access=a.b.c; alora_refresh=x"},
    {"Cookie": "alora_access=%00"},
    {"Cookie": "garbage;;;=;"},
]


async def test_odd_content_types_and_credentials_answer_documented_problems(api: Api) -> None:
    """What schemathesis does not send: other media types, broken tokens and cookies."""
    user, token = await api.user("zoe")
    doc = (await api.client.get("/schema/openapi.json")).json()
    for path, item in doc["paths"].items():
        if not path.startswith("/api/v1/") or path.endswith("/logout"):
            continue
        url = path.replace("{user_id}", user["id"]).replace("{session_id}", user["id"])
        for method, operation in item.items():
            if method == "delete" and path.startswith("/api/v1/admin/users"):
                continue  # would delete zoe; the other ids cover the route
            json_body = "application/json" in operation.get("requestBody", {}).get("content", {})
            for content_type in ODD_CONTENT_TYPES:
                headers = {"Content-Type": content_type} if content_type else {}
                response = await api.client.request(
                    method.upper(), url, content=b"email=x", headers={**headers, **bearer(token)}
                )
                assert_documented(operation, response, (method, url, content_type))
                if json_body and response.status_code not in (401, 403, 404):
                    # Forms are not JSON, whatever they hold: a cross-site page sends them.
                    assert response.status_code == 415, (method, url, content_type)
            for credentials in ODD_CREDENTIALS:
                response = await api.client.request(method.upper(), url, headers=credentials)
                api.client.cookies.clear()
                assert_documented(operation, response, (method, url, credentials))
