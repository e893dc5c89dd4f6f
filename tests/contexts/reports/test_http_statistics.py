"""``GET /api/v1/admin/stats`` over HTTP, on the in-memory wiring."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.http import Api, assert_problem, bearer, open_api

URL = "/api/v1/admin/stats"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def test_administrators_see_the_platform_figures(api: Api) -> None:
    _, admin = await api.admin()
    await api.user("ana")
    await api.user("pia", role="professional")
    response = await api.client.get(URL, headers=bearer(admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "generatedAt", "usersTotal", "usersByRole", "bookingsTotal", "bookingsByStatus",
        "bookingsPerDay", "averageRating", "reviewCount", "content", "recentActivity",
    }  # fmt: skip
    assert body["usersByRole"] == {"customer": 1, "professional": 1, "admin": 1}
    assert body["usersTotal"] == 3 and body["bookingsTotal"] == 0
    assert len(body["bookingsPerDay"]) == 30
    assert body["bookingsPerDay"][-1] == {"day": api.clock.now().date().isoformat(), "count": 0}
    assert body["averageRating"] is None
    assert set(body["content"]) == {
        "services", "activeServices", "professionals", "faqs", "feedbackByStatus",
        "contactMessagesByStatus", "files",
    }  # fmt: skip
    assert [a["kind"] for a in body["recentActivity"]] == ["user.registered"] * 3
    assert set(body["recentActivity"][0]) == {"kind", "at", "subjectId", "summary"}
    assert body["recentActivity"][0]["summary"] == "pia (professional)"
    fewer = await api.client.get(URL, params={"recent": 1}, headers=bearer(admin))
    assert len(fewer.json()["recentActivity"]) == 1


async def test_others_may_not(api: Api) -> None:
    _, ana = await api.user("ana")
    assert_problem(await api.client.get(URL, headers=bearer(ana)), 403)
    assert_problem(await api.client.get(URL), 401)


@pytest.mark.parametrize("recent", ["-1", "51", "x", "1.5"])
async def test_a_bad_recent_count_is_422(api: Api, recent: str) -> None:
    _, admin = await api.admin()
    response = await api.client.get(URL, params={"recent": recent}, headers=bearer(admin))
    assert_problem(response, 422, "recent")
