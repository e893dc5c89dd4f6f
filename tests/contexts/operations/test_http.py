"""``/api/v1/admin/jobs/dead`` and ``/api/v1/admin/health``: administrators only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from alora_core.identity.events import UserRegistered, UserUpdated
from alora_core.shared.jobs import Job
from alora_core.shared.mail import EmailMessage
from alora_core.shared.serialization import event_to_message
from support.http import Api, assert_problem, bearer, code_from, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def bury(api: Api, handler: str = "identity.welcome_email") -> dict[str, Any]:
    """A dead job, as if ``handler`` had failed on every attempt."""
    event = UserUpdated(occurred_at=api.clock.now(), user_id=uuid.uuid4(), fields=["bio"])
    job = Job(id=uuid.uuid4(), handler=handler, event=event_to_message(event))
    async with api.alora.uow_factory() as uow:
        await uow.jobs.bury(job, "Traceback ... SMTPServerDisconnected", 5, api.clock.now())
        await uow.commit()
    return event_to_message(event)


async def test_admins_list_dead_jobs_newest_first(api: Api) -> None:
    _, token = await api.admin()
    first = await bury(api)
    api.clock.advance(timedelta(seconds=1))
    second = await bury(api, "notifications.email")
    response = await api.client.get("/api/v1/admin/jobs/dead", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["pageSize"], body["pages"]) == (2, 1, 20, 1)
    assert [item["handler"] for item in body["items"]] == [
        "notifications.email",
        "identity.welcome_email",
    ]
    newest = body["items"][0]
    assert newest["event"] == second
    assert newest["eventName"] == "user.updated"
    assert newest["eventId"] == second["data"]["event_id"]
    assert newest["attempts"] == 5 and "SMTPServerDisconnected" in newest["error"]
    assert body["items"][1]["event"] == first

    paged = await api.client.get(
        "/api/v1/admin/jobs/dead", params={"page": 2, "pageSize": 1}, headers=bearer(token)
    )
    assert [item["handler"] for item in paged.json()["items"]] == ["identity.welcome_email"]


async def test_retrying_a_dead_job_runs_its_handler_again_and_is_audited(api: Api) -> None:
    admin_id, token = await api.admin()
    # Say the mail server refused a welcome email on every attempt.
    registered = UserRegistered(
        occurred_at=api.clock.now(),
        user_id=uuid.uuid4(),
        email="late@example.com",
        full_name="Late Comer",
        role="customer",
    )
    job = Job(id=uuid.uuid4(), handler="identity.welcome_email", event=event_to_message(registered))
    async with api.alora.uow_factory() as uow:
        await uow.jobs.bury(job, "SMTP refused", 5, api.clock.now())
        await uow.commit()
    listed = await api.client.get("/api/v1/admin/jobs/dead", headers=bearer(token))
    [dead] = listed.json()["items"]

    retried = await api.client.post(
        f"/api/v1/admin/jobs/dead/{dead['id']}/retry", headers=bearer(token)
    )
    assert retried.status_code == 202
    assert retried.json()["handler"] == "identity.welcome_email"
    assert [m.subject for m in api.mailer.to("late@example.com")] == ["Welcome to Alora"]
    again = await api.client.post(
        f"/api/v1/admin/jobs/dead/{dead['id']}/retry", headers=bearer(token)
    )
    assert_problem(again, 404)
    audit = await api.client.get(
        "/api/v1/admin/audit-log", params={"action": "job.retry"}, headers=bearer(token)
    )
    [entry] = audit.json()["items"]
    assert entry["actorId"] == admin_id and entry["targetId"] == dead["id"]


async def test_only_admins_touch_jobs_and_health(api: Api) -> None:
    _, customer = await api.user("cid")
    some_id = str(uuid.uuid4())
    for method, path in [
        ("GET", "/api/v1/admin/jobs/dead"),
        ("POST", f"/api/v1/admin/jobs/dead/{some_id}/retry"),
        ("GET", "/api/v1/admin/health"),
    ]:
        anonymous = await api.client.request(method, path)
        assert_problem(anonymous, 401)
        forbidden = await api.client.request(method, path, headers=bearer(customer))
        assert_problem(forbidden, 403)


async def test_bad_input_to_the_job_routes(api: Api) -> None:
    _, token = await api.admin()
    for path in (
        "/api/v1/admin/jobs/dead/nope/retry",
        f"/api/v1/admin/jobs/dead/{uuid.uuid4()}/retry",
    ):
        assert_problem(await api.client.post(path, headers=bearer(token)), 404)
    for params in ({"page": 0}, {"pageSize": 101}, {"page": "x"}):
        response = await api.client.get(
            "/api/v1/admin/jobs/dead", params=params, headers=bearer(token)
        )
        assert response.status_code in (400, 422)


async def test_admin_health_reports_outbox_queues_and_dead_jobs(api: Api) -> None:
    _, token = await api.admin()
    healthy = await api.client.get("/api/v1/admin/health", headers=bearer(token))
    assert healthy.status_code == 200
    body = healthy.json()
    assert body["status"] == "ok"
    assert body["outbox"] == {"pending": 0, "oldestPendingAgeSeconds": None}
    assert body["queues"] == {"in-process": 0}
    assert body["deadJobs"] == 0
    await bury(api)
    degraded = (await api.client.get("/api/v1/admin/health", headers=bearer(token))).json()
    assert (degraded["status"], degraded["deadJobs"]) == ("degraded", 1)


async def test_a_dead_code_email_shows_no_code_and_each_read_is_audited(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_id, token = await api.admin()
    refused: list[EmailMessage] = []

    async def refuse(message: EmailMessage) -> None:
        refused.append(message)
        raise RuntimeError(f"550 refused: {message.text}")

    monkeypatch.setattr(api.mailer, "send", refuse)
    await api.register("ana")  # its verification code's email fails on every attempt
    [code] = {code_from(m.text) for m in refused if (m.idempotency_key or "").endswith(".code")}

    listed = await api.client.get("/api/v1/admin/jobs/dead", headers=bearer(token))
    assert listed.status_code == 200
    [dead] = [i for i in listed.json()["items"] if i["handler"] == "identity.code_email"]
    one = await api.client.get(f"/api/v1/admin/jobs/dead/{dead['id']}", headers=bearer(token))
    assert one.status_code == 200
    for response, shown in ((listed, dead), (one, one.json())):
        assert shown["event"]["data"]["code"] == "[redacted]"
        assert shown["event"]["sealed"] == ["code"]
        assert "550 refused" in shown["error"]
        assert code not in response.text

    audit = await api.client.get("/api/v1/admin/audit-log", headers=bearer(token))
    entries = {(e["action"], e["targetId"]) for e in audit.json()["items"]}
    assert {("job.list_dead", "page:1"), ("job.read_dead", dead["id"])} <= entries
    assert all(e["actorId"] == admin_id for e in audit.json()["items"])


async def test_one_dead_job_is_for_admins_only_and_unknown_ids_are_404(api: Api) -> None:
    _, admin = await api.admin()
    _, customer = await api.user("cid")
    await bury(api)
    [dead] = (await api.client.get("/api/v1/admin/jobs/dead", headers=bearer(admin))).json()[
        "items"
    ]
    path = f"/api/v1/admin/jobs/dead/{dead['id']}"
    assert_problem(await api.client.get(path), 401)
    assert_problem(await api.client.get(path, headers=bearer(customer)), 403)
    for unknown in ("nope", str(uuid.uuid4())):
        missing = await api.client.get(f"/api/v1/admin/jobs/dead/{unknown}", headers=bearer(admin))
        assert_problem(missing, 404)
    shown = (await api.client.get(path, headers=bearer(admin))).json()
    assert (shown["id"], shown["handler"], shown["attempts"]) == (dead["id"], dead["handler"], 5)
