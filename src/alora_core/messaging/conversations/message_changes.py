"""Editing and deleting messages, and a message's edit history.

An edit keeps the body it replaces (``message_edits``); a deletion leaves a tombstone (the
body and attachments erased, the slot and its seq kept) and erases the edit history with it,
and rewrites the message's earlier events in the conversation's log to the tombstone, so no
earlier body of a deleted message stays readable, and replaying the log still ends at it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.errors import DeleteRefused, EditRefused, MessageNotFound
from alora_core.messaging.conversations.message_access import (
    MessagesDeps,
    check_body,
    check_may_write,
    visible_message,
)
from alora_core.messaging.conversations.messages_wire import message_data
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
    Message,
    MessageEdit,
)
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.retry import retrying_on_stale


async def edit_message(cmd: c.EditMessage, uow: MessagingUnitOfWork, deps: MessagesDeps) -> Message:
    body = check_body(cmd.body)

    async def attempt() -> Message:
        async with uow:
            conversation, member, message = await visible_message(
                uow, cmd.actor, cmd.message_id, lock=True
            )
            if message.sender_id != member.user_id:
                raise EditRefused("only the sender may edit a message", EditRefused.NOT_SENDER)
            if message.deleted:
                raise EditRefused("the message was deleted", EditRefused.DELETED)
            now = deps.clock.now()
            if now - message.created_at > deps.config.edit_window:
                raise EditRefused("the time to edit this message is over", EditRefused.WINDOW_OVER)
            members = await uow.members.of(conversation.id)
            await check_may_write(uow, deps, conversation, member, members, now)
            if body == message.body:
                return message
            await uow.message_edits.add(
                MessageEdit(message_id=message.id, body=message.body, edited_at=now)
            )
            message.body = body
            message.edited_at = now
            data = {"message": message_data(message)}
            await record_change(uow, conversation, members, "message.edited", data, now)
            await uow.commit()
            return message

    return await retrying_on_stale(attempt)


def _may_delete(
    actor: Actor, conversation: Conversation, member: Member | None, message: Message
) -> bool:
    if actor.is_admin:
        return True
    if member is None:
        return False
    if message.sender_id == member.user_id:
        return True
    return (
        conversation.kind is ConversationKind.GROUP
        and member.active
        and member.role in (MemberRole.OWNER, MemberRole.ADMIN)
    )


async def erase(
    uow: MessagingUnitOfWork,
    conversation: Conversation,
    message: Message,
    by: uuid.UUID | None,
    now: datetime,
) -> None:
    """Make ``message`` a tombstone, scrub its earlier bodies (edit history, logged events) and
    tell the members (the conversation loaded locked). Every deletion goes through here."""
    message.body = ""
    message.attachment_file_ids = []
    message.deleted_at = now
    message.deleted_by = by
    await uow.message_edits.erase(message.id)
    tombstone = message_data(message)
    await uow.event_log.rewrite_message(conversation.id, message.id, tombstone)
    members = await uow.members.of(conversation.id)
    await record_change(uow, conversation, members, "message.deleted", {"message": tombstone}, now)


async def delete_message(
    cmd: c.DeleteMessage, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> Message:
    user_id = cmd.actor.require_user_id()

    async def attempt() -> Message:
        async with uow:
            message = await uow.messages.get(cmd.message_id)
            if message is None:
                raise MessageNotFound("no such message")
            if cmd.actor.is_admin:
                conversation = await uow.conversations.get(message.conversation_id, lock=True)
                member = await uow.members.get(message.conversation_id, user_id)
                assert conversation is not None
            else:
                conversation, member, message = await visible_message(
                    uow, cmd.actor, cmd.message_id, lock=True
                )
            if not _may_delete(cmd.actor, conversation, member, message):
                raise DeleteRefused(
                    "only the sender or the group's owner and admins may delete this message",
                    DeleteRefused.NOT_ALLOWED,
                )
            if message.deleted:
                return message
            await erase(uow, conversation, message, user_id, deps.clock.now())
            await uow.commit()
            return message

    return await retrying_on_stale(attempt)


async def message_history(
    cmd: c.GetMessageHistory, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> c.MessageHistory:
    async with uow.reading():
        _, _, message = await visible_message(uow, cmd.actor, cmd.message_id)
        edits = [] if message.deleted else await uow.message_edits.of(message.id)
    versions = []
    written = message.created_at
    for edit in edits:
        versions.append(
            c.BodyVersion(body=edit.body, written_at=written, replaced_at=edit.edited_at)
        )
        written = edit.edited_at
    current_since = message.deleted_at or message.edited_at or message.created_at
    versions.append(c.BodyVersion(body=message.body, written_at=current_since, replaced_at=None))
    return c.MessageHistory(message=message, versions=versions)


USE_CASES: dict[type, Callable[..., Any]] = {
    c.EditMessage: edit_message,
    c.DeleteMessage: delete_message,
    c.GetMessageHistory: message_history,
}
