"""``/api/v1/professionals``: the own profile, hours, rules and exceptions; the public directory."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from alora_core.files.model import StoredFile
from support.http import UNKNOWN_ID, Api, assert_problem, bearer, open_api

BASE = "/api/v1/professionals"
ME = f"{BASE}/me"
PROFILE = {
    "timezone": "Europe/Berlin",
    "categories": ["plumbing"],
    "skills": ["Soldering"],
    "bio": "Twenty years of pipes.",
    "hourlyRate": {"amount": 4500, "currency": "EUR"},
    "serviceArea": {"cities": ["Berlin"], "postalCodes": ["10115"]},
}
WEEK = {
    "timezone": "Europe/Berlin",
    "weekly": [
        {"day": "monday", "slots": [{"start": "09:00", "end": "12:00"},
                                    {"start": "13:00", "end": "17:00"}]},
        {"day": "saturday", "slots": [{"start": "20:00", "end": "24:00"}]},
    ],
}  # fmt: skip
PUBLIC_KEYS = {
    "id", "fullName", "username", "avatarFileId", "bio", "categories", "serviceIds", "skills",
    "hourlyRate", "serviceArea", "timezone", "galleryFileIds", "averageRating", "reviewCount",
    "email", "phone", "createdAt",
}  # fmt: skip


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def professional(api: Api, username: str, **profile: Any) -> tuple[str, str]:
    """A signed-in professional with a profile (``PROFILE`` with ``profile`` over it)."""
    user, token = await api.user(username, role="professional")
    response = await api.client.put(
        f"{ME}/profile", json={**PROFILE, **profile}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return user["id"], token


async def add_file(api: Api, owner_id: str, content_type: str = "image/png") -> str:
    now = api.clock.now()
    owner = uuid.UUID(owner_id)
    stored = StoredFile(
        owner_id=owner, content_type=content_type, size=10, sha256="0" * 64,
        filename="work.png", public=True, storage_key=f"{owner}/{uuid.uuid4()}",
        created_at=now, updated_at=now,
    )  # fmt: skip
    async with api.alora.units_of_work["files"]() as uow:
        await uow.files.add(stored)
        await uow.commit()
    return str(stored.id)


async def add_service(api: Api, admin: str, title: str, *, active: bool = True) -> str:
    response = await api.client.post(
        "/api/v1/services",
        json={"title": title, "category": "repairs", "active": active},
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def reviewed(api: Api, professional_id: str, *ratings: int) -> None:
    """What the reviews part does for each review: a relative update of the counters."""
    async with api.alora.units_of_work["booking"]() as uow:
        await uow.reviews.count_in_rating(
            uuid.UUID(professional_id), reviews=len(ratings), rating=sum(ratings)
        )
        await uow.commit()


async def settings(api: Api, token: str, **values: Any) -> None:
    response = await api.client.put("/api/v1/users/me/settings", json=values, headers=bearer(token))
    assert response.status_code == 200, response.text


def errors(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


# --- the own profile ----------------------------------------------------------------------------


async def test_a_professional_creates_reads_and_replaces_their_profile(api: Api) -> None:
    _, admin = await api.admin()
    service = await add_service(api, admin, "Pipe repair")
    user, token = await api.user("ana", role="professional")
    image = await add_file(api, user["id"], "image/jpeg")
    response = await api.client.get(ME, headers=bearer(token))
    assert_problem(response, 404)

    body = {**PROFILE, "serviceIds": [service], "galleryFileIds": [image]}
    response = await api.client.put(f"{ME}/profile", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["id"] == user["id"]
    assert created["serviceIds"] == [service] and created["galleryFileIds"] == [image]
    assert created["hourlyRate"] == {"amount": 4500, "currency": "EUR"}
    assert created["serviceArea"] == {"cities": ["Berlin"], "postalCodes": ["10115"]}
    assert created["availability"] == {
        "timezone": "Europe/Berlin",
        "weekly": [],
        "exceptions": [],
        "rules": {"minNoticeMinutes": 120, "horizonDays": 60, "bufferMinutes": 0,
                  "slotMinutes": 60},
    }  # fmt: skip
    assert (created["averageRating"], created["reviewCount"]) == (None, 0)
    assert created["createdAt"] == created["updatedAt"] == "2030-01-01T12:00:00Z"
    assert (await api.client.get(ME, headers=bearer(token))).json() == created

    response = await api.client.put(
        f"{ME}/profile", json={"timezone": "Europe/Berlin", "bio": "Only a bio"},
        headers=bearer(token),
    )  # fmt: skip
    replaced = response.json()
    assert (replaced["bio"], replaced["skills"], replaced["hourlyRate"]) == ("Only a bio", [], None)


async def test_weekly_hours_rules_and_exceptions(api: Api) -> None:
    _, token = await professional(api, "ana")
    response = await api.client.put(
        f"{ME}/availability",
        json={**WEEK, "rules": {"minNoticeMinutes": 60, "horizonDays": 30, "bufferMinutes": 15,
                                "slotMinutes": 45}},
        headers=bearer(token),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    availability = response.json()
    assert availability["weekly"] == WEEK["weekly"]
    assert availability["rules"] == {
        "minNoticeMinutes": 60, "horizonDays": 30, "bufferMinutes": 15, "slotMinutes": 45
    }  # fmt: skip

    response = await api.client.post(
        f"{ME}/exceptions",
        json={"date": "2030-02-01", "kind": "extra", "slots": [{"start": "10:00", "end": "14:00"}],
              "note": "Market day"},
        headers=bearer(token),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    extra = response.json()
    assert extra == {
        "id": extra["id"], "date": "2030-02-01", "kind": "extra",
        "slots": [{"start": "10:00", "end": "14:00"}], "note": "Market day",
    }  # fmt: skip
    response = await api.client.post(
        f"{ME}/exceptions", json={"date": "2030-02-02", "kind": "off"}, headers=bearer(token)
    )
    day_off = response.json()
    assert (day_off["slots"], day_off["note"]) == ([], "")

    own = (await api.client.get(ME, headers=bearer(token))).json()
    assert [e["id"] for e in own["availability"]["exceptions"]] == [extra["id"], day_off["id"]]
    assert own["availability"]["weekly"] == WEEK["weekly"]

    response = await api.client.delete(f"{ME}/exceptions/{extra['id']}", headers=bearer(token))
    assert response.status_code == 204 and not response.content
    for unknown in (extra["id"], str(uuid.uuid4()), "x"):
        response = await api.client.delete(f"{ME}/exceptions/{unknown}", headers=bearer(token))
        assert_problem(response, 404)
    own = (await api.client.get(ME, headers=bearer(token))).json()
    assert [e["id"] for e in own["availability"]["exceptions"]] == [day_off["id"]]


async def test_hours_and_exceptions_need_a_profile_first(api: Api) -> None:
    _, token = await api.user("ana", role="professional")
    response = await api.client.put(f"{ME}/availability", json=WEEK, headers=bearer(token))
    assert_problem(response, 404)
    response = await api.client.post(
        f"{ME}/exceptions", json={"date": "2030-02-02", "kind": "off"}, headers=bearer(token)
    )
    assert_problem(response, 404)


async def test_another_professionals_exception_is_not_found(api: Api) -> None:
    _, ana = await professional(api, "ana")
    _, ben = await professional(api, "ben")
    response = await api.client.post(
        f"{ME}/exceptions", json={"date": "2030-02-02", "kind": "off"}, headers=bearer(ana)
    )
    exception_id = response.json()["id"]
    response = await api.client.delete(f"{ME}/exceptions/{exception_id}", headers=bearer(ben))
    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", ME, None),
        ("PUT", f"{ME}/profile", PROFILE),
        ("PUT", f"{ME}/availability", WEEK),
        ("POST", f"{ME}/exceptions", {"date": "2030-02-02", "kind": "off"}),
        ("DELETE", f"{ME}/exceptions/{UNKNOWN_ID}", None),
    ],
)
async def test_only_signed_in_professionals_have_a_profile(
    api: Api, method: str, path: str, body: Any
) -> None:
    response = await api.client.request(method, path, json=body)
    assert_problem(response, 401)
    _, customer = await api.user("carl")
    _, admin = await api.admin()
    for token in (customer, admin):
        response = await api.client.request(method, path, json=body, headers=bearer(token))
        assert_problem(response, 403)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "localtime"}, "timezone"),  # the host's setting, not an IANA zone
        ({"timezone": "Factory"}, "timezone"),
        ({"hourlyRate": {"amount": -1, "currency": "EUR"}}, "hourlyRate.amount"),
        ({"hourlyRate": {"amount": 12.5, "currency": "EUR"}}, "hourlyRate.amount"),
        ({"hourlyRate": {"amount": "twelve", "currency": "EUR"}}, "hourlyRate.amount"),
        ({"hourlyRate": {"amount": 2**70, "currency": "EUR"}}, "hourlyRate.amount"),
        ({"hourlyRate": {"amount": 100, "currency": "USD"}}, "hourlyRate.currency"),
        ({"hourlyRate": {"amount": 100}}, "hourlyRate.currency"),
        ({"serviceIds": [UNKNOWN_ID]}, "serviceIds[0]"),
        ({"serviceIds": ["not-a-uuid"]}, "serviceIds[0]"),
        ({"categories": ["Home Cleaning!"]}, "categories[0]"),
        ({"skills": ["x" * 61]}, "skills[0]"),
        ({"bio": "b" * 2001}, "bio"),
        ({"serviceArea": {"postalCodes": ["<b>"]}}, "serviceArea.postalCodes[0]"),
        ({"galleryFileIds": [UNKNOWN_ID]}, "galleryFileIds[0]"),
        ({"unknown": 1}, "unknown"),
        ({"timezone": None}, "timezone"),
    ],
)  # fmt: skip
async def test_bad_profiles_are_refused_field_by_field(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    _, token = await api.user("ana", role="professional")
    response = await api.client.put(
        f"{ME}/profile", json={**PROFILE, **changes}, headers=bearer(token)
    )
    assert_problem(response, 422, field)
    assert_problem(await api.client.get(ME, headers=bearer(token)), 404)  # nothing written


async def test_the_gallery_takes_only_the_professionals_own_images(api: Api) -> None:
    ana, token = await api.user("ana", role="professional")
    ben, _ = await api.user("ben", role="professional")
    bens_image = await add_file(api, ben["id"])
    own_pdf = await add_file(api, ana["id"], "application/pdf")
    own_image = await add_file(api, ana["id"])
    response = await api.client.put(
        f"{ME}/profile", json={**PROFILE, "galleryFileIds": [own_image, bens_image, own_pdf]},
        headers=bearer(token),
    )  # fmt: skip
    assert_problem(response, 422)
    assert errors(response) == ["galleryFileIds[1]", "galleryFileIds[2]"]


async def test_inactive_services_are_refused(api: Api) -> None:
    _, admin = await api.admin()
    retired = await add_service(api, admin, "Gas lamps", active=False)
    _, token = await api.user("ana", role="professional")
    response = await api.client.put(
        f"{ME}/profile", json={**PROFILE, "serviceIds": [retired]}, headers=bearer(token)
    )
    assert_problem(response, 422, "serviceIds[0]")


async def test_every_bad_field_is_listed(api: Api) -> None:
    _, token = await api.user("ana", role="professional")
    response = await api.client.put(
        f"{ME}/profile",
        json={**PROFILE, "timezone": "Nowhere", "hourlyRate": {"amount": -5, "currency": "GBP"},
              "serviceIds": [str(uuid.uuid4())]},
        headers=bearer(token),
    )  # fmt: skip
    assert_problem(response, 422)
    assert errors(response) == [
        "timezone", "hourlyRate.amount", "hourlyRate.currency", "serviceIds[0]"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("weekly", "rules", "field"),
    [
        ([{"day": "monday", "slots": [{"start": "25:00", "end": "26:00"}]}], None,
         "weekly[0].slots[0].start"),
        ([{"day": "monday", "slots": [{"start": "09:00", "end": "25:00"}]}], None,
         "weekly[0].slots[0].end"),
        ([{"day": "monday", "slots": [{"start": "17:00", "end": "09:00"}]}], None,
         "weekly[0].slots[0].end"),
        ([{"day": "monday", "slots": [{"start": "09:00", "end": "12:00"},
                                      {"start": "11:30", "end": "13:00"}]}], None,
         "weekly[0].slots[1].start"),
        ([{"day": "monday"}, {"day": "monday"}], None, "weekly[1].day"),
        ([{"day": "funday"}], None, "weekly[0].day"),
        ([{"day": "monday", "slots": [{"start": 9, "end": "10:00"}]}], None,
         "weekly[0].slots[0].start"),
        ([], {"slotMinutes": 10}, "rules.slotMinutes"),
        ([], {"horizonDays": 400}, "rules.horizonDays"),
        ([], {"minNoticeMinutes": -1}, "rules.minNoticeMinutes"),
        ([], {"bufferMinutes": 1.5}, "rules.bufferMinutes"),
        ([], {"slotMinutes": 60, "extra": 1}, "rules.extra"),
    ],
)  # fmt: skip
async def test_bad_availability_is_refused_with_its_path(
    api: Api, weekly: list[Any], rules: dict[str, Any] | None, field: str
) -> None:
    _, token = await professional(api, "ana")
    body: dict[str, Any] = {"timezone": "Europe/Berlin", "weekly": weekly}
    if rules is not None:
        body["rules"] = rules
    response = await api.client.put(f"{ME}/availability", json=body, headers=bearer(token))
    assert_problem(response, 422, field)
    own = (await api.client.get(ME, headers=bearer(token))).json()
    assert own["availability"]["weekly"] == []


async def test_a_bad_time_zone_for_the_hours_is_refused(api: Api) -> None:
    _, token = await professional(api, "ana")
    response = await api.client.put(
        f"{ME}/availability", json={**WEEK, "timezone": "Europe/Atlantis"}, headers=bearer(token)
    )
    assert_problem(response, 422, "timezone")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2030-13-01", "kind": "off"}, "date"),
        ({"date": "tomorrow", "kind": "off"}, "date"),
        ({"date": "2029-12-31", "kind": "off"}, "date"),
        ({"date": "2030-02-01", "kind": "holiday"}, "kind"),
        ({"date": "2030-02-01", "kind": "extra"}, "slots"),
        ({"date": "2030-02-01", "kind": "off", "slots": [{"start": "10:00", "end": "09:00"}]},
         "slots[0].end"),
        ({"date": "2030-02-01", "kind": "off", "note": "n" * 201}, "note"),
        ({"kind": "off"}, "date"),
    ],
)  # fmt: skip
async def test_bad_exceptions_are_refused(api: Api, body: dict[str, Any], field: str) -> None:
    _, token = await professional(api, "ana")
    response = await api.client.post(f"{ME}/exceptions", json=body, headers=bearer(token))
    assert_problem(response, 422, field)


async def test_an_overlapping_exception_conflicts(api: Api) -> None:
    _, token = await professional(api, "ana")
    body = {"date": "2030-02-01", "kind": "off"}
    assert (await api.client.post(f"{ME}/exceptions", json=body, headers=bearer(token))).is_success
    response = await api.client.post(f"{ME}/exceptions", json=body, headers=bearer(token))
    assert_problem(response, 409)


async def test_malformed_bodies_are_400(api: Api) -> None:
    _, token = await professional(api, "ana")
    for path in (f"{ME}/profile", f"{ME}/availability"):
        response = await api.client.put(
            path,
            content=b"{not json",
            headers={**bearer(token), "Content-Type": "application/json"},
        )
        assert_problem(response, 400)


# --- the directory ------------------------------------------------------------------------------


async def test_the_public_profile_shows_public_fields_only(api: Api) -> None:
    ana_id, token = await professional(api, "ana")
    response = await api.client.get(f"{BASE}/{ana_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PUBLIC_KEYS
    assert (body["fullName"], body["username"], body["bio"]) == (
        "Ana", "ana", "Twenty years of pipes."
    )  # fmt: skip
    assert (body["email"], body["phone"], body["averageRating"]) == (None, None, None)
    assert "availability" not in body and "version" not in body

    await settings(api, token, showEmail=True)
    body = (await api.client.get(f"{BASE}/{ana_id}")).json()
    assert (body["email"], body["phone"]) == ("ana@example.com", None)
    await settings(api, token, showPhone=True)
    body = (await api.client.get(f"{BASE}/{ana_id}")).json()
    assert body["email"] is None and body["phone"].startswith("+1415555")
    listed = (await api.client.get(BASE)).json()["items"]
    assert listed[0]["phone"] == body["phone"] and listed[0]["email"] is None

    await reviewed(api, ana_id, 5, 4, 4)
    body = (await api.client.get(f"{BASE}/{ana_id}")).json()
    assert (body["averageRating"], body["reviewCount"]) == (4.33, 3)


async def test_unknown_professionals_are_not_found(api: Api) -> None:
    customer, _ = await api.user("carl")
    bare, _ = await api.user("bare", role="professional")  # no profile
    for professional_id in (str(uuid.uuid4()), "x", customer["id"], bare["id"]):
        assert_problem(await api.client.get(f"{BASE}/{professional_id}"), 404)


async def test_visibility_follows_the_profile_settings(api: Api) -> None:
    public_id, _ = await professional(api, "pub")
    registered_id, registered = await professional(api, "reg")
    private_id, private = await professional(api, "priv")
    suspended_id, _ = await professional(api, "susp")
    await settings(api, registered, profileVisibility="registered")
    await settings(api, private, profileVisibility="private")
    _, customer = await api.user("carl")
    _, admin = await api.admin()
    response = await api.client.post(
        f"/api/v1/admin/users/{suspended_id}/suspend", json={"reason": "spam"},
        headers=bearer(admin),
    )  # fmt: skip
    assert response.status_code in (200, 204), response.text

    async def listed(token: str | None) -> set[str]:
        headers = bearer(token) if token else {}
        response = await api.client.get(BASE, headers=headers)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert await listed(None) == {public_id}
    assert await listed(customer) == {public_id, registered_id}
    assert await listed(private) == {public_id, registered_id, private_id}
    assert await listed(admin) == {public_id, registered_id, private_id, suspended_id}

    for hidden, token in [(registered_id, None), (private_id, None), (private_id, customer),
                          (suspended_id, None), (suspended_id, customer)]:  # fmt: skip
        headers = bearer(token) if token else {}
        assert_problem(await api.client.get(f"{BASE}/{hidden}", headers=headers), 404)
    assert (await api.client.get(f"{BASE}/{registered_id}", headers=bearer(customer))).is_success
    own = await api.client.get(f"{BASE}/{private_id}", headers=bearer(private))
    assert own.json()["email"] == "priv@example.com"  # they see their own contact details
    assert (await api.client.get(f"{BASE}/{private_id}", headers=bearer(admin))).is_success


async def test_filters_and_sorts(api: Api) -> None:
    _, admin = await api.admin()
    pipes = await add_service(api, admin, "Pipe repair")
    lamps = await add_service(api, admin, "Lamp fitting")
    ana, _ = await professional(
        api, "ana", serviceIds=[pipes], skills=["Soldering"],
        hourlyRate={"amount": 4500, "currency": "EUR"},
        serviceArea={"cities": ["München"], "postalCodes": ["80331"]},
    )  # fmt: skip
    api.clock.advance(timedelta(minutes=1))
    ben, _ = await professional(
        api, "ben", categories=["electrical"], serviceIds=[lamps], bio="Électricien diplômé",
        skills=["Wiring"],
        hourlyRate={"amount": 3000, "currency": "EUR"},
        serviceArea={"cities": ["Berlin"], "postalCodes": ["10115"]},
    )  # fmt: skip
    api.clock.advance(timedelta(minutes=1))
    cem, _ = await professional(
        api, "cem", categories=["painting"], hourlyRate=None, skills=[],
        serviceArea={"cities": ["Potsdam"]},
    )  # fmt: skip
    await reviewed(api, ana, 5, 5)
    await reviewed(api, ben, 4)

    async def ids(query: str) -> list[str]:
        response = await api.client.get(f"{BASE}?{query}")
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids("") == [ana, ben, cem]
    assert await ids("sort=rating") == [ana, ben, cem]
    assert await ids("sort=rate") == [ben, ana, cem]
    assert await ids("sort=newest") == [cem, ben, ana]
    assert await ids("category=plumbing") == [ana]
    assert await ids("category=Electrical") == [ben]
    assert await ids(f"service={lamps}") == [ben]
    assert await ids("city=munchen") == [ana]
    assert await ids("city=10115") == [ben]
    assert await ids("minRating=4.5") == [ana]
    assert await ids("minRating=4") == [ana, ben]
    assert await ids("maxRate=4000") == [ben]
    assert await ids("q=ELECTRICIEN") == [ben]
    assert await ids("q=solder") == [ana]
    assert await ids("q=cem") == [cem]
    assert await ids("category=plumbing&maxRate=4000") == []

    response = await api.client.get(f"{BASE}?sort=newest&page=2&pageSize=2")
    page = response.json()
    assert [item["id"] for item in page["items"]] == [ana]
    assert {k: page[k] for k in ("total", "page", "pageSize", "pages")} == {
        "total": 3, "page": 2, "pageSize": 2, "pages": 2
    }  # fmt: skip


async def test_a_new_name_is_found(api: Api) -> None:
    ana_id, token = await professional(api, "ana")
    response = await api.client.patch(
        "/api/v1/users/me", json={"fullName": "Ana Novák"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    response = await api.client.get(f"{BASE}?q=novak")
    assert [item["id"] for item in response.json()["items"]] == [ana_id]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=cheapest", "sort"),
        ("minRating=6", "minRating"),
        ("minRating=abc", "minRating"),
        ("maxRate=-1", "maxRate"),
        ("maxRate=1.5", "maxRate"),
        ("service=not-a-uuid", "service"),
        ("page=0", "page"),
        ("pageSize=101", "pageSize"),
        ("q=" + "x" * 101, "q"),
        ("q=%00", "q"),
    ],
)
async def test_bad_queries_are_refused(api: Api, query: str, field: str) -> None:
    response = await api.client.get(f"{BASE}?{query}")
    assert_problem(response, 422, field)


ODD_BODIES: list[Any] = [
    None,
    {},
    [],
    "text",
    {"timezone": "\x00", "weekly": [{"day": "\x00", "slots": [{"start": "\x00", "end": None}]}]},
    {"timezone": "Europe/Berlin", "weekly": "monday", "rules": []},
    {"timezone": "Europe/Berlin", "hourlyRate": {"amount": 1e300, "currency": "EUR"}},
    {"timezone": "Europe/Berlin", "serviceArea": {"cities": ["\ud800"]}, "bio": "\u202e"},
    {"timezone": "Europe/Berlin", "categories": [{"x": 1}], "galleryFileIds": [None]},
    {"date": "0000-00-00", "kind": None, "slots": {}},
    {"date": "9999-12-31", "kind": "extra", "slots": [{"start": "00:00", "end": "24:00"}]},
    b'{"timezone": "\\ud800", "bio": "\\udfff"}',
]
ODD_IDS = ["x", "-1", UNKNOWN_ID, "%F0%9F%92%A9"]
ODD_QUERY = (
    "?page=abc&pageSize=-5&sort=x&minRating=nan&maxRate=1e99&service=%00&city=%00&q=%00"
    "&category=" + "x" * 200
)


async def test_no_professionals_route_answers_500(api: Api) -> None:
    _, pro = await professional(api, "ana")
    _, customer = await api.user("carl")
    doc = (await api.client.get("/schema/openapi.json")).json()
    for path, item in doc["paths"].items():
        if not path.startswith(BASE):
            continue
        if "{" in path:
            urls = [path.split("{")[0] + odd for odd in ODD_IDS]
        else:
            urls = [path, path + ODD_QUERY]
        for method, operation in item.items():
            for url in urls:
                for body in ODD_BODIES:
                    for headers in (bearer(pro), bearer(customer), {}):
                        content = body if isinstance(body, bytes) else json.dumps(body).encode()
                        response = await api.client.request(
                            method.upper(),
                            url,
                            content=content,
                            headers={**headers, "Content-Type": "application/json"},
                        )
                        where = (method, url, body)
                        assert response.status_code < 500, (where, response.text)
                        assert str(response.status_code) in operation["responses"], (
                            where,
                            response.text,
                        )


async def test_anonymous_directory_pages_are_answered_from_their_bytes_until_a_write(
    api: Api,
) -> None:
    professional_id, token = await professional(api, "pia")
    first = await api.client.get("/api/v1/professionals?pageSize=5")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/json"
    assert [item["id"] for item in first.json()["items"]] == [professional_id]
    again = await api.client.get("/api/v1/professionals?pageSize=5")
    assert again.content == first.content
    changed = await api.client.put(
        f"{ME}/profile", json={**PROFILE, "bio": "Pipes and more"}, headers=bearer(token)
    )
    assert changed.status_code == 200, changed.text
    after = await api.client.get("/api/v1/professionals?pageSize=5")
    assert after.json()["items"][0]["bio"] == "Pipes and more"
