"""Reports of messages, and the administrators' queue.

A member reports a message they may see (not their own) once: reporting it again answers the
first report. Administrators list the reports by status and resolve each: dismiss it, or delete
the message (as a platform administrator), which actions every open report of that message.
Each resolution goes to the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.message_access import (
    MessagesDeps,
    visible_message,
    within_limit,
)
from alora_core.messaging.conversations.message_changes import erase
from alora_core.messaging.conversations.model import Message, MessageReport, ReportStatus
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.errors import Forbidden, Invalid, NotFound
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.retry import retrying_on_stale
from alora_core.shared.text import has_control_characters

MAX_NOTE = 1000


def _note(value: str) -> str:
    note = value.strip()
    if len(note) > MAX_NOTE:
        raise Invalid.field("note", f"must have at most {MAX_NOTE} characters")
    if has_control_characters(note, "\n\t"):
        raise Invalid.field("note", "must not hold control characters or bidi controls")
    return note


async def report_message(
    cmd: c.ReportMessage, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> c.Reported:
    user_id = cmd.actor.require_user_id()
    note = _note(cmd.note)
    counted = False

    async def attempt() -> c.Reported:
        nonlocal counted
        async with uow:
            _, _, message = await visible_message(uow, cmd.actor, cmd.message_id)
            if message.sender_id == user_id:
                raise Invalid.field(
                    "message_id", "you cannot report your own message", "own-message"
                )
            existing = await uow.reports.by_reporter(message.id, user_id)
            if existing is not None:
                return c.Reported(report=existing, created=False)
            if not counted:
                counted = True
                await within_limit(
                    deps, f"messaging:report:{user_id}", deps.config.reports_limit, "reports"
                )
            report = MessageReport(
                message_id=message.id,
                conversation_id=message.conversation_id,
                reporter_id=user_id,
                reason=cmd.reason.value,
                note=note,
                created_at=deps.clock.now(),
            )
            uow.reports.add(report)
            await uow.commit()
            return c.Reported(report=report, created=True)

    return await retrying_on_stale(attempt)


def _require_admin(actor: Actor) -> uuid.UUID:
    user_id = actor.require_user_id()
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")
    return user_id


def _view(report: MessageReport, message: Message | None) -> c.ReportView:
    return c.ReportView(
        report=report,
        message_body="" if message is None else message.body,
        message_deleted=message is None or message.deleted,
    )


async def list_reports(
    cmd: c.ListMessageReports, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> Page[c.ReportView]:
    _require_admin(cmd.actor)
    request = PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        page = await uow.reports.page(cmd.status, request)
        messages = await uow.messages.get_many({r.message_id for r in page.items})
    return Page(
        items=[_view(r, messages.get(r.message_id)) for r in page.items],
        total=page.total,
        page=page.page,
        page_size=page.page_size,
    )


async def resolve_report(
    cmd: c.ResolveMessageReport, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> c.ReportView:
    admin_id = _require_admin(cmd.actor)

    async def attempt() -> c.ReportView:
        async with uow:
            report = await uow.reports.get(cmd.report_id)
            if report is None:
                raise NotFound("no such report")
            message = await uow.messages.get(report.message_id)
            if report.status is not ReportStatus.OPEN:
                return _view(report, message)
            now = deps.clock.now()
            handled = [report]
            if cmd.action is c.ReportAction.DISMISS:
                report.status = ReportStatus.DISMISSED
            else:
                conversation = await uow.conversations.get(report.conversation_id, lock=True)
                assert conversation is not None and message is not None
                if not message.deleted:
                    await erase(uow, conversation, message, admin_id, now)
                handled = [
                    r for r in await uow.reports.open_of(message.id) if r.id != report.id
                ] + [report]
                for each in handled:
                    each.status = ReportStatus.ACTIONED
            for each in handled:
                each.handled_by = admin_id
                each.handled_at = now
            await uow.audit_log.add(
                AuditEntry(
                    actor_id=admin_id,
                    action=f"message_report.{cmd.action.value.replace('-', '_')}",
                    target_type="message_report",
                    target_id=str(report.id),
                    occurred_at=now,
                    details={"message_id": str(report.message_id)},
                )
            )
            await uow.commit()
            return _view(report, message)

    return await retrying_on_stale(attempt)


USE_CASES: dict[type, Callable[..., Any]] = {
    c.ReportMessage: report_message,
    c.ListMessageReports: list_reports,
    c.ResolveMessageReport: resolve_report,
}
