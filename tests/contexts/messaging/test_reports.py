"""Reporting messages and the administrators' queue, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from alora_core.identity.model import Role
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import MessageNotFound
from alora_core.messaging.conversations.model import ReportStatus
from alora_core.shared.errors import Forbidden, Invalid, NotFound, RateLimited
from alora_core.shared.pagination import PageRequest
from contexts.messaging.builders import add_conversation
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend
from support.builders import add_user


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


def _report(user: object, message_id: object, reason: str = "spam") -> c.ReportMessage:
    return c.ReportMessage(
        actor=actor(user),  # type: ignore[arg-type]
        message_id=message_id,  # type: ignore[arg-type]
        reason=c.ReportReason(reason),
        note=" Ads ",
    )


async def test_a_member_reports_once(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    message = await chat.send(chat.ana, group.id, "Buy now")
    first = await chat.alora.bus.handle(_report(chat.bob, message.id))
    again = await chat.alora.bus.handle(_report(chat.bob, message.id, "abuse"))
    assert first.created and not again.created
    assert again.report.id == first.report.id and again.report.reason == "spam"
    assert first.report.note == "Ads" and first.report.conversation_id == group.id
    with pytest.raises(Invalid):
        await chat.alora.bus.handle(_report(chat.ana, message.id))
    outsider = await add_user(chat.alora, "eve", verified=True)
    with pytest.raises(MessageNotFound):
        await chat.alora.bus.handle(_report(outsider, message.id))


async def test_reports_are_capped_per_day(backend: Backend) -> None:
    chat = await open_chat(backend, {"ALORA_MESSAGING_REPORTS_PER_DAY": "1"})
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    one = await chat.send(chat.ana, group.id)
    two = await chat.send(chat.ana, group.id)
    await chat.alora.bus.handle(_report(chat.bob, one.id))
    await chat.alora.bus.handle(_report(chat.bob, one.id))  # answering the first is free
    with pytest.raises(RateLimited):
        await chat.alora.bus.handle(_report(chat.bob, two.id))


async def test_the_admin_queue_dismisses_or_deletes(chat: Chat) -> None:
    root = await add_user(chat.alora, "root", Role.ADMIN, verified=True)
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    spam = await chat.send(chat.ana, group.id, "Buy now")
    fine = await chat.send(chat.ana, group.id, "Fine")
    by_bob = (await chat.alora.bus.handle(_report(chat.bob, spam.id))).report
    by_cy = (await chat.alora.bus.handle(_report(chat.cy, spam.id))).report
    other = (await chat.alora.bus.handle(_report(chat.bob, fine.id))).report

    with pytest.raises(Forbidden):
        await chat.alora.bus.handle(c.ListMessageReports(actor=actor(chat.bob)))
    queue = await chat.alora.bus.handle(c.ListMessageReports(actor=actor(root)))
    assert [v.report.id for v in queue.items] == [by_bob.id, by_cy.id, other.id]
    assert queue.items[0].message_body == "Buy now" and queue.total == 3

    dismissed = await chat.alora.bus.handle(
        c.ResolveMessageReport(actor=actor(root), report_id=other.id, action=c.ReportAction.DISMISS)
    )
    assert dismissed.report.status is ReportStatus.DISMISSED
    actioned = await chat.alora.bus.handle(
        c.ResolveMessageReport(
            actor=actor(root), report_id=by_bob.id, action=c.ReportAction.DELETE_MESSAGE
        )
    )
    assert actioned.message_deleted and actioned.message_body == ""
    assert actioned.report.status is ReportStatus.ACTIONED
    assert actioned.report.handled_by == root.id
    left = await chat.alora.bus.handle(
        c.ListMessageReports(actor=actor(root), status=ReportStatus.ACTIONED)
    )
    assert {v.report.id for v in left.items} == {by_bob.id, by_cy.id}
    assert (await chat.alora.bus.handle(c.ListMessageReports(actor=actor(root)))).total == 0
    logged = await chat.log(group.id, chat.bob)
    assert logged[-1].kind == "message.deleted"

    again = await chat.alora.bus.handle(
        c.ResolveMessageReport(
            actor=actor(root), report_id=other.id, action=c.ReportAction.DELETE_MESSAGE
        )
    )
    assert again.report.status is ReportStatus.DISMISSED and not again.message_deleted
    async with chat.alora.units_of_work["messaging"]().reading() as uow:
        audited = await uow.audit_log.list(PageRequest(1, 10), actor_id=root.id)
    assert sorted(e.action for e in audited.items) == [
        "message_report.delete_message",
        "message_report.dismiss",
    ]
    with pytest.raises(NotFound):
        await chat.alora.bus.handle(
            c.ResolveMessageReport(
                actor=actor(root), report_id=spam.id, action=c.ReportAction.DISMISS
            )
        )
