"""The contacts list, on every backend: connections and booking counterparts less blocks and
suspended users, by name, filtered by ``q`` and ``online``, with presence where it shows."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from alora_core.identity.model import Visibility
from alora_core.messaging.contacts import ListContacts
from alora_core.shared.errors import Invalid
from support.backends import Backend
from support.builders import change_user

from .realtime_harness import Chat, as_user, build_chat


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await build_chat(backend)


async def contacts(chat: Chat, user: uuid.UUID, **query: Any) -> Any:
    return await chat.handle(ListContacts(actor=as_user(user), **query))


def names(page: Any) -> list[str]:
    return [contact.person.full_name for contact in page.items]


async def test_contacts_are_connections_and_booking_counterparts_by_name(chat: Chat) -> None:
    me = await chat.user("me")
    zed = await chat.user("zed", full_name="Zed Zimmer")
    amy = await chat.user("amy", full_name="amy Adams")
    bo = await chat.user("bo", full_name="Bo Brown")
    cy = await chat.user("cy", full_name="Cy Cole")
    sus = await chat.user("sus", full_name="Sus Pended")
    stranger = await chat.user("stranger")
    for other in (zed, bo, sus):
        await chat.connect(me, other)
    await chat.booking_counterparts(amy, me)
    await chat.booking_counterparts(me, cy)
    await chat.conversation([me, stranger])
    await chat.block(cy, me)
    await change_user(chat.alora, sus, lambda user: user.suspend("spam", chat.clock.now()))

    page = await contacts(chat, me)
    assert names(page) == ["amy Adams", "Bo Brown", "Zed Zimmer"]
    assert page.next_cursor is None
    assert names(await contacts(chat, amy)) == ["Me Example"]


async def test_q_matches_names_and_usernames_ignoring_case(chat: Chat) -> None:
    me = await chat.user("me")
    ana = await chat.user("ana", full_name="Ana Lima")
    bob = await chat.user("bob", full_name="Bob Stone")
    for other in (ana, bob):
        await chat.connect(me, other)

    assert names(await contacts(chat, me, q="  LIMA ")) == ["Ana Lima"]
    assert names(await contacts(chat, me, q="BOB_")) == ["Bob Stone"]  # its username
    assert names(await contacts(chat, me, q="   ")) == ["Ana Lima", "Bob Stone"]
    with pytest.raises(Invalid):
        await contacts(chat, me, q="x" * 101)


async def test_online_keeps_those_online_whose_presence_shows(chat: Chat) -> None:
    me = await chat.user("me")
    on = await chat.user("on", full_name="On Line")
    off = await chat.user("off", full_name="Off Line")
    hidden = await chat.user("hid", full_name="Hid Den", profile_visibility=Visibility.PRIVATE)
    for other in (on, off, hidden):
        await chat.connect(me, other)
    for user in (on, hidden):
        await chat.presence.connect(user, uuid.uuid4())

    everyone = await contacts(chat, me)
    states = {c.person.full_name: c.presence for c in everyone.items}
    assert states["On Line"].online is True
    assert states["Off Line"].online is False
    assert states["Hid Den"] is None  # a private profile's presence does not show
    assert names(await contacts(chat, me, online=True)) == ["On Line"]


async def test_pages_follow_the_cursor_and_a_bad_cursor_is_refused(chat: Chat) -> None:
    me = await chat.user("me")
    for index in range(5):
        await chat.connect(me, await chat.user(f"u{index}", full_name=f"User {index}"))

    first = await contacts(chat, me, limit=2)
    second = await contacts(chat, me, limit=2, cursor=first.next_cursor)
    third = await contacts(chat, me, limit=2, cursor=second.next_cursor)
    assert names(first) + names(second) + names(third) == [f"User {i}" for i in range(5)]
    assert third.next_cursor is None
    for cursor in ("nope", first.next_cursor + "x"):
        with pytest.raises(Invalid):
            await contacts(chat, me, cursor=cursor)
    with pytest.raises(Invalid):
        await contacts(chat, me, limit=0)
