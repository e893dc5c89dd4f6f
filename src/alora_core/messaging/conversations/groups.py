"""Group conversations: created by their owner with members the owner may talk with, renamed,
members added and removed by the owner and admins, roles set by the owner, left by members.

Every change is one ``conversation.updated`` event (``created``, ``renamed``,
``members-added``, ``member-removed``, ``member-left``, ``role-changed``). A member removed or
leaving keeps the messages up to then (``until_seq``) and the events up to their removal's
(``until_event``), read-only. Added again later, they are a member anew, like anyone added:
they see the whole history (messages sent meanwhile included), start with everything read,
and their joining time is the new one. Direct and booking conversations have none of this
(``NotAGroup``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations.conversation_access import (
    ConversationsDeps,
    check_limit,
    check_title,
    count,
    membership,
    reachable,
    read_view,
    record,
)
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    GroupFull,
    MemberNotFound,
    NotAdmin,
    NotAGroup,
)
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
)
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.errors import Invalid
from alora_core.shared.retry import retrying_on_stale

_MANAGERS = (MemberRole.OWNER, MemberRole.ADMIN)


def _full(deps: ConversationsDeps) -> GroupFull:
    most = deps.config.max_group_members
    return GroupFull(f"a group has at most {most} members", GroupFull.GROUP_FULL)


def _check_group(conversation: Conversation, member: Member) -> None:
    if conversation.kind is not ConversationKind.GROUP:
        raise NotAGroup(f"a {conversation.kind} conversation is not a group", NotAGroup.NOT_A_GROUP)
    if not member.active:
        raise CannotMessage("you are no longer a member of this conversation", CannotMessage.LEFT)


def _check_manager(member: Member) -> None:
    if member.role not in _MANAGERS:
        raise NotAdmin("only the group's owner and admins may do this", NotAdmin.NOT_ADMIN)


def _new_ids(user_ids: Sequence[uuid.UUID], field: str, user_id: uuid.UUID) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        raise Invalid.field(field, "must name at least one user", "required")
    if user_id in ids:
        raise Invalid.field(field, "must not include yourself")
    return ids


async def _change(
    uow: MessagingUnitOfWork,
    deps: ConversationsDeps,
    user_id: uuid.UUID,
    conversation_id: uuid.UUID,
    change: Callable[[Conversation, Member, list[Member], datetime], Any],
) -> ConversationView:
    """Run ``change`` on the locked group and its members; it records its event (or none
    when nothing changed)."""

    async def attempt() -> None:
        async with uow:
            conversation, member = await membership(uow, user_id, conversation_id, lock=True)
            _check_group(conversation, member)
            members = await uow.members.of(conversation_id)
            mine = next(m for m in members if m.user_id == user_id)
            await change(conversation, mine, members, deps.clock.now())
            await uow.commit()

    await retrying_on_stale(attempt)
    return await read_view(uow, deps, user_id, conversation_id)


async def create_group(
    cmd: c.CreateGroup, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    user_id = cmd.actor.require_user_id()
    title = check_title(cmd.title)
    member_ids = _new_ids(cmd.member_ids, "member_ids", user_id)
    if len(member_ids) + 1 > deps.config.max_group_members:
        raise _full(deps)
    key, limit = f"messaging:groups:{user_id}", deps.config.groups_limit

    async def attempt() -> Conversation:
        async with uow:
            await reachable(uow, user_id, member_ids)
            await check_limit(deps, key, limit, "new groups")
            now = deps.clock.now()
            conversation = Conversation(
                kind=ConversationKind.GROUP,
                title=title,
                created_at=now,
                last_activity_at=now,
                created_by=user_id,
            )
            uow.conversations.add(conversation)
            members = [
                Member(
                    conversation_id=conversation.id,
                    user_id=member_id,
                    role=MemberRole.OWNER if member_id == user_id else MemberRole.MEMBER,
                    joined_at=now,
                )
                for member_id in [user_id, *member_ids]
            ]
            for member in members:
                uow.members.add(member)
            await record(uow, deps, conversation, members, "created", now)
            await uow.commit()
        return conversation

    conversation = await retrying_on_stale(attempt)
    await count(deps, key, limit)
    return await read_view(uow, deps, user_id, conversation.id)


async def rename_group(
    cmd: c.RenameGroup, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    title = check_title(cmd.title)

    async def change(
        conversation: Conversation, mine: Member, members: list[Member], now: datetime
    ) -> None:
        _check_manager(mine)
        if conversation.title != title:
            conversation.title = title
            await record(uow, deps, conversation, members, "renamed", now)

    return await _change(uow, deps, cmd.actor.require_user_id(), cmd.conversation_id, change)


async def add_members(
    cmd: c.AddMembers, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    user_id = cmd.actor.require_user_id()
    wanted = _new_ids(cmd.user_ids, "user_ids", user_id)

    async def change(
        conversation: Conversation, mine: Member, members: list[Member], now: datetime
    ) -> None:
        _check_manager(mine)
        by_user = {m.user_id: m for m in members}
        new = [i for i in wanted if i not in by_user or not by_user[i].active]
        if not new:
            return
        if sum(m.active for m in members) + len(new) > deps.config.max_group_members:
            raise _full(deps)
        await reachable(uow, user_id, new)
        for new_id in new:
            member = by_user.get(new_id)
            if member is None:
                member = Member(
                    conversation_id=conversation.id,
                    user_id=new_id,
                    role=MemberRole.MEMBER,
                    joined_at=now,
                )
                uow.members.add(member)
                members.append(member)
            member.role = MemberRole.MEMBER
            member.joined_at = now
            member.read_seq = conversation.last_seq
            member.left_at = member.until_seq = member.until_event = None
        conversation.last_activity_at = now
        await record(uow, deps, conversation, members, "members-added", now)

    return await _change(uow, deps, user_id, cmd.conversation_id, change)


def _depart(conversation: Conversation, member: Member, now: datetime) -> None:
    member.left_at = now
    member.until_seq = conversation.last_seq
    member.until_event = conversation.event_seq + 1  # the seq of the change recording it
    member.muted_until, member.muted_forever = None, False


async def _leave(
    deps: ConversationsDeps,
    uow: MessagingUnitOfWork,
    conversation: Conversation,
    mine: Member,
    members: list[Member],
    now: datetime,
) -> None:
    if mine.role is MemberRole.OWNER:
        staying = [m for m in members if m.active and m is not mine]
        admins = [m for m in staying if m.role is MemberRole.ADMIN]
        successor = min(admins or staying, key=lambda m: (m.joined_at, m.id), default=None)
        if successor is not None:
            successor.role = MemberRole.OWNER
        mine.role = MemberRole.MEMBER
    _depart(conversation, mine, now)
    await record(uow, deps, conversation, members, "member-left", now)


async def leave_conversation(
    cmd: c.LeaveConversation, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    """The owner leaving hands the group to its longest-standing admin, else member; the last
    member leaving leaves it empty."""

    async def change(
        conversation: Conversation, mine: Member, members: list[Member], now: datetime
    ) -> None:
        await _leave(deps, uow, conversation, mine, members, now)

    return await _change(uow, deps, cmd.actor.require_user_id(), cmd.conversation_id, change)


def _active_member(members: list[Member], user_id: uuid.UUID) -> Member:
    found = next((m for m in members if m.user_id == user_id and m.active), None)
    if found is None:
        raise MemberNotFound("no such member")
    return found


async def remove_member(
    cmd: c.RemoveMember, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    """An admin may remove members; only the owner may remove an admin; nobody removes the
    owner. Removing oneself is leaving."""

    async def change(
        conversation: Conversation, mine: Member, members: list[Member], now: datetime
    ) -> None:
        if cmd.user_id == mine.user_id:
            await _leave(deps, uow, conversation, mine, members, now)
            return
        _check_manager(mine)
        target = _active_member(members, cmd.user_id)
        if target.role is MemberRole.OWNER or (
            target.role is MemberRole.ADMIN and mine.role is not MemberRole.OWNER
        ):
            raise NotAdmin("only the owner may remove an admin", NotAdmin.NOT_OWNER)
        _depart(conversation, target, now)
        await record(uow, deps, conversation, members, "member-removed", now)

    return await _change(uow, deps, cmd.actor.require_user_id(), cmd.conversation_id, change)


async def set_member_role(
    cmd: c.SetMemberRole, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    if cmd.role is MemberRole.OWNER:
        raise Invalid.field("role", "must be admin or member")

    async def change(
        conversation: Conversation, mine: Member, members: list[Member], now: datetime
    ) -> None:
        if mine.role is not MemberRole.OWNER:
            raise NotAdmin("only the group's owner may change roles", NotAdmin.NOT_OWNER)
        if cmd.user_id == mine.user_id:
            raise Invalid.field("user_id", "the owner's role is not changed here")
        target = _active_member(members, cmd.user_id)
        if target.role is not cmd.role:
            target.role = cmd.role
            await record(uow, deps, conversation, members, "role-changed", now)

    return await _change(uow, deps, cmd.actor.require_user_id(), cmd.conversation_id, change)


USE_CASES: dict[type, Callable[..., Any]] = {
    c.CreateGroup: create_group,
    c.RenameGroup: rename_group,
    c.AddMembers: add_members,
    c.RemoveMember: remove_member,
    c.LeaveConversation: leave_conversation,
    c.SetMemberRole: set_member_role,
}
