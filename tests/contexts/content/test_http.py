"""Content over HTTP: the FAQ, feedback, contact messages and the about page, with who may do
what, bad input and the per-address limits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.builders import add_file
from support.http import Api, assert_problem, bearer, open_api

FAQS = "/api/v1/faqs"
FEEDBACK = "/api/v1/feedback"
CONTACT = "/api/v1/contact"
ABOUT = "/api/v1/about"
ADMIN_FEEDBACK = "/api/v1/admin/feedback"
ADMIN_CONTACT = "/api/v1/admin/contact-messages"
ADMIN_ABOUT = "/api/v1/admin/about"
MALFORMED = [b"{bad", b'{"rating": ', b"\xff\xfe", b"[1, 2"]

FAQ = {"type": "booking", "question": "How do I book?", "answer": "Pick a slot.", "order": 1}
FEEDBACK_BODY = {
    "rating": 4,
    "subject": "Nice app",
    "message": "Booking took a minute.",
    "name": "Ann",
    "email": "ann@example.com",
}
CONTACT_BODY = {
    "name": "Bob",
    "email": "bob@example.com",
    "phone": "+49 30 1234567",
    "subject": "Prices",
    "message": "Do you work on Sundays?\nThanks.",
}
PHOTO = "01890a5d-ac96-774b-bcce-b302099a8057"
ABOUT_BODY = {
    "title": "About Alora",
    "description": "We connect people with professionals.",
    "mission": "Make booking easy.",
    "vision": "Every job done well.",
    "values": ["Trust", "Care"],
    "teamMembers": [
        {"name": "Ada", "role": "Founder", "bio": "Builds things.", "photoFileId": PHOTO},
        {"name": "Lin", "role": "Support"},
    ],
    "contactEmail": "hello@alora.example",
    "contactPhone": "+49 30 1234567",
    "address": "Street 1\n10115 Berlin",
    "socialLinks": {"linkedin": "https://linkedin.com/company/alora"},
}


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    # Trusting X-Forwarded-For lets tests send from many addresses.
    async for value in open_api(tmp_path, ALORA_TRUST_FORWARDED="true"):
        yield value


@pytest.fixture
async def admin(api: Api) -> dict[str, str]:
    admin_id, token = await api.admin()
    await add_file(api.alora, uuid.UUID(admin_id), file_id=uuid.UUID(PHOTO))
    return bearer(token)


@pytest.fixture
async def customer(api: Api) -> dict[str, str]:
    _, token = await api.user("carl")
    return bearer(token)


def sender(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def audit_actions(api: Api, admin: dict[str, str], action: str) -> list[dict[str, Any]]:
    body = ok(await api.client.get(f"/api/v1/admin/audit-log?action={action}", headers=admin))
    items: list[dict[str, Any]] = body["items"]
    return items


async def send_json(
    api: Api, method: str, url: str, content: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await api.client.request(
        method,
        url,
        content=content,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


# --- FAQ ------------------------------------------------------------------------------------------


async def create_faq(api: Api, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(await api.client.post(FAQS, json=FAQ | fields, headers=admin), 201)
    return body


async def test_faqs_are_public_and_ordered_by_type_then_order(
    api: Api, admin: dict[str, str]
) -> None:
    second = await create_faq(api, admin, question="Can I cancel?", order=2)
    first = await create_faq(api, admin)
    account = await create_faq(api, admin, type="Account", question="How to sign up?", order=5)
    assert set(first) == {
        "id", "type", "question", "answer", "order", "active", "createdAt", "updatedAt"
    }  # fmt: skip
    assert account["type"] == "account" and first["active"] is True
    assert first["createdAt"].endswith("Z")

    listed = ok(await api.client.get(FAQS))["items"]
    assert [f["id"] for f in listed] == [account["id"], first["id"], second["id"]]
    booking = ok(await api.client.get(f"{FAQS}?type=booking"))["items"]
    assert [f["id"] for f in booking] == [first["id"], second["id"]]
    assert ok(await api.client.get(f"{FAQS}/{first['id']}")) == first


async def test_inactive_faqs_are_for_administrators_only(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    hidden = await create_faq(api, admin, active=False)
    assert ok(await api.client.get(FAQS))["items"] == []
    assert_problem(await api.client.get(f"{FAQS}/{hidden['id']}"), 404)
    assert_problem(await api.client.get(f"{FAQS}/{hidden['id']}", headers=customer), 404)
    assert ok(await api.client.get(f"{FAQS}/{hidden['id']}", headers=admin))["active"] is False
    everything = ok(await api.client.get(f"{FAQS}?includeInactive=true", headers=admin))
    assert [f["id"] for f in everything["items"]] == [hidden["id"]]
    assert_problem(await api.client.get(f"{FAQS}?includeInactive=true"), 401)
    assert_problem(await api.client.get(f"{FAQS}?includeInactive=true", headers=customer), 403)


async def test_faq_writes_are_for_administrators_and_audited(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    faq = await create_faq(api, admin)
    url = f"{FAQS}/{faq['id']}"
    for headers, status in (({}, 401), (customer, 403)):
        assert_problem(await api.client.post(FAQS, json=FAQ, headers=headers), status)
        assert_problem(await api.client.patch(url, json={"order": 3}, headers=headers), status)
        assert_problem(await api.client.delete(url, headers=headers), status)

    api.clock.advance(timedelta(minutes=1))
    changed = ok(await api.client.patch(url, json={"answer": "Choose a time.", "order": 3},
                                        headers=admin))  # fmt: skip
    assert (changed["answer"], changed["order"], changed["question"]) == (
        "Choose a time.", 3, FAQ["question"]
    )  # fmt: skip
    assert changed["updatedAt"] != changed["createdAt"]
    assert ok(await api.client.delete(url, headers=admin), 204) is None
    assert_problem(await api.client.get(url, headers=admin), 404)
    assert_problem(await api.client.delete(url, headers=admin), 404)
    assert_problem(await api.client.patch(url, json={"order": 1}, headers=admin), 404)
    for action in ("faq.create", "faq.update", "faq.delete"):
        [entry] = await audit_actions(api, admin, action)
        assert entry["targetId"] == faq["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (FAQ | {"type": "has space"}, "type"),
        (FAQ | {"type": "x" * 33}, "type"),
        (FAQ | {"question": ""}, "question"),
        (FAQ | {"question": "two\nlines"}, "question"),
        (FAQ | {"answer": "x" * 10_001}, "answer"),
        (FAQ | {"answer": "nul\x00"}, "answer"),
        (FAQ | {"order": -1}, "order"),
        (FAQ | {"order": "first"}, "order"),
        (FAQ | {"order": 1.5}, "order"),
        (FAQ | {"active": "yes"}, "active"),
        (FAQ | {"position": 1}, "position"),
        ({k: v for k, v in FAQ.items() if k != "question"}, "question"),
    ],
)
async def test_bad_faqs_are_422_naming_the_field(
    api: Api, admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    assert_problem(await api.client.post(FAQS, json=body, headers=admin), 422, field)
    assert ok(await api.client.get(f"{FAQS}?includeInactive=true", headers=admin))["items"] == []


async def test_faq_routes_refuse_malformed_input(api: Api, admin: dict[str, str]) -> None:
    faq = await create_faq(api, admin)
    for content in MALFORMED:
        assert_problem(await send_json(api, "POST", FAQS, content, admin), 400)
        assert_problem(await send_json(api, "PATCH", f"{FAQS}/{faq['id']}", content, admin), 400)
    assert_problem(await api.client.post(FAQS, headers=admin), 400)
    for bad_id in ("nope", str(uuid.uuid4())):
        assert_problem(await api.client.get(f"{FAQS}/{bad_id}"), 404)
        assert_problem(await api.client.delete(f"{FAQS}/{bad_id}", headers=admin), 404)
    response = await api.client.patch(f"{FAQS}/{faq['id']}", json={"answer": ""}, headers=admin)
    assert_problem(response, 422, "answer")
    assert_problem(await api.client.get(f"{FAQS}?type=Not%20a%20type"), 422, "type")
    assert_problem(await api.client.get(f"{FAQS}?type={'x' * 65}"), 422, "type")
    assert_problem(await api.client.get(f"{FAQS}?includeInactive=maybe"), 422, "includeInactive")


# --- feedback ------------------------------------------------------------------------------------


async def test_anyone_sends_feedback_and_a_signed_in_sender_is_remembered(
    api: Api, admin: dict[str, str]
) -> None:
    user, token = await api.user("dora")
    anonymous = ok(await api.client.post(FEEDBACK, json=FEEDBACK_BODY), 201)
    assert set(anonymous) == {"id", "createdAt"}
    signed = ok(
        await api.client.post(FEEDBACK, json=FEEDBACK_BODY | {"rating": 5}, headers=bearer(token)),
        201,
    )
    stored = ok(await api.client.get(f"{ADMIN_FEEDBACK}/{signed['id']}", headers=admin))
    assert stored == {
        "id": signed["id"],
        "rating": 5,
        "subject": "Nice app",
        "message": "Booking took a minute.",
        "name": "Ann",
        "email": "ann@example.com",
        "userId": user["id"],
        "status": "new",
        "createdAt": signed["createdAt"],
        "updatedAt": signed["createdAt"],
    }
    first = ok(await api.client.get(f"{ADMIN_FEEDBACK}/{anonymous['id']}", headers=admin))
    assert first["userId"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"email": "nope"}, "email"),
        ({"email": "ann@example"}, "email"),
        ({"email": "x" * 300 + "@example.com"}, "email"),
        ({"subject": ""}, "subject"),
        ({"subject": "two\nlines"}, "subject"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "   "}, "message"),
        ({"name": None}, "name"),
        ({"userId": str(uuid.uuid4())}, "userId"),
    ],
)
async def test_bad_feedback_is_422_naming_the_field(
    api: Api, admin: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    assert_problem(await api.client.post(FEEDBACK, json=FEEDBACK_BODY | changes), 422, field)
    assert ok(await api.client.get(ADMIN_FEEDBACK, headers=admin))["total"] == 0


async def test_feedback_refuses_malformed_bodies_and_bad_tokens(api: Api) -> None:
    for content in MALFORMED:
        assert_problem(await send_json(api, "POST", FEEDBACK, content), 400)
    assert_problem(await api.client.post(FEEDBACK), 400)
    assert_problem(await api.client.post(FEEDBACK, json=[FEEDBACK_BODY]), 422)
    response = await api.client.post(FEEDBACK, json=FEEDBACK_BODY, headers=bearer("a.b.c"))
    assert_problem(response, 401)


async def test_feedback_is_limited_per_address(api: Api) -> None:
    for _ in range(5):
        ok(await api.client.post(FEEDBACK, json=FEEDBACK_BODY, headers=sender("10.0.0.1")), 201)
    refused = await api.client.post(FEEDBACK, json=FEEDBACK_BODY, headers=sender("10.0.0.1"))
    assert_problem(refused, 429)
    assert refused.headers["Retry-After"] == "3600"
    ok(await api.client.post(FEEDBACK, json=FEEDBACK_BODY, headers=sender("10.0.0.2")), 201)
    api.clock.advance(timedelta(hours=1))
    ok(await api.client.post(FEEDBACK, json=FEEDBACK_BODY, headers=sender("10.0.0.1")), 201)


async def test_administrators_page_filter_and_handle_feedback(
    api: Api, admin: dict[str, str]
) -> None:
    ids = []
    for i in range(3):
        body = FEEDBACK_BODY | {"subject": f"Number {i}"}
        ids.append(ok(await api.client.post(FEEDBACK, json=body, headers=sender(f"10.1.0.{i}")),
                      201)["id"])  # fmt: skip
        api.clock.advance(timedelta(minutes=1))
    page = ok(await api.client.get(f"{ADMIN_FEEDBACK}?page=1&pageSize=2", headers=admin))
    assert [f["id"] for f in page["items"]] == [ids[2], ids[1]]
    assert (page["total"], page["page"], page["pageSize"], page["pages"]) == (3, 1, 2, 2)

    url = f"{ADMIN_FEEDBACK}/{ids[0]}"
    resolved = ok(await api.client.patch(url, json={"status": "resolved"}, headers=admin))
    assert resolved["status"] == "resolved"
    only = ok(await api.client.get(f"{ADMIN_FEEDBACK}?status=resolved", headers=admin))
    assert [f["id"] for f in only["items"]] == [ids[0]] and only["total"] == 1
    [entry] = await audit_actions(api, admin, "feedback.update")
    assert entry["details"] == {"status_from": "new", "status_to": "resolved"}

    assert ok(await api.client.delete(url, headers=admin), 204) is None
    assert_problem(await api.client.get(url, headers=admin), 404)
    assert ok(await api.client.get(ADMIN_FEEDBACK, headers=admin))["total"] == 2
    assert len(await audit_actions(api, admin, "feedback.delete")) == 1


async def test_feedback_administration_refuses_others_and_bad_input(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    created = ok(await api.client.post(FEEDBACK, json=FEEDBACK_BODY), 201)
    url = f"{ADMIN_FEEDBACK}/{created['id']}"
    for headers, status in (({}, 401), (customer, 403)):
        assert_problem(await api.client.get(ADMIN_FEEDBACK, headers=headers), status)
        assert_problem(await api.client.get(url, headers=headers), status)
        response = await api.client.patch(url, json={"status": "reviewed"}, headers=headers)
        assert_problem(response, status)
        assert_problem(await api.client.delete(url, headers=headers), status)

    for query, field in (("status=done", "status"), ("page=0", "page"),
                         ("pageSize=101", "pageSize"), ("page=x", "page")):  # fmt: skip
        assert_problem(await api.client.get(f"{ADMIN_FEEDBACK}?{query}", headers=admin), 422, field)
    for body, field in (({"status": "done"}, "status"), ({}, "status"),
                        ({"status": "new", "note": "x"}, "note")):  # fmt: skip
        assert_problem(await api.client.patch(url, json=body, headers=admin), 422, field)
    for content in MALFORMED:
        assert_problem(await send_json(api, "PATCH", url, content, admin), 400)
    for bad_id in ("nope", str(uuid.uuid4())):
        other = f"{ADMIN_FEEDBACK}/{bad_id}"
        assert_problem(await api.client.get(other, headers=admin), 404)
        assert_problem(await api.client.patch(other, json={"status": "new"}, headers=admin), 404)
        assert_problem(await api.client.delete(other, headers=admin), 404)
    assert ok(await api.client.get(url, headers=admin))["status"] == "new"


# --- contact messages ----------------------------------------------------------------------------


async def test_a_contact_message_reaches_the_administrators(
    api: Api, admin: dict[str, str]
) -> None:
    created = ok(await api.client.post(CONTACT, json=CONTACT_BODY), 201)
    [mail] = api.mailer.to("root@example.com")
    assert mail.subject == "Contact: Prices · Alora"
    assert "Bob <bob@example.com>, phone +49 30 1234567" in mail.text
    assert "Do you work on Sundays?\nThanks." in mail.text

    stored = ok(await api.client.get(f"{ADMIN_CONTACT}/{created['id']}", headers=admin))
    assert stored == {
        "id": created["id"],
        **CONTACT_BODY,
        "userId": None,
        "status": "new",
        "note": "",
        "createdAt": created["createdAt"],
        "updatedAt": created["createdAt"],
    }
    user, token = await api.user("erin")
    body = {k: v for k, v in CONTACT_BODY.items() if k != "phone"}
    signed = ok(await api.client.post(CONTACT, json=body, headers=bearer(token)), 201)
    again = ok(await api.client.get(f"{ADMIN_CONTACT}/{signed['id']}", headers=admin))
    assert (again["userId"], again["phone"]) == (user["id"], None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "bob@"}, "email"),
        ({"email": 7}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "1" * 26}, "phone"),
        ({"name": ""}, "name"),
        ({"subject": "x" * 201}, "subject"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "bell\x07"}, "message"),
        ({"website": "https://spam.example"}, "website"),
    ],
)
async def test_bad_contact_messages_are_422_naming_the_field(
    api: Api, admin: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    assert_problem(await api.client.post(CONTACT, json=CONTACT_BODY | changes), 422, field)
    assert ok(await api.client.get(ADMIN_CONTACT, headers=admin))["total"] == 0
    assert api.mailer.to("root@example.com") == []


async def test_contact_refuses_malformed_bodies(api: Api) -> None:
    for content in MALFORMED:
        assert_problem(await send_json(api, "POST", CONTACT, content), 400)
    assert_problem(await api.client.post(CONTACT), 400)
    assert_problem(await api.client.post(CONTACT, json="text"), 422)


async def test_contact_messages_are_limited_per_address(api: Api) -> None:
    for _ in range(5):
        ok(await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.0.0.1")), 201)
    refused = await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.0.0.1"))
    body = assert_problem(refused, 429)
    assert body["type"].endswith("/rate-limited")
    assert refused.headers["Retry-After"] == "3600"
    api.clock.advance(timedelta(minutes=30))
    refused = await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.0.0.1"))
    assert refused.headers["Retry-After"] == "1800"
    ok(await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.0.0.2")), 201)
    api.clock.advance(timedelta(minutes=30))
    ok(await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.0.0.1")), 201)


async def test_administrators_handle_contact_messages(api: Api, admin: dict[str, str]) -> None:
    first = ok(await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.2.0.1")), 201)
    api.clock.advance(timedelta(minutes=1))
    second = ok(await api.client.post(CONTACT, json=CONTACT_BODY, headers=sender("10.2.0.2")), 201)
    page = ok(await api.client.get(ADMIN_CONTACT, headers=admin))
    assert [m["id"] for m in page["items"]] == [second["id"], first["id"]]
    assert (page["total"], page["pages"]) == (2, 1)

    url = f"{ADMIN_CONTACT}/{first['id']}"
    read = ok(await api.client.patch(url, json={"status": "read"}, headers=admin))
    assert (read["status"], read["note"]) == ("read", "")
    noted = ok(await api.client.patch(url, json={"note": "Called back."}, headers=admin))
    assert (noted["status"], noted["note"]) == ("read", "Called back.")
    both = ok(await api.client.patch(url, json={"status": "replied", "note": ""}, headers=admin))
    assert (both["status"], both["note"]) == ("replied", "")
    replied = ok(await api.client.get(f"{ADMIN_CONTACT}?status=replied", headers=admin))
    assert [m["id"] for m in replied["items"]] == [first["id"]]
    assert len(await audit_actions(api, admin, "contact_message.update")) == 3

    assert ok(await api.client.delete(url, headers=admin), 204) is None
    assert_problem(await api.client.get(url, headers=admin), 404)
    assert len(await audit_actions(api, admin, "contact_message.delete")) == 1


async def test_contact_administration_refuses_others_and_bad_input(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    created = ok(await api.client.post(CONTACT, json=CONTACT_BODY), 201)
    url = f"{ADMIN_CONTACT}/{created['id']}"
    for headers, status in (({}, 401), (customer, 403)):
        assert_problem(await api.client.get(ADMIN_CONTACT, headers=headers), status)
        assert_problem(await api.client.get(url, headers=headers), status)
        response = await api.client.patch(url, json={"status": "read"}, headers=headers)
        assert_problem(response, status)
        assert_problem(await api.client.delete(url, headers=headers), status)

    assert_problem(await api.client.get(f"{ADMIN_CONTACT}?status=done", headers=admin), 422,
                   "status")  # fmt: skip
    for body, field in (({"status": "done"}, "status"), ({}, "status"),
                        ({"note": "x" * 2001}, "note"), ({"note": 5}, "note"),
                        ({"reply": "hi"}, "reply")):  # fmt: skip
        assert_problem(await api.client.patch(url, json=body, headers=admin), 422, field)
    for content in MALFORMED:
        assert_problem(await send_json(api, "PATCH", url, content, admin), 400)
    for bad_id in ("nope", str(uuid.uuid4())):
        other = f"{ADMIN_CONTACT}/{bad_id}"
        assert_problem(await api.client.get(other, headers=admin), 404)
        assert_problem(await api.client.patch(other, json={"status": "read"}, headers=admin), 404)
        assert_problem(await api.client.delete(other, headers=admin), 404)
    assert ok(await api.client.get(url, headers=admin))["status"] == "new"


# --- the about page ------------------------------------------------------------------------------


async def test_the_about_page_lifecycle(api: Api, admin: dict[str, str]) -> None:
    assert_problem(await api.client.get(ABOUT), 404)
    assert_problem(await api.client.put(ADMIN_ABOUT, json=ABOUT_BODY | {"version": 1},
                                        headers=admin), 404)  # fmt: skip
    assert_problem(await api.client.patch(ADMIN_ABOUT, json={"title": "X"}, headers=admin), 404)

    created = ok(await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY, headers=admin), 201)
    public = ok(await api.client.get(ABOUT))
    assert public == created
    assert {k: v for k, v in public.items() if k not in {"version", "createdAt", "updatedAt"}} == {
        **ABOUT_BODY,
        "teamMembers": [
            ABOUT_BODY["teamMembers"][0],
            {"name": "Lin", "role": "Support", "bio": "", "photoFileId": None},
        ],
    }
    assert public["version"] == 1

    again = await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY | {"title": "Other"}, headers=admin)
    assert assert_problem(again, 409)["type"].endswith("/about-page-exists")

    api.clock.advance(timedelta(minutes=1))
    replaced = ok(await api.client.put(ADMIN_ABOUT, json={"title": "About us", "version": 1},
                                       headers=admin))  # fmt: skip
    assert replaced["version"] == 2 and replaced["values"] == [] and replaced["teamMembers"] == []
    assert replaced["contactEmail"] is None and replaced["updatedAt"] != replaced["createdAt"]
    stale = await api.client.put(ADMIN_ABOUT, json=ABOUT_BODY | {"version": 1}, headers=admin)
    assert assert_problem(stale, 409)["type"].endswith("/stale-version")

    patched = ok(await api.client.patch(ADMIN_ABOUT, json={"mission": "Fix it.", "version": 2},
                                        headers=admin))  # fmt: skip
    assert (patched["mission"], patched["title"], patched["version"]) == ("Fix it.", "About us", 3)
    changes = {"contactPhone": None, "values": ["One"]}
    cleared = ok(await api.client.patch(ADMIN_ABOUT, json=changes, headers=admin))
    assert (cleared["contactPhone"], cleared["values"], cleared["version"]) == (None, ["One"], 4)
    stale = await api.client.patch(ADMIN_ABOUT, json={"title": "X", "version": 2}, headers=admin)
    assert_problem(stale, 409)
    assert ok(await api.client.get(ABOUT))["title"] == "About us"
    for action, count in (("about.initialize", 1), ("about.replace", 1), ("about.update", 2)):
        assert len(await audit_actions(api, admin, action)) == count


async def test_about_page_writes_are_for_administrators(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    for headers, status in (({}, 401), (customer, 403)):
        assert_problem(await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY, headers=headers),
                       status)  # fmt: skip
    ok(await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY, headers=admin), 201)
    for headers, status in (({}, 401), (customer, 403)):
        response = await api.client.put(ADMIN_ABOUT, json=ABOUT_BODY | {"version": 1},
                                        headers=headers)  # fmt: skip
        assert_problem(response, status)
        response = await api.client.patch(ADMIN_ABOUT, json={"title": "Mine"}, headers=headers)
        assert_problem(response, status)
    assert ok(await api.client.get(ABOUT))["version"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"values": ["ok", ""]}, "values[1]"),
        ({"values": [f"v{i}" for i in range(21)]}, "values"),
        ({"teamMembers": [{"name": "", "role": "Founder"}]}, "teamMembers[0].name"),
        ({"teamMembers": [{"name": "A"}]}, "teamMembers[0].role"),
        ({"teamMembers": [{"name": "A", "role": "B", "photoFileId": "x"}]},
         "teamMembers[0].photoFileId"),
        ({"teamMembers": [{"name": "A", "role": "B", "photoFileId": str(uuid.uuid4())}]},
         "teamMembers[0].photoFileId"),  # no image the administrator uploaded
        ({"teamMembers": [{"name": "A", "role": "B", "age": 3}]}, "teamMembers[0].age"),
        ({"contactEmail": "not-an-email"}, "contactEmail"),
        ({"contactPhone": "12"}, "contactPhone"),
        ({"description": "x" * 5001}, "description"),
        ({"socialLinks": {"site": "http://insecure.example"}}, "socialLinks.site"),
        ({"socialLinks": {"site": "javascript:alert(1)"}}, "socialLinks.site"),
        ({"socialLinks": {"bad name": "https://a.example"}}, "socialLinks.bad name"),
        ({"socialLinks": ["https://a.example"]}, "socialLinks"),
        ({"version": 1}, "version"),
    ],
)  # fmt: skip
async def test_bad_about_pages_are_422_naming_the_field(
    api: Api, admin: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    response = await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY | changes, headers=admin)
    assert_problem(response, 422, field)
    assert_problem(await api.client.get(ABOUT), 404)


async def test_about_routes_refuse_malformed_and_incomplete_bodies(
    api: Api, admin: dict[str, str]
) -> None:
    for content in MALFORMED:
        assert_problem(await send_json(api, "POST", ADMIN_ABOUT, content, admin), 400)
    ok(await api.client.post(ADMIN_ABOUT, json=ABOUT_BODY, headers=admin), 201)
    for content in MALFORMED:
        assert_problem(await send_json(api, "PUT", ADMIN_ABOUT, content, admin), 400)
        assert_problem(await send_json(api, "PATCH", ADMIN_ABOUT, content, admin), 400)
    assert_problem(await api.client.put(ADMIN_ABOUT, json=ABOUT_BODY, headers=admin), 422,
                   "version")  # fmt: skip
    assert_problem(await api.client.put(ADMIN_ABOUT, json={"version": 1}, headers=admin), 422,
                   "title")  # fmt: skip
    response = await api.client.patch(ADMIN_ABOUT, json={"version": 0}, headers=admin)
    assert_problem(response, 422, "version")
    response = await api.client.patch(ADMIN_ABOUT, json={"createdAt": "x"}, headers=admin)
    assert_problem(response, 422, "createdAt")
    assert ok(await api.client.get(ABOUT))["version"] == 1
