"""The HTTP infrastructure (``entrypoints.http.base`` and friends) through a tiny test-only app."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from alora_core.identity.errors import InvalidCredentials
from alora_core.shared.errors import (
    AloraError,
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from entrypoints.http import base
from entrypoints.http.base import ReadinessChecks, build_litestar, problem_responses, raises
from entrypoints.http.client import client_ip, user_agent
from entrypoints.http.media_types import json_only, takes_json_body
from entrypoints.http.problems import PROBLEM_TYPE_BASE, camel_path
from entrypoints.http.reasons import documented_reasons
from entrypoints.http.schemas import RequestSchema, ResponseSchema
from entrypoints.logging import ContextFilter, configure_logging, log_context, set_user_id
from entrypoints.settings import Settings, load_settings

PROBLEM_JSON = "application/problem+json"
ALLOWED_ORIGIN = "https://app.example"


# --- the test-only app ---------------------------------------------------------------------------


class Address(RequestSchema):
    city: str
    postal_code: Annotated[str, msgspec.Meta(min_length=3, max_length=10)]


class Tag(RequestSchema):
    tag_name: str


class Profile(RequestSchema):
    full_name: str
    age: Annotated[int, msgspec.Meta(ge=0)]
    address: Address
    metadata: Tag | None = None
    tags: list[Tag] = []


class ProfileOut(ResponseSchema):
    full_name: str
    postal_code: str


@post("/api/v1/profiles", summary="Create a profile", tags=["test"])
async def create_profile(data: JSONBody[Profile]) -> ProfileOut:
    return ProfileOut(full_name=data.full_name, postal_code=data.address.postal_code)


@get("/api/v1/items", summary="List items", tags=["test"])
async def list_items(
    page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)],
) -> dict[str, int]:
    return {"pageSize": page_size}


class Note(RequestSchema):
    text: str = ""


@post("/api/v1/notes", status_code=204, summary="Add a note, or an empty one", tags=["test"])
async def add_note(data: JSONBody[Note | None] = None) -> Response[None]:
    return Response(None, headers={"X-Note": "" if data is None else data.text})


async def provide_limit(limit: Annotated[int, QueryParameter(ge=1)] = 10) -> int:
    return limit


@get("/api/v1/limited", dependencies={"page_limit": Provide(provide_limit)}, tags=["test"])
async def limited(page_limit: NamedDependency[int]) -> dict[str, int]:
    return {"limit": page_limit}


DOMAIN_ERRORS: dict[str, AloraError] = {
    "invalid": Invalid("the address is invalid", [FieldError("address.postal_code", "too short")]),
    "not-found": NotFound("no such booking"),
    "forbidden": Forbidden("only the owner may do this"),
    "unauthenticated": Unauthenticated("the token has expired"),
    "invalid-credentials": InvalidCredentials("wrong email or password"),
    "conflict": Conflict("this username is taken", field="user_name"),
    "rate-limited": RateLimited("too many attempts", retry_after_seconds=42),
}


@get("/api/v1/errors/{name:str}", responses=problem_responses(401, 403, 404, 409, 422, 429))
async def raise_domain_error(name: FromPath[str]) -> None:
    raise DOMAIN_ERRORS[name]


@get("/api/v1/boom")
async def boom() -> None:
    raise RuntimeError("database password is hunter2")


@get("/api/v1/whoami")
async def whoami(
    request: Request[Any, Any, Any], trusted: FromQuery[bool] = False
) -> dict[str, str]:
    return {"ip": client_ip(request, trusted), "userAgent": user_agent(request)}


async def provide_user() -> str:
    set_user_id("user-7")  # resolved in a task group beside provide_other
    return "user-7"


async def provide_other() -> int:
    return 1


@get(
    "/api/v1/log",
    dependencies={"user": Provide(provide_user), "other": Provide(provide_other)},
)
async def log_something(user: NamedDependency[str], other: NamedDependency[int]) -> None:
    logging.getLogger("tests.http").info("handled", extra={"password": "hunter2", "n": other})


TEST_ROUTES = [
    create_profile,
    list_items,
    add_note,
    limited,
    raise_domain_error,
    boom,
    whoami,
    log_something,
]


async def ok_check() -> None:
    return None


async def failing_check() -> None:
    raise ConnectionError("redis at 10.1.2.3:6379 refused the connection")


def make_settings(tmp_path: Path, **env: str) -> Settings:
    environ = {
        "ALORA_VAR_DIR": str(tmp_path),
        "ALORA_MAX_BODY_BYTES": "2048",
        "ALORA_CORS_ORIGINS": ALLOWED_ORIGIN,
        **env,
    }
    return load_settings(environ, dotenv=None)


def make_app(tmp_path: Path, checks: ReadinessChecks | None = None, **env: str) -> Litestar:
    return build_litestar(
        make_settings(tmp_path, **env),
        route_handlers=TEST_ROUTES,
        readiness_checks=checks if checks is not None else {"database": ok_check},
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(tmp_path)) as test_client:
        yield test_client


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + code
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["requestId"] == response.headers["x-request-id"]
    return body


def fields(body: dict[str, Any]) -> dict[str, str]:
    return {error["field"]: error["code"] for error in body["errors"]}


VALID_PROFILE = {"fullName": "Ada", "age": 36, "address": {"city": "Berlin", "postalCode": "10115"}}


# --- request bodies ------------------------------------------------------------------------------


def test_a_valid_body_is_decoded_from_camel_case(client: TestClient[Litestar]) -> None:
    response = client.post("/api/v1/profiles", json=VALID_PROFILE)
    assert response.status_code == 201
    assert response.json() == {"fullName": "Ada", "postalCode": "10115"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"fullName": "Ada"',
        b"\xff\xfe{}",
        b"not json",
        b'{"fullName": "\xff"}',  # invalid UTF-8 inside a string
        b"[" * 1000 + b"]" * 1000,  # nested too deep for the decoder
        b'{"age": NaN}',
    ],
)
def test_malformed_json_is_400(client: TestClient[Litestar], body: bytes) -> None:
    response = client.post(
        "/api/v1/profiles", content=body, headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "malformed-body")


def test_an_optional_body_may_be_left_out_and_a_204_has_no_content(
    client: TestClient[Litestar],
) -> None:
    for content in (None, b"null", b'{"text": "hi"}'):
        response = client.post(
            "/api/v1/notes", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 204, response.text
        assert response.content == b""
        assert "content-type" not in response.headers  # as the OpenAPI document says
    assert client.post("/api/v1/notes", json={"text": "hi"}).headers["x-note"] == "hi"


def test_a_missing_body_is_400(client: TestClient[Litestar]) -> None:
    response = client.post("/api/v1/profiles", headers={"content-type": "application/json"})
    assert_problem(response, 400, "malformed-body")


def profile(**changes: Any) -> dict[str, Any]:
    return {**VALID_PROFILE, **changes}


def address(**changes: Any) -> dict[str, Any]:
    return {"city": "Berlin", "postalCode": "10115", **changes}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (profile(age="old"), {"age": "type"}),
        (profile(address=address(postalCode=10115)), {"address.postalCode": "type"}),
        (profile(address={"city": "Berlin"}), {"address.postalCode": "required"}),
        ({"age": 3, "address": address()}, {"fullName": "required"}),
        (profile(nickname="ada"), {"nickname": "unknown-field"}),
        (profile(address=address(zip="1")), {"address.zip": "unknown-field"}),
        (profile(address=address(postalCode="1")), {"address.postalCode": "invalid"}),
        (profile(age=-1), {"age": "invalid"}),
        (profile(tags=[{"tagName": "a"}, {"tagName": 2}]), {"tags[1].tagName": "type"}),
        (profile(metadata={"tagName": 1}), {"metadata.tagName": "type"}),
        ([], {"": "type"}),
    ],
)
def test_invalid_bodies_are_422_with_camel_case_fields(
    client: TestClient[Litestar], body: Any, expected: dict[str, str]
) -> None:
    response = client.post("/api/v1/profiles", json=body)
    problem = assert_problem(response, 422, "invalid")
    assert fields(problem) == expected
    assert all(error["message"] for error in problem["errors"])


def test_invalid_query_parameters_are_422_under_their_public_name(
    client: TestClient[Litestar],
) -> None:
    assert client.get("/api/v1/items?pageSize=5").json() == {"pageSize": 5}
    assert fields(assert_problem(client.get("/api/v1/items?pageSize=0"), 422, "invalid")) == {
        "pageSize": "invalid"
    }
    assert fields(assert_problem(client.get("/api/v1/items?pageSize=x"), 422, "invalid")) == {
        "pageSize": "type"
    }
    assert fields(assert_problem(client.get("/api/v1/items"), 422, "invalid")) == {
        "pageSize": "required"
    }


def test_an_oversized_body_is_413_by_content_length(client: TestClient[Litestar]) -> None:
    response = client.post("/api/v1/profiles", json={**VALID_PROFILE, "fullName": "a" * 5000})
    assert_problem(response, 413, "payload-too-large")


def test_an_oversized_body_is_413_when_streamed_without_length(
    client: TestClient[Litestar],
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"fullName": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}'

    response = client.post(
        "/api/v1/profiles", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_problem(response, 413, "payload-too-large")


# --- domain and framework errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("invalid", 422),
        ("not-found", 404),
        ("forbidden", 403),
        ("unauthenticated", 401),
        ("invalid-credentials", 401),
        ("conflict", 409),
        ("rate-limited", 429),
    ],
)
def test_domain_errors_map_to_their_status(
    client: TestClient[Litestar], name: str, status: int
) -> None:
    response = client.get(f"/api/v1/errors/{name}")
    problem = assert_problem(response, status, name)
    assert problem["detail"] == DOMAIN_ERRORS[name].detail
    assert problem["instance"] == f"/api/v1/errors/{name}"


def test_domain_error_details(client: TestClient[Litestar]) -> None:
    invalid = client.get("/api/v1/errors/invalid").json()
    assert invalid["errors"] == [
        {"field": "address.postalCode", "message": "too short", "code": "invalid"}
    ]
    conflict = client.get("/api/v1/errors/conflict").json()
    assert conflict["errors"] == [
        {"field": "userName", "message": "this username is taken", "code": "conflict"}
    ]
    assert client.get("/api/v1/errors/unauthenticated").headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/errors/rate-limited").headers["retry-after"] == "42"
    assert "errors" not in client.get("/api/v1/errors/not-found").json()


def test_an_unexpected_error_is_500_without_internals_and_logged_with_the_request_id(
    client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ContextFilter())
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/boom", headers={"X-Request-ID": "trace-123"})
    problem = assert_problem(response, 500, "internal-error")
    assert problem["requestId"] == "trace-123"
    for leak in ("hunter2", "RuntimeError", "Traceback", "boom.py", "line "):
        assert leak not in response.text
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.request_id == "trace-123"  # type: ignore[attr-defined]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_unknown_routes_are_404(client: TestClient[Litestar]) -> None:
    problem = assert_problem(client.get("/api/v1/nothing-here"), 404, "not-found")
    assert problem["instance"] == "/api/v1/nothing-here"


def test_a_wrong_method_is_405(client: TestClient[Litestar]) -> None:
    response = client.delete("/api/v1/profiles")
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["allow"]


# --- headers -------------------------------------------------------------------------------------


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/health", "/api/v1/nothing-here", "/api/v1/boom"])
def test_security_headers_are_on_every_response(client: TestClient[Litestar], path: str) -> None:
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "strict-transport-security" not in response.headers


def test_hsts_only_over_https(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path), base_url="https://api.example") as https_client:
        assert "max-age=" in https_client.get("/health").headers["strict-transport-security"]
    forwarded = {"X-Forwarded-Proto": "https"}
    with TestClient(make_app(tmp_path, ALORA_TRUST_FORWARDED="true")) as trusting:
        assert "strict-transport-security" in trusting.get("/health", headers=forwarded).headers
    with TestClient(make_app(tmp_path)) as untrusting:
        assert (
            "strict-transport-security" not in untrusting.get("/health", headers=forwarded).headers
        )


def test_request_ids_are_echoed_when_sane_and_generated_otherwise(
    client: TestClient[Litestar],
) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123.4"}).headers["x-request-id"]
        == "abc-123.4"
    )
    for insane in ["has spaces", "x" * 65, "<script>", "-leading-dash"]:
        generated = client.get("/health", headers={"X-Request-ID": insane}).headers["x-request-id"]
        assert generated != insane and len(generated) == 32
    first, second = (client.get("/health").headers["x-request-id"] for _ in range(2))
    assert first != second


def test_cors_preflight_allows_only_configured_origins(client: TestClient[Litestar]) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization",
    }
    allowed = client.options("/api/v1/profiles", headers={"origin": ALLOWED_ORIGIN, **preflight})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()

    denied = client.options(
        "/api/v1/profiles", headers={"origin": "https://evil.example", **preflight}
    )
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers

    # The CSRF guard of cookie-authenticated requests accepts X-Requested-With (see auth.py).
    ajax = {**preflight, "access-control-request-headers": "content-type,x-requested-with"}
    allowed = client.options("/api/v1/profiles", headers={"origin": ALLOWED_ORIGIN, **ajax})
    assert allowed.status_code == 204
    assert "x-requested-with" in allowed.headers["access-control-allow-headers"].lower()

    simple = client.get("/health", headers={"origin": ALLOWED_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "X-Request-ID" in simple.headers["access-control-expose-headers"]


def test_no_cors_without_configured_origins(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, ALORA_CORS_ORIGINS="")) as no_cors:
        response = no_cors.get("/health", headers={"origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers


# --- client, logging -----------------------------------------------------------------------------


def test_client_ip_and_user_agent(client: TestClient[Litestar]) -> None:
    headers = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1", "User-Agent": "u" * 400}
    untrusted = client.get("/api/v1/whoami", headers=headers).json()
    assert untrusted["ip"] == "testclient"
    assert untrusted["userAgent"] == "u" * 300
    assert client.get("/api/v1/whoami?trusted=true", headers=headers).json()["ip"] == "203.0.113.9"
    spoofed = {"X-Forwarded-For": "not-an-ip"}
    assert client.get("/api/v1/whoami?trusted=true", headers=spoofed).json()["ip"] == "testclient"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def capture_root(fmt: str) -> io.StringIO:
    configure_logging("info", fmt)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


@pytest.mark.usefixtures("restore_logging")
def test_json_logs_carry_request_and_user_ids(client: TestClient[Litestar]) -> None:
    stream = capture_root("json")
    response = client.get("/api/v1/log", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [line] = [entry for entry in lines if entry["message"] == "handled"]
    assert line["request_id"] == "req-42"
    assert line["user_id"] == "user-7"  # set in a dependency run in a task group
    assert line["level"] == "info" and line["logger"] == "tests.http"
    assert line["n"] == 1 and line["password"] == "[redacted]"
    assert line["ts"].endswith("Z")


@pytest.mark.usefixtures("restore_logging")
def test_text_logs_and_exceptions() -> None:
    stream = capture_root("text")
    with log_context("job-1"):
        set_user_id("u-1")
        try:
            raise ValueError("kaput")
        except ValueError:
            logging.getLogger("tests.text").exception("failed")
    logging.getLogger("tests.text").warning("outside")
    first, *rest = stream.getvalue().splitlines()
    assert "[req=job-1 user=u-1] failed" in first
    assert any("ValueError: kaput" in line for line in rest)
    assert "[req=- user=-] outside" in rest[-1]


# --- health and schema ---------------------------------------------------------------------------


def test_liveness(client: TestClient[Litestar]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_passes_when_every_check_does(client: TestClient[Litestar]) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


def test_readiness_fails_with_503_naming_the_failing_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hanging_check() -> None:
        await asyncio.sleep(10)

    monkeypatch.setattr(base, "READINESS_TIMEOUT_SECONDS", 0.05)
    checks = {"database": ok_check, "redis": failing_check, "broker": hanging_check}
    with TestClient(make_app(tmp_path, checks)) as test_client:
        response = test_client.get("/health/ready")
    problem = assert_problem(response, 503, "not-ready")
    assert problem["checks"] == {"database": "ok", "redis": "failing", "broker": "timeout"}
    assert "10.1.2.3" not in response.text and "refused" not in response.text


def test_readiness_checks_may_be_a_callable_read_at_request_time(tmp_path: Path) -> None:
    checks: dict[str, Any] = {}
    with TestClient(make_app(tmp_path, lambda: checks)) as test_client:
        assert test_client.get("/health/ready").json() == {"status": "ready", "checks": {}}
        checks["redis"] = failing_check  # e.g. built at start-up, after the app
        assert_problem(test_client.get("/health/ready"), 503, "not-ready")
        checks["redis"] = ok_check
        assert test_client.get("/health/ready").json()["checks"] == {"redis": "ok"}


def test_openapi_document(client: TestClient[Litestar]) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] == "Alora API"
    assert {"/api/v1/profiles", "/api/v1/items", "/health", "/health/ready"} <= set(
        document["paths"]
    )
    assert document["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Access token: `Authorization: Bearer <token>`.",
    }
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    create = document["paths"]["/api/v1/profiles"]["post"]
    for status in ("400", "413", "422", "500"):
        assert create["responses"][status]["content"][PROBLEM_JSON]["schema"] == problem_ref
    listing = document["paths"]["/api/v1/items"]["get"]["responses"]
    assert set(listing) == {"200", "400", "422", "500"}
    assert PROBLEM_JSON in listing["400"]["content"]  # Litestar's own 400 shape is replaced
    assert set(document["paths"]["/api/v1/errors/{name}"]["get"]["responses"]) >= {"404", "429"}
    assert "postalCode" in document["components"]["schemas"]["Address"]["properties"]
    schemas = document["components"]["schemas"]
    # Request bodies reject unknown fields (422), and say so; response bodies do not.
    assert schemas["Profile"]["additionalProperties"] is False
    assert schemas["Address"]["additionalProperties"] is False
    assert "additionalProperties" not in schemas["ProfileOut"]
    assert create["requestBody"]["required"] is True
    note = document["paths"]["/api/v1/notes"]["post"]
    assert note["requestBody"]["required"] is False  # data: JSONBody[Note | None] = None
    assert note["responses"]["204"] == {"description": "Request fulfilled, nothing follows"}
    # 400/422 only where some input is read: by the handler or by a dependency it uses.
    assert set(document["paths"]["/api/v1/boom"]["get"]["responses"]) == {"200", "500"}
    assert set(document["paths"]["/api/v1/log"]["get"]["responses"]) == {"200", "500"}
    assert {"400", "422"} <= set(document["paths"]["/api/v1/limited"]["get"]["responses"])
    ready = document["paths"]["/health/ready"]["get"]
    assert ready["tags"] == ["health"] and ready["summary"]
    assert "503" in ready["responses"]
    assert client.get("/schema").status_code == 200


class _Counted(RequestSchema):
    example = {"count": "three"}
    count: int


class _Moment(RequestSchema):
    example = {"at": "noon"}
    at: str


class _Refused(Conflict):
    reasons = {"too_late": "the moment has passed", "too_early": "the moment has not come"}


def test_a_request_example_that_does_not_fit_its_body_fails_the_document(tmp_path: Path) -> None:
    @post("/api/v1/counts", summary="Count", description="Counts.")
    async def count(data: JSONBody[_Counted]) -> None:
        return None

    app = build_litestar(
        make_settings(tmp_path), route_handlers=[count], readiness_checks={"database": ok_check}
    )
    with pytest.raises(ValueError, match=r"_Counted\.example is not a valid body"):
        app.openapi_schema  # noqa: B018


def test_4xx_descriptions_list_the_reasons_of_the_errors_a_route_raises(tmp_path: Path) -> None:
    @post("/api/v1/moments", responses=problem_responses(409), opt=raises(_Refused))
    async def moment(data: JSONBody[_Moment]) -> None:
        return None

    app = build_litestar(
        make_settings(tmp_path), route_handlers=[moment], readiness_checks={"database": ok_check}
    )
    responses = app.openapi_schema.to_schema()["paths"]["/api/v1/moments"]["post"]["responses"]
    assert documented_reasons(responses["409"]["description"]) == [
        "conflict", "too_late", "too_early"
    ]  # fmt: skip
    assert documented_reasons(responses["400"]["description"]) == [
        "bad-request", "malformed-body"
    ]  # fmt: skip
    assert documented_reasons(responses["422"]["description"]) == ["invalid"]

    @post("/api/v1/moments", responses=problem_responses(422), opt=raises(_Refused))
    async def undocumented(data: JSONBody[_Moment]) -> None:
        return None

    with pytest.raises(ValueError, match=r"_Refused \(409\) but does not document 409"):
        build_litestar(
            make_settings(tmp_path),
            route_handlers=[undocumented],
            readiness_checks={"database": ok_check},
        )


def test_schema_explorer_loads_nothing_from_another_host(client: TestClient[Litestar]) -> None:
    """``/schema`` works offline: the page and every file it loads come from this app."""
    page = client.get("/schema")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, html
    assert not re.search(r"(?:https?:)?//[\w.-]+", " ".join(urls)), urls
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//|@import""", html), "a stylesheet URL"
    expected_types = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert expected_types[suffix] in asset.headers["content-type"], url
    assert {url.rsplit("/", 1)[-1] for url in urls} >= {
        "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"
    }  # fmt: skip


def test_camel_path() -> None:
    assert camel_path("address.postal_code") == "address.postalCode"
    assert camel_path("items[0].unit_price") == "items[0].unitPrice"
    assert camel_path("address_line_1") == "addressLine1"
    assert camel_path("email") == "email"


def test_only_routes_that_read_a_json_body_run_the_json_guard(tmp_path: Path) -> None:
    # Litestar calls every guard with a copy of the handler on each request: routes without a
    # JSON body must not pay for this one.
    app = make_app(tmp_path)
    handlers = [
        h for route in app.routes if isinstance(route, HTTPRoute) for h in route.route_handlers
    ]
    guarded = {h.handler_name for h in handlers if json_only in h.resolve_guards()}
    reads_json = {h.handler_name for h in handlers if takes_json_body(h)}
    assert reads_json and guarded == reads_json
