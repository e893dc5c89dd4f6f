"""``POST /api/v1/admin/notifications``: an administrator notifies many users at once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.http import Api, assert_problem, bearer, open_api

PATH = "/api/v1/admin/notifications"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


def announcement(*recipients: str, **overrides: object) -> dict[str, object]:
    return {
        "recipientIds": list(recipients),
        "type": "info",
        "title": "Maintenance tonight",
        "body": "Alora is offline from 02:00 to 02:30 UTC.",
        **overrides,
    }


async def titles(api: Api, token: str) -> list[str]:
    page = await api.client.get("/api/v1/notifications", headers=bearer(token))
    return [item["title"] for item in page.json()["items"]]


async def test_every_existing_recipient_gets_one_notification_and_it_is_audited(api: Api) -> None:
    admin_id, admin = await api.admin()
    ana, ana_token = await api.user("ana")
    bob, bob_token = await api.user("bob")
    _, cid_token = await api.user("cid")
    response = await api.client.post(
        PATH,
        json=announcement(ana["id"], bob["id"], ana["id"], str(uuid.uuid4())),
        headers=bearer(admin),
    )
    assert response.status_code == 202
    assert response.json() == {"created": 2}
    assert "Maintenance tonight" in await titles(api, ana_token)
    assert "Maintenance tonight" in await titles(api, bob_token)
    assert "Maintenance tonight" not in await titles(api, cid_token)
    assert [m for m in api.mailer.to(ana["email"]) if m.subject.startswith("Maintenance")] == []
    audit = await api.client.get(
        "/api/v1/admin/audit-log",
        params={"action": "notification.announce"},
        headers=bearer(admin),
    )
    [entry] = audit.json()["items"]
    assert entry["actorId"] == admin_id and entry["details"]["recipients"] == 2


async def test_only_administrators_announce(api: Api) -> None:
    ana, token = await api.user("ana")
    assert_problem(await api.client.post(PATH, json=announcement(ana["id"])), 401)
    forbidden = await api.client.post(PATH, json=announcement(ana["id"]), headers=bearer(token))
    assert_problem(forbidden, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (announcement(), "recipientIds"),
        (announcement(*(str(uuid.uuid4()) for _ in range(1001))), "recipientIds"),
        (announcement("not-a-uuid"), "recipientIds[0]"),
        (announcement(str(uuid.uuid4()), type="shout"), "type"),
        (announcement(str(uuid.uuid4()), title=""), "title"),
        (announcement(str(uuid.uuid4()), title="x" * 201), "title"),
        (announcement(str(uuid.uuid4()), link="javascript:alert(1)"), "link"),
        (announcement(str(uuid.uuid4()), data=[1, 2]), "data"),
        ({"recipientIds": [str(uuid.uuid4())]}, None),
    ],
)
async def test_bad_announcements_are_422(
    api: Api, body: dict[str, object], field: str | None
) -> None:
    _, admin = await api.admin()
    response = await api.client.post(PATH, json=body, headers=bearer(admin))
    assert_problem(response, 422, field)


async def test_malformed_json_is_400(api: Api) -> None:
    _, admin = await api.admin()
    response = await api.client.post(
        PATH, content=b"{", headers={**bearer(admin), "Content-Type": "application/json"}
    )
    assert_problem(response, 400)
