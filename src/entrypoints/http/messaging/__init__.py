"""Messaging over HTTP: connections, blocks, conversations, messages and read state."""

from typing import Any

from entrypoints.http.messaging import connections
from entrypoints.http.messaging.conversations import ConversationsController
from entrypoints.http.messaging.message_reports_admin import MessageReportsAdminController
from entrypoints.http.messaging.messages import ConversationMessagesController, MessagesController
from entrypoints.http.messaging.messages_reading import ReadStateController

ROUTE_HANDLERS: list[Any] = [
    *connections.ROUTE_HANDLERS,
    ConversationsController,
    ConversationMessagesController,
    MessagesController,
    ReadStateController,
    MessageReportsAdminController,
]

__all__ = ["ROUTE_HANDLERS"]
