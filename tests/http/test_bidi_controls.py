"""Bidi controls (U+202E and friends) are refused wherever people type names, titles and
subjects, as control characters are: they would make a name read as something it is not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alora_core.shared.text import BIDI_CONTROLS, has_control_characters
from support.http import Api, assert_problem, bearer, open_api

SPOOF = "Ada \u202egnp.exe"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_bidi_control_counts_as_a_control_character(control: str) -> None:
    assert has_control_characters(f"Ada{control}Lovelace", allowed="\n\t")


def test_right_to_left_text_itself_is_fine() -> None:
    assert not has_control_characters("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627")


async def test_a_full_name_with_a_bidi_override_is_refused_at_registration(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/register",
        json={
            "fullName": SPOOF,
            "username": "ada",
            "email": "ada@example.com",
            "phone": "+14155550199",
            "password": "correct horse battery staple",
            "role": "customer",
        },
    )
    assert_problem(response, 422, "fullName")


async def test_a_profile_name_with_a_bidi_override_is_refused(api: Api) -> None:
    _, token = await api.user("ada")
    response = await api.client.patch(
        "/api/v1/users/me", json={"fullName": SPOOF}, headers=bearer(token)
    )
    assert_problem(response, 422, "fullName")


async def test_a_contact_subject_with_a_bidi_isolate_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/contact",
        json={
            "name": "Bob",
            "email": "bob@example.com",
            "subject": "Prices \u2067Sundays\u2069",
            "message": "Do you work on Sundays?",
        },
    )
    assert_problem(response, 422, "subject")
