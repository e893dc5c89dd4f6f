"""Telling members about messages they have not seen: one notification per conversation.

``notify_offline_members`` (the messaging module's handler of ``message.sent``) picks who to
tell: the message's recipients who are still members, have not muted the conversation, have
not read past it and have no open socket (``Presence``); for each it records a
``MessageNoticeDue`` with what they have not read. ``notice_rules`` turns that into a
``Notice`` with the collapse key ``conversation:<id>``: while the recipient has not read the
notification, later messages update it ("3 new messages from Ana") instead of adding one, and
only the first sends an email (the digest rule, ``docs/api/messaging.md``). Notices never
quote messages: an edit or a deletion leaves nothing behind in notifications or mail.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from attrs import frozen

from alora_core.messaging.conversations.events import MessageSent
from alora_core.messaging.conversations.model import ConversationKind
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.events import DomainEvent
from alora_core.shared.notices import Notice, NoticeRule, NotificationType
from alora_core.shared.presence import Presence

NAME_CHARS = 80
"""Of a sender's name or a group's title in a notification's title."""


@frozen(kw_only=True)
class MessageNoticeDue(DomainEvent):
    """A member is to be told about the messages they have not read in a conversation."""

    name: ClassVar[str] = "message.notice_due"
    recipient_id: uuid.UUID
    conversation_id: uuid.UUID
    conversation_kind: str
    conversation_title: str | None
    sender_name: str
    """Of the latest message."""
    unread: int


async def notify_offline_members(
    event: MessageSent, uow: MessagingUnitOfWork, *, presence: Presence, now: datetime
) -> None:
    """Inside an open unit of work (the job's): record a ``MessageNoticeDue`` for each
    recipient to tell. A message deleted before this runs tells no one."""
    conversation = await uow.conversations.get(event.conversation_id)
    message = await uow.messages.get(event.message_id)
    if conversation is None or message is None or message.deleted:
        return
    members = {m.user_id: m for m in await uow.members.of(conversation.id)}
    candidates = [
        member
        for user_id in event.recipients
        if (member := members.get(user_id)) is not None
        and member.active
        and not member.muted(now)
        and member.read_seq < event.seq
    ]
    if candidates:
        states = await presence.query([m.user_id for m in candidates])
        candidates = [
            m for m in candidates if not (m.user_id in states and states[m.user_id].online)
        ]
    if not candidates:
        return
    sender = await uow.people.get(event.sender_id)
    sender_name = sender.full_name if sender is not None else "Someone"
    due: list[DomainEvent] = []
    for member in candidates:
        counts = await uow.messages.unread_counts(member.user_id, conversation.id)
        unread = counts.get(conversation.id, 0)
        if unread:
            due.append(
                MessageNoticeDue(
                    occurred_at=now,
                    recipient_id=member.user_id,
                    conversation_id=conversation.id,
                    conversation_kind=conversation.kind.value,
                    conversation_title=conversation.title,
                    sender_name=sender_name,
                    unread=unread,
                )
            )
    uow.record_events(due)


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1].rstrip() + "…"


def message_notice(event: MessageNoticeDue) -> Notice:
    what = "A new message" if event.unread == 1 else f"{event.unread} new messages"
    if event.conversation_kind == ConversationKind.GROUP and event.conversation_title:
        title = f"{what} in {_short(event.conversation_title)}"
    else:
        title = f"{what} from {_short(event.sender_name)}"
    conversation_id = str(event.conversation_id)
    return Notice(
        recipient_id=event.recipient_id,
        type=NotificationType.INFO,
        title=title,
        body="Open the conversation to read and answer.",
        link=f"/conversations/{conversation_id}",
        data={"kind": "message", "conversationId": conversation_id, "unread": event.unread},
        email_kind="message",
        collapse_key=f"conversation:{conversation_id}",
    )


def notice_rules() -> list[NoticeRule]:
    return [NoticeRule(MessageNoticeDue, "notifications.message_notice", message_notice)]
