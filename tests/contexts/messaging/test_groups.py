"""Group conversations, on every backend: creating, renaming, adding and removing members,
roles, leaving, and what a former member still sees. Groups hold at most 4 members here."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ConversationNotFound,
    GroupFull,
    MemberNotFound,
    NotAdmin,
    NotAGroup,
    UserNotFound,
)
from alora_core.messaging.conversations.model import ConversationKind, MemberRole
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.errors import Invalid, RateLimited
from contexts.messaging.conversations_harness import Chats, as_user, open_chats
from support.backends import Backend


@pytest.fixture
async def chats(backend: Backend) -> Chats:
    return await open_chats(backend)


def roles(view: ConversationView) -> dict[uuid.UUID, tuple[MemberRole, bool]]:
    return {m.user_id: (m.role, m.active) for m in view.members}


async def add(
    chats: Chats, actor: uuid.UUID, group: uuid.UUID, *users: uuid.UUID
) -> ConversationView:
    view: ConversationView = await chats.handle(
        c.AddMembers(actor=as_user(actor), conversation_id=group, user_ids=users)
    )
    return view


async def remove(
    chats: Chats, actor: uuid.UUID, group: uuid.UUID, user: uuid.UUID
) -> ConversationView:
    view: ConversationView = await chats.handle(
        c.RemoveMember(actor=as_user(actor), conversation_id=group, user_id=user)
    )
    return view


async def leave(chats: Chats, actor: uuid.UUID, group: uuid.UUID) -> ConversationView:
    view: ConversationView = await chats.handle(
        c.LeaveConversation(actor=as_user(actor), conversation_id=group)
    )
    return view


async def promote(
    chats: Chats, actor: uuid.UUID, group: uuid.UUID, user: uuid.UUID, role: MemberRole
) -> ConversationView:
    view: ConversationView = await chats.handle(
        c.SetMemberRole(actor=as_user(actor), conversation_id=group, user_id=user, role=role)
    )
    return view


async def test_create_a_group_owned_by_its_creator(chats: Chats) -> None:
    ana, bob, cid = await chats.user("ana"), await chats.user("bob"), await chats.user("cid")
    view = await chats.group(ana, bob, cid, bob, title="  Garden party  ")
    assert view.conversation.kind is ConversationKind.GROUP
    assert view.conversation.title == "Garden party"
    assert roles(view) == {
        ana: (MemberRole.OWNER, True),
        bob: (MemberRole.MEMBER, True),
        cid: (MemberRole.MEMBER, True),
    }
    assert set(view.people) == {bob, cid}
    [created] = chats.changes(view.conversation.id)
    assert created.data["change"] == "created"
    assert set(created.recipients) == {ana, bob, cid}


@pytest.mark.parametrize("title", ["", "   ", "x" * 101, "evil\u202etxt", "line\nbreak", "nul\x00"])
async def test_titles_are_checked(chats: Chats, title: str) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    with pytest.raises(Invalid):
        await chats.group(ana, bob, title=title)


async def test_members_must_be_reachable_and_within_the_caps(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    shy = await chats.user("shy", allow_direct_messages=False)
    enemy = await chats.user("enemy")
    await chats.block(enemy, ana)
    with pytest.raises(Invalid):
        await chats.group(ana)
    with pytest.raises(Invalid):
        await chats.group(ana, ana, bob)
    with pytest.raises(UserNotFound):
        await chats.group(ana, bob, enemy)
    with pytest.raises(UserNotFound):
        await chats.group(ana, bob, uuid.uuid4())
    with pytest.raises(CannotMessage):
        await chats.group(ana, bob, shy)
    await chats.connect(ana, shy)
    others = [await chats.user(f"u{i}") for i in range(3)]
    with pytest.raises(GroupFull):
        await chats.group(ana, shy, *others)
    await chats.group(ana, shy, *others[:2])
    await chats.group(ana, bob)
    await chats.group(ana, bob)
    with pytest.raises(RateLimited):
        await chats.group(ana, bob)


async def test_owner_and_admins_manage_members(chats: Chats) -> None:
    ana, bob, cid, dan = [await chats.user(n) for n in ("ana", "bob", "cid", "dan")]
    group = (await chats.group(ana, bob)).conversation.id
    with pytest.raises(NotAdmin):
        await add(chats, bob, group, cid)
    with pytest.raises(NotAdmin) as refused:
        await promote(chats, bob, group, bob, MemberRole.ADMIN)
    assert refused.value.reason == NotAdmin.NOT_OWNER
    view = await promote(chats, ana, group, bob, MemberRole.ADMIN)
    assert roles(view)[bob] == (MemberRole.ADMIN, True)
    view = await add(chats, bob, group, cid, dan, cid)
    assert set(roles(view)) == {ana, bob, cid, dan}
    eve = await chats.user("eve")
    with pytest.raises(GroupFull):
        await add(chats, ana, group, eve)
    view = await add(chats, ana, group, cid)  # already there: nothing changes
    assert len(view.members) == 4
    with pytest.raises(NotAdmin):
        await remove(chats, bob, group, ana)
    view = await remove(chats, bob, group, dan)
    assert roles(view)[dan] == (MemberRole.MEMBER, False)
    await promote(chats, ana, group, cid, MemberRole.ADMIN)
    with pytest.raises(NotAdmin) as refused:
        await remove(chats, bob, group, cid)
    assert refused.value.reason == NotAdmin.NOT_OWNER
    view = await remove(chats, ana, group, cid)
    assert roles(view)[cid] == (MemberRole.ADMIN, False)
    with pytest.raises(MemberNotFound):
        await remove(chats, ana, group, cid)
    with pytest.raises(MemberNotFound):
        await promote(chats, ana, group, cid, MemberRole.MEMBER)
    with pytest.raises(Invalid):
        await promote(chats, ana, group, bob, MemberRole.OWNER)
    kinds = [e.data["change"] for e in chats.changes(group)]
    assert kinds == [
        "created",
        "role-changed",
        "members-added",
        "member-removed",
        "role-changed",
        "member-removed",
    ]


async def test_rename_by_managers_only(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    group = (await chats.group(ana, bob)).conversation.id
    with pytest.raises(NotAdmin):
        await chats.handle(c.RenameGroup(actor=as_user(bob), conversation_id=group, title="Mine"))
    view = await chats.handle(
        c.RenameGroup(actor=as_user(ana), conversation_id=group, title=" Ours ")
    )
    assert view.conversation.title == "Ours"
    assert chats.changes(group)[-1].data["conversation"]["title"] == "Ours"


async def test_a_removed_member_keeps_the_history_up_to_removal(chats: Chats) -> None:
    ana, bob, cid = await chats.user("ana"), await chats.user("bob"), await chats.user("cid")
    group = (await chats.group(ana, bob, cid)).conversation.id
    await chats.send(group, ana, "before")
    chats.clock.advance(timedelta(minutes=1))
    await remove(chats, ana, group, bob)
    removal = chats.changes(group)[-1]
    assert bob in removal.recipients
    chats.clock.advance(timedelta(minutes=1))
    await chats.send(group, ana, "after")
    await chats.handle(c.RenameGroup(actor=as_user(ana), conversation_id=group, title="Later"))
    assert bob not in chats.changes(group)[-1].recipients
    seen = await chats.view(bob, group)
    assert not seen.member.active
    assert (seen.member.until_seq, seen.member.until_event) == (1, removal.seq)
    assert (seen.conversation.last_seq, seen.conversation.event_seq) == (1, removal.seq)
    assert seen.last_message is not None and seen.last_message.body == "before"
    assert seen.unread_count == 1
    page = await chats.handle(c.ListConversations(actor=as_user(bob)))
    assert [v.conversation.id for v in page.items] == [group]
    with pytest.raises(CannotMessage):
        await leave(chats, bob, group)


async def test_someone_added_again_is_a_member_anew(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    group = (await chats.group(ana, bob)).conversation.id
    await leave(chats, bob, group)
    await chats.send(group, ana, "while away")
    chats.clock.advance(timedelta(minutes=1))
    view = await add(chats, ana, group, bob)
    assert roles(view)[bob] == (MemberRole.MEMBER, True)
    back = await chats.view(bob, group)
    assert back.member.active and back.member.until_seq is None
    assert back.last_message is not None and back.last_message.body == "while away"
    assert back.unread_count == 0
    assert back.member.joined_at == chats.clock.now()


async def test_the_owner_leaving_hands_the_group_on(chats: Chats) -> None:
    ana, bob, cid, dan = [await chats.user(n) for n in ("ana", "bob", "cid", "dan")]
    group = (await chats.group(ana, bob, cid)).conversation.id
    chats.clock.advance(timedelta(minutes=1))
    await add(chats, ana, group, dan)
    await promote(chats, ana, group, dan, MemberRole.ADMIN)
    view = await leave(chats, ana, group)
    assert not view.member.active
    after = await chats.view(bob, group)
    assert roles(after)[dan] == (MemberRole.OWNER, True)
    assert roles(after)[ana] == (MemberRole.MEMBER, False)
    await leave(chats, dan, group)
    assert roles(await chats.view(bob, group))[bob][0] is MemberRole.OWNER
    await leave(chats, bob, group)
    await leave(chats, cid, group)
    assert not any(active for _, active in roles(await chats.view(cid, group)).values())


async def test_direct_and_booking_conversations_are_no_groups(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    direct = (await chats.direct(ana, bob)).view.conversation.id
    booking = await chats.booking_conversation(ana, bob)
    for conversation in (direct, booking):
        for command in (
            c.LeaveConversation(actor=as_user(ana), conversation_id=conversation),
            c.AddMembers(actor=as_user(ana), conversation_id=conversation, user_ids=(bob,)),
            c.RemoveMember(actor=as_user(ana), conversation_id=conversation, user_id=bob),
            c.RenameGroup(actor=as_user(ana), conversation_id=conversation, title="x"),
        ):
            with pytest.raises(NotAGroup):
                await chats.handle(command)


async def test_strangers_manage_nothing(chats: Chats) -> None:
    ana, bob, eve = await chats.user("ana"), await chats.user("bob"), await chats.user("eve")
    group = (await chats.group(ana, bob)).conversation.id
    for command in (
        c.LeaveConversation(actor=as_user(eve), conversation_id=group),
        c.AddMembers(actor=as_user(eve), conversation_id=group, user_ids=(ana,)),
        c.RemoveMember(actor=as_user(eve), conversation_id=group, user_id=bob),
        c.RenameGroup(actor=as_user(eve), conversation_id=group, title="x"),
        c.SetMemberRole(
            actor=as_user(eve), conversation_id=group, user_id=bob, role=MemberRole.ADMIN
        ),
        c.GetConversation(actor=as_user(eve), conversation_id=group),
    ):
        with pytest.raises(ConversationNotFound):
            await chats.handle(command)
