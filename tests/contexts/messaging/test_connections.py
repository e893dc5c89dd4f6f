"""Connection requests and connections on every backend (memory, SQLite, PostgreSQL): sending,
answering, crossing requests, the refusals and caps, the cooldown after a rejection, removal
and expiry."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from alora_core.messaging.connections import commands as c
from alora_core.messaging.connections import events
from alora_core.messaging.connections.errors import (
    NotConnected,
    RequestNotFound,
    RequestNotPending,
    RequestRefused,
    TooManyRequestsToday,
    UserNotFound,
)
from alora_core.messaging.connections.model import RequestStatus
from alora_core.messaging.connections.ports import Direction
from alora_core.notifications.commands import ListNotifications
from alora_core.shared.errors import Invalid
from contexts.messaging.connections_harness import Social, as_user, open_social
from entrypoints.scheduler import run_scheduled
from support.backends import Backend, committed_events


@pytest.fixture
async def social(backend: Backend) -> Social:
    return await open_social(backend)


async def titles(social: Social, user_id: uuid.UUID) -> list[str]:
    page = await social.handle(ListNotifications(actor=as_user(user_id), limit=50))
    return [notification.title for notification in page.items]


async def test_a_request_waits_then_its_acceptance_connects_the_two(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    seen = committed_events(social.alora)

    sent = await social.ask(ana, ben, "  Hi Ben!\nLet's connect.  ")
    request = sent.request
    assert (request.sender_id, request.recipient_id) == (ana, ben)
    assert request.status is RequestStatus.PENDING and request.answered_at is None
    assert request.message == "Hi Ben!\nLet's connect."
    assert sent.other.id == ben and sent.other.username == "ben"
    [received] = await social.requests(ben)
    assert received.request.id == request.id and received.other.id == ana
    [mine] = await social.requests(ana, Direction.SENT, RequestStatus.PENDING)
    assert mine.other.id == ben
    assert await social.requests(ana) == []
    assert await titles(social, ben) == ["New connection request"]

    accepted = await social.accept(ben, request.id)
    assert accepted.request.status is RequestStatus.ACCEPTED
    assert accepted.request.answered_at == social.clock.now()
    assert await social.connections(ana) == [ben]
    assert await social.connections(ben) == [ana]
    assert (await social.relationship(ana, ben)).connected
    assert await social.related_ids(ben) == ({ana}, set())
    assert await titles(social, ana) == ["Connection request accepted"]
    names = [event.name for event in seen]
    assert names[:2] == ["connection.requested", "connection.accepted"]
    page = await social.handle(c.ListConnections(actor=as_user(ana)))
    assert page.items[0].connected_at == social.clock.now() and page.total == 1


async def test_only_the_recipient_answers_and_only_the_sender_withdraws(social: Social) -> None:
    ana, ben, eve = await social.user("ana"), await social.user("ben"), await social.user("eve")
    request = (await social.ask(ana, ben)).request
    for user in (ana, eve):
        with pytest.raises(RequestNotFound):
            await social.accept(user, request.id)
        with pytest.raises(RequestNotFound):
            await social.reject(user, request.id)
    for user in (ben, eve):
        with pytest.raises(RequestNotFound):
            await social.withdraw(user, request.id)

    withdrawn = await social.withdraw(ana, request.id)
    assert withdrawn.request.status is RequestStatus.WITHDRAWN
    with pytest.raises(RequestNotPending) as refused:
        await social.accept(ben, request.id)
    assert refused.value.reason == "not-pending"
    assert await social.connections(ben) == []
    [listed] = await social.requests(ben, status=RequestStatus.WITHDRAWN)
    assert listed.request.id == request.id


async def test_a_request_crossing_one_from_the_other_side_accepts_it(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    theirs = (await social.ask(ben, ana)).request

    crossing = await social.ask(ana, ben)
    assert crossing.request.id == theirs.id
    assert crossing.request.status is RequestStatus.ACCEPTED
    assert crossing.other.id == ben
    assert await social.connections(ana) == [ben]
    assert await social.requests(ana, status=RequestStatus.PENDING) == []
    assert await social.requests(ben, status=RequestStatus.PENDING) == []
    assert await titles(social, ben) == ["Connection request accepted"]


async def test_requests_are_refused_each_with_its_reason(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    sam = await social.user("sam", suspended=True)
    with pytest.raises(Invalid) as invalid:
        await social.ask(ana, ana)
    assert invalid.value.errors[0].field == "user_id"
    for nobody in (sam, uuid.UUID(int=1)):
        with pytest.raises(UserNotFound):
            await social.ask(ana, nobody)
    with pytest.raises(Invalid) as too_long:
        await social.ask(ana, ben, "x" * 501)
    assert too_long.value.errors[0].field == "message"
    with pytest.raises(Invalid):
        await social.ask(ana, ben, "look \u202eright")
    assert (await social.ask(ana, ben, " " * 10 + "x" * 500 + " ")).request.message == "x" * 500

    with pytest.raises(RequestRefused) as pending:
        await social.ask(ana, ben)
    assert pending.value.reason == "request-pending"
    await social.accept(ben, (await social.requests(ben))[0].request.id)
    for sender, recipient in ((ana, ben), (ben, ana)):
        with pytest.raises(RequestRefused) as connected:
            await social.ask(sender, recipient)
        assert connected.value.reason == "already-connected"


async def test_a_rejected_sender_waits_before_asking_again(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    rejected = await social.reject(ben, (await social.ask(ana, ben)).request.id)
    assert rejected.request.status is RequestStatus.REJECTED
    assert await titles(social, ana) == []  # a rejection is told to nobody
    with pytest.raises(RequestRefused) as refused:
        await social.ask(ana, ben)
    assert refused.value.reason == "recently-rejected"
    social.clock.advance(timedelta(days=6, hours=23))
    with pytest.raises(RequestRefused):
        await social.ask(ana, ben)
    social.clock.advance(timedelta(hours=1))
    assert (await social.ask(ana, ben)).request.status is RequestStatus.PENDING


async def test_the_one_who_rejected_may_ask_at_once(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    await social.reject(ben, (await social.ask(ana, ben)).request.id)
    assert (await social.ask(ben, ana)).request.status is RequestStatus.PENDING


async def test_open_requests_are_capped(social: Social) -> None:
    ana = await social.user("ana")
    others = [await social.user(f"user{i}") for i in range(4)]
    sent = [await social.ask(ana, other) for other in others[:3]]
    with pytest.raises(RequestRefused) as refused:
        await social.ask(ana, others[3])
    assert refused.value.reason == "too-many-open-requests"
    await social.withdraw(ana, sent[0].request.id)
    await social.ask(ana, others[3])


async def test_requests_per_day_are_capped_and_counted_over_24_hours(social: Social) -> None:
    ana = await social.user("ana")
    others = [await social.user(f"user{i}") for i in range(6)]
    for index, other in enumerate(others[:5]):
        request = (await social.ask(ana, other)).request
        await social.withdraw(ana, request.id)
        if index == 0:
            social.clock.advance(timedelta(hours=2))
    with pytest.raises(TooManyRequestsToday) as limited:
        await social.ask(ana, others[5])
    assert limited.value.retry_after_seconds == 22 * 3600
    social.clock.advance(timedelta(hours=22))
    await social.ask(ana, others[5])


async def test_unanswered_requests_expire_and_their_senders_are_told(social: Social) -> None:
    ana, ben, eve = await social.user("ana"), await social.user("ben"), await social.user("eve")
    old = (await social.ask(ana, ben)).request
    social.clock.advance(timedelta(days=10))
    young = (await social.ask(eve, ben)).request
    social.clock.advance(timedelta(days=4, seconds=1))
    seen = committed_events(social.alora)

    summary = await run_scheduled(social.alora, "connection-request-expiry", social.clock.now())
    assert summary.startswith("expired 1 connection request(s)")
    [expired] = await social.requests(ben, status=RequestStatus.EXPIRED)
    assert expired.request.id == old.id and expired.request.answered_at == social.clock.now()
    [pending] = await social.requests(ben, status=RequestStatus.PENDING)
    assert pending.request.id == young.id
    assert [e.name for e in seen if isinstance(e, events.ConnectionExpired)] == [
        "connection.expired"
    ]
    assert await titles(social, ana) == ["Connection request expired"]
    assert await social.handle(c.ExpireConnectionRequests(older_than=timedelta(days=14))) == 0
    assert (await social.ask(ana, ben)).request.status is RequestStatus.PENDING


async def test_either_user_removes_a_connection(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    await social.connect(ana, ben)
    seen = committed_events(social.alora)
    await social.handle(c.RemoveConnection(actor=as_user(ben), user_id=ana))
    assert await social.connections(ana) == []
    assert not (await social.relationship(ana, ben)).connected
    [removed] = [e for e in seen if isinstance(e, events.ConnectionRemoved)]
    assert (removed.removed_by, removed.other_id, removed.blocked) == (ben, ana, False)
    with pytest.raises(NotConnected):
        await social.handle(c.RemoveConnection(actor=as_user(ana), user_id=ben))
    # They may connect again.
    await social.connect(ana, ben)
    assert await social.connections(ben) == [ana]


async def test_lists_page_newest_first(social: Social) -> None:
    ana = await social.user("ana")
    others = [await social.user(f"user{i}") for i in range(3)]
    for other in others:
        await social.ask(ana, other)
        social.clock.advance(timedelta(minutes=1))
    page = await social.handle(
        c.ListConnectionRequests(actor=as_user(ana), direction=Direction.SENT, page_size=2)
    )
    assert [view.other.id for view in page.items] == [others[2], others[1]]
    assert (page.total, page.pages) == (3, 2)
