"""Guessing secrets over HTTP: one budget per account however it is named, a daily cap on wrong
codes, change-password limited like sign-in, and the same answers for known and unknown
accounts (status, body and headers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.hashing import CountingHasher
from support.http import PASSWORD, Api, assert_problem, bearer, open_api

NEW_PASSWORD = "a brand new secret"
LOGIN = "/api/v1/auth/login"
RESET = "/api/v1/auth/reset-password"
FORGOT = "/api/v1/auth/forgot-password"
VERIFY = "/api/v1/auth/verify-email"
PER_REQUEST = {"x-request-id", "date"}
"""Headers that differ between any two responses."""


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
async def api(tmp_path: Path, hasher: CountingHasher) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path, hasher=hasher, ALORA_TRUST_FORWARDED="true"):
        yield value


def from_ip(number: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{number}"}


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def answer(response: httpx.Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    """What a client can tell from a response, less what differs for every request."""
    body = response.json()
    body.pop("requestId", None)
    body.pop("instance", None)
    headers = {k: v for k, v in response.headers.items() if k not in PER_REQUEST}
    return response.status_code, body, headers


async def test_ben_BEN_the_email_and_phone_spellings_share_one_budget(api: Api) -> None:
    user = await api.register("ben", phone="+1 415 555 0142")
    await api.verify(user["email"])
    spellings = ["ben", "BEN", "Ben@Example.com", "+1 415 555 0142", "(415) 555-0142"]
    for number, identifier in enumerate(spellings):
        wrong = await api.client.post(
            LOGIN,
            json={"identifier": identifier, "password": "wrong password!"},
            headers=from_ip(number),
        )
        assert_problem(wrong, 401)
    blocked = await api.client.post(
        LOGIN, json={"identifier": "ben", "password": PASSWORD}, headers=from_ip(99)
    )
    assert_problem(blocked, 429)
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    api.clock.advance(timedelta(minutes=16))
    assert (await api.login("+14155550142"))["user"]["username"] == "ben"


async def test_a_fresh_reset_code_does_not_reset_the_daily_cap(api: Api) -> None:
    user = await api.register("ben")
    await api.verify(user["email"])
    for _ in range(4):  # 4 codes, 5 wrong guesses each: the day's 20
        assert (await api.client.post(FORGOT, json={"email": user["email"]})).status_code == 202
        wrong = other_than(api.last_code(user["email"]))
        for _ in range(5):
            guess = await api.client.post(
                RESET, json={"email": user["email"], "code": wrong, "newPassword": NEW_PASSWORD}
            )
            assert_problem(guess, 422, "code")
        api.clock.advance(timedelta(seconds=61))
    assert (await api.client.post(FORGOT, json={"email": user["email"]})).status_code == 202
    fresh = {
        "email": user["email"],
        "code": api.last_code(user["email"]),
        "newPassword": NEW_PASSWORD,
    }
    blocked = await api.client.post(RESET, json=fresh)
    assert_problem(blocked, 429)
    assert 0 < int(blocked.headers["retry-after"]) <= 24 * 3600
    api.clock.advance(timedelta(hours=24))
    await api.client.post(FORGOT, json={"email": user["email"]})
    fresh["code"] = api.last_code(user["email"])
    assert (await api.client.post(RESET, json=fresh)).status_code == 204


async def test_change_password_with_a_wrong_current_password_gets_429_after_the_limit(
    api: Api,
) -> None:
    _, token = await api.user("ben")
    body = {"currentPassword": "not it at all", "newPassword": NEW_PASSWORD}
    for _ in range(5):
        wrong = await api.client.post(
            "/api/v1/auth/change-password", json=body, headers=bearer(token)
        )
        assert_problem(wrong, 401)
    right = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    blocked = await api.client.post(
        "/api/v1/auth/change-password", json=right, headers=bearer(token)
    )
    assert_problem(blocked, 429)
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    api.clock.advance(timedelta(minutes=16))
    token = (await api.login("ben"))["accessToken"]
    changed = await api.client.post(
        "/api/v1/auth/change-password", json=right, headers=bearer(token)
    )
    assert changed.status_code == 204, changed.text


async def test_reset_password_answers_known_and_unknown_addresses_alike(
    api: Api, hasher: CountingHasher
) -> None:
    for name in ("ben", "cat"):
        user = await api.register(name)
        await api.verify(user["email"])
    await api.client.post(FORGOT, json={"email": "cat@example.com"})  # cat has a code, ben none
    wrong = other_than(api.last_code("cat@example.com"))
    hasher.taken()
    answers = []
    for email in ("ben@example.com", "cat@example.com", "nobody@example.com"):
        response = await api.client.post(
            RESET, json={"email": email, "code": wrong, "newPassword": NEW_PASSWORD}
        )
        assert_problem(response, 422, "code")
        answers.append((answer(response), hasher.taken()))
    assert answers[0] == answers[1] == answers[2]


async def test_forgot_password_answers_known_and_unknown_addresses_alike(
    api: Api, hasher: CountingHasher
) -> None:
    user = await api.register("ben")
    await api.verify(user["email"])
    hasher.taken()
    answers = []
    for email in ("ben@example.com", "nobody@example.com"):
        response = await api.client.post(FORGOT, json={"email": email})
        assert response.status_code == 202
        answers.append((answer(response), hasher.taken()))
    assert answers[0] == answers[1]
    assert len(api.code_mails("ben@example.com")) == 2  # the registration's and the reset's


async def test_verify_email_answers_verified_pending_and_unknown_addresses_alike(api: Api) -> None:
    verified = await api.register("ben")
    await api.verify(verified["email"])
    pending = await api.register("cat")
    wrong = other_than(api.last_code(pending["email"]))
    answers = []
    for email in (verified["email"], pending["email"], "nobody@example.com"):
        response = await api.client.post(VERIFY, json={"email": email, "code": wrong})
        assert_problem(response, 422, "code")
        answers.append(answer(response))
    assert answers[0] == answers[1] == answers[2]
