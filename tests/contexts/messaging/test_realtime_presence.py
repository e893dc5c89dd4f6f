"""Presence for contacts only, on every backend: who may follow a user's presence by
messaging's rule, and the commits after which the followers of a presence are asked again."""

from __future__ import annotations

import pytest

from alora_core.messaging.connections.commands import RemoveConnection, UnblockUser
from alora_core.messaging.presence import MaySeePresence
from alora_core.shared.actor import Actor
from alora_core.shared.presence import presence_topic
from alora_core.shared.realtime import ACCESS_CHANGED, Push
from support.backends import Backend

from .realtime_harness import Chat, as_user, build_chat


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await build_chat(backend)


async def may_see(chat: Chat, viewer: Actor, user_id: object) -> bool:
    seen: bool = await chat.handle(MaySeePresence(viewer=viewer, user_id=user_id))
    return seen


async def test_contacts_see_each_others_presence_and_no_one_else_does(chat: Chat) -> None:
    ann, bob, cy, dee, eve = await chat.users("ann", "bob", "cy", "dee", "eve")
    await chat.connect(ann, bob)
    await chat.booking_counterparts(ann, cy)
    await chat.conversation([ann, dee])  # a group: no contact

    for viewer, user in ((ann, bob), (bob, ann), (ann, cy), (cy, ann), (ann, ann)):
        assert await may_see(chat, as_user(viewer), user), (viewer, user)
    for viewer, user in ((ann, dee), (dee, ann), (bob, cy), (eve, ann)):
        assert not await may_see(chat, as_user(viewer), user), (viewer, user)
    assert not await may_see(chat, Actor(user_id=None, role=None), ann)


async def test_a_block_either_way_hides_presence_from_contacts(chat: Chat) -> None:
    ann, bob, cy = await chat.users("ann", "bob", "cy")
    await chat.connect(ann, bob)
    await chat.booking_counterparts(ann, cy)

    await chat.block(bob, ann)
    await chat.block(ann, cy)

    for viewer, user in ((ann, bob), (bob, ann), (ann, cy), (cy, ann)):
        assert not await may_see(chat, as_user(viewer), user), (viewer, user)


async def test_a_removed_connection_or_a_block_has_both_presences_asked_again(
    chat: Chat,
) -> None:
    ann, bob, cy = await chat.users("ann", "bob", "cy")
    await chat.connect(ann, bob)
    await chat.connect(ann, cy)
    chat.realtime.take()

    def rechecks() -> set[str]:
        return {push.topic for push in chat.realtime.take() if push.event == ACCESS_CHANGED}

    await chat.handle(RemoveConnection(actor=as_user(ann), user_id=bob))
    assert rechecks() == {presence_topic(ann), presence_topic(bob)}
    await chat.block(cy, ann)
    assert rechecks() == {presence_topic(ann), presence_topic(cy)}
    await chat.handle(UnblockUser(actor=as_user(cy), user_id=ann))
    assert rechecks() == set()
    assert Push(presence_topic(ann), ACCESS_CHANGED, {}) not in chat.realtime.take()
