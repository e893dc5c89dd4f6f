"""Messaging: connections, blocks, conversations (direct, group, a booking's), messages, read
state, typing and presence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from attrs import frozen

from alora_core.booking.bookings import events as booking_events
from alora_core.messaging import contacts, notices, presence
from alora_core.messaging.booking_chats import follow
from alora_core.messaging.booking_chats import use_cases as booking_chats
from alora_core.messaging.connections import notices as connection_notices
from alora_core.messaging.connections import use_cases as connections
from alora_core.messaging.connections.commands import ExpireConnectionRequests
from alora_core.messaging.conversations import messages
from alora_core.messaging.conversations import use_cases as conversations
from alora_core.messaging.conversations.conversation_access import (
    ConversationsConfig,
    ConversationsDeps,
)
from alora_core.messaging.conversations.errors import ResyncRequired
from alora_core.messaging.conversations.events import MessageSent
from alora_core.messaging.conversations.message_access import MessagesConfig, MessagesDeps
from alora_core.messaging.conversations.message_commands import PruneConversationEvents
from alora_core.messaging.conversations.model import BookingState
from alora_core.messaging.typing import TypingDeps
from alora_core.messaging.typing import command_handlers as typing_handlers
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from alora_core.shared.ratelimit import Limit
from entrypoints.modules import messaging_realtime as realtime
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob
from entrypoints.settings import SettingsGroup, Variable, parse_int

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora


@frozen(kw_only=True)
class MessagingSettings:
    max_open_requests: int
    requests_per_day: int
    request_resend_after_days: int
    request_expiry_days: int
    max_group_members: int
    groups_per_day: int
    new_direct_per_day: int
    messages_per_minute: int
    edit_window_minutes: int
    booking_chat_open_hours: int
    events_kept_days: int
    reports_per_day: int


def _int(name: str, low: int, high: int, default: str, text: str, field: str) -> Variable:
    return Variable(name, parse_int(low, high), default, text, field=field)


SETTINGS = SettingsGroup(
    MessagingSettings,
    (
        _int(
            "ALORA_MESSAGING_MAX_OPEN_REQUESTS",
            1,
            10_000,
            "50",
            "Connection requests one user may have waiting for an answer at once (409 "
            "`too-many-open-requests` beyond).",
            "max_open_requests",
        ),
        _int(
            "ALORA_MESSAGING_REQUESTS_PER_DAY",
            1,
            10_000,
            "100",
            "Connection requests one user may send in 24 hours (429 beyond).",
            "requests_per_day",
        ),
        _int(
            "ALORA_MESSAGING_REQUEST_RESEND_AFTER_DAYS",
            0,
            3650,
            "30",
            "Days after a rejection before the same user may ask the same person again.",
            "request_resend_after_days",
        ),
        _int(
            "ALORA_MESSAGING_REQUEST_EXPIRY_DAYS",
            1,
            3650,
            "30",
            "An unanswered connection request expires this many days after it was sent.",
            "request_expiry_days",
        ),
        _int(
            "ALORA_MESSAGING_MAX_GROUP_MEMBERS",
            2,
            10_000,
            "100",
            "Members one group conversation may have, its owner included.",
            "max_group_members",
        ),
        _int(
            "ALORA_MESSAGING_GROUPS_PER_DAY",
            1,
            10_000,
            "20",
            "Group conversations one user may create in 24 hours (429 beyond).",
            "groups_per_day",
        ),
        _int(
            "ALORA_MESSAGING_NEW_DIRECT_PER_DAY",
            1,
            10_000,
            "50",
            "Direct conversations one user may open in 24 hours with people who are neither "
            "connections nor booking counterparts (429 beyond).",
            "new_direct_per_day",
        ),
        _int(
            "ALORA_MESSAGING_MESSAGES_PER_MINUTE",
            1,
            100_000,
            "120",
            "Messages one user may send per minute, over all conversations (429 beyond).",
            "messages_per_minute",
        ),
        _int(
            "ALORA_MESSAGING_EDIT_WINDOW_MINUTES",
            0,
            10_080,
            "15",
            "How long after sending its sender may edit a message (0: never).",
            "edit_window_minutes",
        ),
        _int(
            "ALORA_MESSAGING_BOOKING_CHAT_OPEN_HOURS",
            0,
            8760,
            "72",
            "How long a booking's conversation stays writable once the booking is closed "
            "(rejected, cancelled, expired or completed); read-only after.",
            "booking_chat_open_hours",
        ),
        _int(
            "ALORA_MESSAGING_EVENTS_KEPT_DAYS",
            1,
            365,
            "30",
            "Days a conversation's events are kept for clients catching up after a disconnect; "
            "a client further behind fetches afresh (410 `resync-required`).",
            "events_kept_days",
        ),
        _int(
            "ALORA_MESSAGING_REPORTS_PER_DAY",
            1,
            10_000,
            "50",
            "Messages one user may report in 24 hours (429 beyond).",
            "reports_per_day",
        ),
    ),
)


def _messages_deps(wiring: Wiring) -> MessagesDeps:
    settings = wiring.settings.of(MessagingSettings)
    return MessagesDeps(
        clock=wiring.clock,
        limiter=wiring.limiter,
        presence=wiring.presence,
        config=MessagesConfig(
            messages_limit=Limit(settings.messages_per_minute, timedelta(minutes=1)),
            reports_limit=Limit(settings.reports_per_day, timedelta(days=1)),
            edit_window=timedelta(minutes=settings.edit_window_minutes),
            booking_chat_open=timedelta(hours=settings.booking_chat_open_hours),
        ),
    )


def _conversations_deps(wiring: Wiring) -> ConversationsDeps:
    settings = wiring.settings.of(MessagingSettings)
    day = timedelta(days=1)
    config = ConversationsConfig(
        max_group_members=settings.max_group_members,
        groups_limit=Limit(settings.groups_per_day, day),
        new_direct_limit=Limit(settings.new_direct_per_day, day),
        booking_chat_open=timedelta(hours=settings.booking_chat_open_hours),
    )
    return ConversationsDeps(clock=wiring.clock, limiter=wiring.limiter, config=config)


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    limits = wiring.settings.of(MessagingSettings)
    caps = connections.RequestCaps(
        max_open=limits.max_open_requests,
        per_day=limits.requests_per_day,
        resend_after=timedelta(days=limits.request_resend_after_days),
    )
    return {
        **connections.command_handlers(connections.ConnectionsDeps(clock=wiring.clock, caps=caps)),
        **messages.command_handlers(_messages_deps(wiring)),
        **conversations.command_handlers(_conversations_deps(wiring)),
        **typing_handlers(
            TypingDeps(realtime=wiring.realtime, memberships=realtime.memberships(wiring))
        ),
        **presence.command_handlers(),
        **contacts.command_handlers(contacts.ContactsDeps(presence=wiring.presence)),
        **booking_chats.command_handlers(_conversations_deps(wiring)),
    }


async def _connection_request_expiry(alora: Alora, scheduled_for: datetime) -> str:
    days = alora.settings.of(MessagingSettings).request_expiry_days
    command = ExpireConnectionRequests(older_than=timedelta(days=days))
    expired = await alora.bus.handle(command)
    return f"expired {expired} connection request(s) unanswered for {command.older_than}"


async def _prune_events(alora: Alora, scheduled_for: datetime) -> str:
    days = alora.settings.of(MessagingSettings).events_kept_days
    pruned = await alora.bus.handle(PruneConversationEvents(kept=timedelta(days=days)))
    return f"deleted {pruned} conversation event(s) older than {days} day(s)"


# The booking context's events, as the state its conversation shows.
_BOOKING_STATES: dict[type[DomainEvent], BookingState] = {
    booking_events.BookingRequested: BookingState.PENDING,
    booking_events.BookingConfirmed: BookingState.CONFIRMED,
    booking_events.BookingRejected: BookingState.REJECTED,
    booking_events.BookingCancelled: BookingState.CANCELLED,
    booking_events.BookingCompleted: BookingState.COMPLETED,
    booking_events.BookingExpired: BookingState.EXPIRED,
}


def _booking_news(event: Any) -> follow.BookingNews:
    rescheduled = isinstance(event, booking_events.BookingRescheduled)
    return follow.BookingNews(
        booking_id=event.booking_id,
        customer_id=event.customer_id,
        professional_id=event.professional_id,
        state=BookingState(event.status) if rescheduled else _BOOKING_STATES[type(event)],
        start=event.start,
        occurred_at=event.occurred_at,
    )


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    hours = wiring.settings.of(MessagingSettings).booking_chat_open_hours
    open_for, clock = timedelta(hours=hours), wiring.clock

    def booking_handler(step: Any) -> Any:
        async def handle(event: Any, uow: Any) -> None:
            await step(_booking_news(event), uow, now=clock.now(), open_for=open_for)

        return handle

    subscriptions.add(
        booking_events.BookingRequested,
        "messaging.open_booking_conversation",
        booking_handler(follow.open_booking_conversation),
    )
    followed: list[type[DomainEvent]] = [*_BOOKING_STATES, booking_events.BookingRescheduled]
    for event in followed:
        if event is not booking_events.BookingRequested:
            handler = f"messaging.follow_{event.name.replace('.', '_')}"
            subscriptions.add(event, handler, booking_handler(follow.follow_booking))

    async def notify(event: MessageSent, uow: Any) -> None:
        await notices.notify_offline_members(
            event, uow, presence=wiring.presence, now=wiring.clock.now()
        )

    subscriptions.add(MessageSent, "messaging.notify_offline_members", notify)


MODULE = ContextModule(
    name="messaging",
    sql_unit_of_work="adapters.sqlalchemy.messaging.uow:SqlMessagingUnitOfWork",
    memory_unit_of_work="adapters.memory.messaging.uow:MemoryMessagingUnitOfWork",
    tables=(
        "adapters.sqlalchemy.messaging.conversation_tables",
        "adapters.sqlalchemy.messaging.connections",
    ),
    migrations="adapters.sqlalchemy.messaging.migrations",
    settings=SETTINGS,
    commands=_commands,
    notices=lambda wiring: [*connection_notices.notice_rules(), *notices.notice_rules()],
    subscribe=_subscribe,
    jobs=(
        ScheduledJob(
            "connection-request-expiry",
            "Expire connection requests left unanswered too long.",
            _connection_request_expiry,
            "17 * * * *",
        ),
        ScheduledJob(
            "messaging-events-prune",
            "Delete conversations' events older than the kept days "
            "(`ALORA_MESSAGING_EVENTS_KEPT_DAYS`).",
            _prune_events,
            "30 3 * * *",
        ),
    ),
    problems={ResyncRequired: 410},
    routes="entrypoints.http.messaging:ROUTE_HANDLERS",
    after_commit=realtime.after_commit,
    inbound=realtime.INBOUND,
    socket_closed=realtime.socket_closed,
    topics={"presence": realtime.may_see_presence},
)
