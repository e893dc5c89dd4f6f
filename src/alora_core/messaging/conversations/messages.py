"""Messages' use cases: send (idempotent by the sender's ``client_id``) and read pages; the
other parts' use cases (edits, read state, reports, catching up) are bound here too.

Sending reads and checks first (membership, a retried ``client_id``, blocks, attachments, the
reply, the throttle) without a write transaction; the write transaction then only counts the
message on the conversation's row (locking it: numbers gap-free and in commit order), moves
the sender's read marker and inserts the message and its event. When the conversation's event
seq moved between the checks and the count, something may have changed (members, the booking),
and the member is checked again under the lock. Two sends of one ``client_id`` at once (in one
conversation or two): the database's unique ``(sender_id, client_id)`` fails the later one,
whose retry finds the first's message.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from alora_core.messaging.conversations import message_changes, read_state, replay, reports
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.errors import ClientIdReused, ConversationNotFound
from alora_core.messaging.conversations.events import MessageSent
from alora_core.messaging.conversations.message_access import (
    MessagesDeps,
    check_body,
    check_may_send,
    member_of,
    sees,
    sending_state,
    visible_message,
    within_limit,
)
from alora_core.messaging.conversations.messages_wire import message_data
from alora_core.messaging.conversations.model import (
    MAX_ATTACHMENTS,
    MAX_CLIENT_ID,
    Conversation,
    Member,
    Message,
)
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.errors import Conflict, Invalid
from alora_core.shared.retry import retrying_on_stale

_CLIENT_ID = re.compile(r"[\x21-\x7e]+")
"""Printable ASCII without spaces."""

logger = logging.getLogger(__name__)


def _client_id(value: str) -> str:
    if not 1 <= len(value) <= MAX_CLIENT_ID or not _CLIENT_ID.fullmatch(value):
        raise Invalid.field(
            "client_id", f"must be 1 to {MAX_CLIENT_ID} printable ASCII characters, no spaces"
        )
    return value


def _attachments(file_ids: tuple[uuid.UUID, ...]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(file_ids))
    if len(unique) > MAX_ATTACHMENTS:
        raise Invalid.field("attachment_file_ids", f"must name at most {MAX_ATTACHMENTS} files")
    return unique


async def _check_reply(
    uow: MessagingUnitOfWork, member: Member, reply_to_id: uuid.UUID | None
) -> None:
    if reply_to_id is None:
        return
    replied = await uow.messages.get(reply_to_id)
    if (
        replied is None
        or replied.conversation_id != member.conversation_id
        or not sees(member, replied.seq)
    ):
        raise Invalid.field("reply_to", "names no message of this conversation", "unknown-message")


async def _stored(
    uow: MessagingUnitOfWork, message_id: uuid.UUID, conversation: Conversation
) -> c.Sent:
    stored = await uow.messages.get(message_id)
    if stored is None:  # deleted with its conversation since
        raise Conflict("the message of this clientId is gone; try again")
    if stored.conversation_id != conversation.id:
        raise ClientIdReused(
            "this clientId was used in another conversation", ClientIdReused.CLIENT_ID_REUSED
        )
    return c.Sent(message=stored, created=False)


async def _without_socket(
    deps: MessagesDeps, members: Sequence[Member], sender_id: uuid.UUID
) -> set[uuid.UUID]:
    """The other active, unmuted members with no live socket now: those a notification may
    tell of the message (``messaging.notify_offline_members`` checks again when it runs). A
    message to members who are all connected records no ``MessageSent``, and costs no job."""
    now = deps.clock.now()
    others = {
        m.user_id for m in members if m.active and m.user_id != sender_id and not m.muted(now)
    }
    if not others or deps.presence is None:
        return others
    try:
        states = await deps.presence.query(others)
    except Exception:  # presence unknown: tell them, rather than risk telling no one
        logger.warning("presence not read; members are told as if offline", exc_info=True)
        return others
    return {user_id for user_id in others if not (user_id in states and states[user_id].online)}


async def send_message(cmd: c.SendMessage, uow: MessagingUnitOfWork, deps: MessagesDeps) -> c.Sent:
    user_id = cmd.actor.require_user_id()
    client_id = _client_id(cmd.client_id)
    body = check_body(cmd.body)
    attachments = _attachments(cmd.attachment_file_ids)
    counted = False

    async def attempt() -> c.Sent:
        nonlocal counted
        async with uow.reading():
            state, member = await sending_state(uow, user_id, cmd.conversation_id, client_id)
            if state.stored_id is not None:
                return await _stored(uow, state.stored_id, state.conversation)
            check_may_send(deps, state, member, deps.clock.now())
            if set(attachments) - await uow.own_files.files_of(user_id, attachments):
                raise Invalid.field(
                    "attachment_file_ids", "must name files you uploaded", "unknown-file"
                )
            await _check_reply(uow, member, cmd.reply_to_id)
        unreachable = await _without_socket(deps, state.members, user_id)
        if not counted:
            counted = True
            await within_limit(
                deps, f"messaging:send:{user_id}", deps.config.messages_limit, "messages"
            )
        async with uow:
            conversation, checked = state.conversation, state.conversation.event_seq
            now = deps.clock.now()
            if not await uow.conversations.count_message(conversation, now):
                raise ConversationNotFound("no such conversation")
            if conversation.event_seq != checked + 1:
                # Changed since the checks (every change of members or the booking counts an
                # event): check again what is stored now, under the lock.
                state, member = await sending_state(uow, user_id, conversation.id, client_id)
                if state.stored_id is not None:
                    raise Conflict("this clientId was stored meanwhile; try again")
                conversation = state.conversation
                check_may_send(deps, state, member, now)
            members = state.members
            message = Message(
                conversation_id=conversation.id,
                seq=conversation.last_seq,
                sender_id=user_id,
                client_id=client_id,
                body=body,
                created_at=now,
                attachment_file_ids=attachments,
                reply_to_id=cmd.reply_to_id,
            )
            await uow.messages.insert(message)
            if not await uow.members.mark_sent(member, message.seq):
                raise Conflict("the sender's membership changed meanwhile; try again")
            data = {"message": message_data(message)}
            await record_change(
                uow, conversation, members, "message.created", data, now, counted=True
            )
            recipients = tuple(m.user_id for m in members if m.active and m.user_id != user_id)
            offline = [r for r in recipients if r in unreachable]
            if offline:
                sent = MessageSent(
                    occurred_at=now,
                    conversation_id=conversation.id,
                    message_id=message.id,
                    seq=message.seq,
                    sender_id=user_id,
                    recipients=tuple(offline),
                )
                uow.record_events([sent])
            await uow.commit()
            return c.Sent(message=message, created=True)

    return await retrying_on_stale(attempt)


async def list_messages(
    cmd: c.ListMessages, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> list[Message]:
    if not 1 <= cmd.limit <= c.MAX_PAGE:
        raise Invalid.field("limit", f"must be 1 to {c.MAX_PAGE}")
    async with uow.reading():
        _, member = await member_of(uow, cmd.actor, cmd.conversation_id)
        return await uow.messages.page(
            cmd.conversation_id,
            before=cmd.before,
            after=cmd.after,
            limit=cmd.limit,
            up_to=member.until_seq,
        )


async def get_message(cmd: c.GetMessage, uow: MessagingUnitOfWork, deps: MessagesDeps) -> Message:
    async with uow.reading():
        _, _, message = await visible_message(uow, cmd.actor, cmd.message_id)
        return message


USE_CASES: dict[type, Callable[..., Any]] = {
    c.SendMessage: send_message,
    c.ListMessages: list_messages,
    c.GetMessage: get_message,
    **message_changes.USE_CASES,
    **read_state.USE_CASES,
    **reports.USE_CASES,
    **replay.USE_CASES,
}


def command_handlers(deps: MessagesDeps) -> dict[type, Callable[..., Any]]:
    """Each command of messages, read state, reports and catching up bound to its use case."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
