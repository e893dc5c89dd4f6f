"""Messaging over HTTP: connections, blocks, contacts, conversations, messages and read state."""

from typing import Any

from entrypoints.http.messaging import connections, contacts
from entrypoints.http.messaging.booking_conversation import BookingConversationController
from entrypoints.http.messaging.conversations import ConversationsController
from entrypoints.http.messaging.message_reports_admin import MessageReportsAdminController
from entrypoints.http.messaging.messages import ConversationMessagesController, MessagesController
from entrypoints.http.messaging.messages_reading import ReadStateController

ROUTE_HANDLERS: list[Any] = [
    *connections.ROUTE_HANDLERS,
    ConversationsController,
    *contacts.ROUTE_HANDLERS,
    ConversationMessagesController,
    MessagesController,
    ReadStateController,
    MessageReportsAdminController,
    BookingConversationController,
]

__all__ = ["ROUTE_HANDLERS"]
