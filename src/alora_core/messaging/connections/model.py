"""Connection requests, connections and blocks.

A pair of users is kept as ``(user_low, user_high)``, the lower id first, so "one per pair" is
a unique key: at most one pending request per pair (whoever sent it) and one connection. A
request is answered once: ``pending`` becomes ``accepted`` (a ``Connection`` is made),
``rejected``, ``withdrawn`` or ``expired``, and stays, so the lists keep their history and a
rejection can hold back the next request for a while.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from attrs import define, field

from alora_core.messaging.connections import events
from alora_core.messaging.connections.errors import RequestNotPending
from alora_core.shared.errors import Invalid
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id
from alora_core.shared.text import has_control_characters

MAX_MESSAGE = 500

Pair = tuple[uuid.UUID, uuid.UUID]


def pair_of(one: uuid.UUID, other: uuid.UUID) -> Pair:
    """The pair's key: the lower id first."""
    return (one, other) if one < other else (other, one)


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


def checked_message(message: str | None) -> str:
    """The request's message, trimmed ("" for none); ``Invalid`` naming ``message`` when it is
    too long or holds control characters (line breaks and tabs are fine)."""
    text = (message or "").strip()
    if len(text) > MAX_MESSAGE:
        raise Invalid.field("message", f"must have at most {MAX_MESSAGE} characters")
    if has_control_characters(text, "\n\t"):
        raise Invalid.field("message", "must not hold control or bidi control characters")
    return text


@define(slots=False, kw_only=True)
class Connection(EventRecorder):
    user_low: uuid.UUID
    user_high: uuid.UUID
    requested_by: uuid.UUID
    """Who sent the request that made it."""
    created_at: datetime
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @property
    def pair(self) -> Pair:
        return (self.user_low, self.user_high)

    def other(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.user_high if user_id == self.user_low else self.user_low

    def remove(self, by: uuid.UUID, now: datetime, *, blocked: bool = False) -> None:
        """Record the removal; the repository deletes the row."""
        self.record(
            events.ConnectionRemoved(
                occurred_at=now,
                connection_id=self.id,
                removed_by=by,
                other_id=self.other(by),
                blocked=blocked,
            )
        )


@define(slots=False, kw_only=True)
class ConnectionRequest(EventRecorder):
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    user_low: uuid.UUID
    user_high: uuid.UUID
    message: str
    status: RequestStatus
    created_at: datetime
    answered_at: datetime | None = None
    """When it left ``pending``."""
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def send(
        cls, sender_id: uuid.UUID, recipient_id: uuid.UUID, message: str | None, now: datetime
    ) -> ConnectionRequest:
        low, high = pair_of(sender_id, recipient_id)
        request = cls(
            sender_id=sender_id,
            recipient_id=recipient_id,
            user_low=low,
            user_high=high,
            message=checked_message(message),
            status=RequestStatus.PENDING,
            created_at=now,
        )
        request.record(
            events.ConnectionRequested(
                occurred_at=now,
                request_id=request.id,
                sender_id=sender_id,
                recipient_id=recipient_id,
                message=request.message,
            )
        )
        return request

    @property
    def open_pair(self) -> Pair | None:
        """The pair while pending, else None: unique among requests (a partial unique index)."""
        return (self.user_low, self.user_high) if self.status is RequestStatus.PENDING else None

    def other(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.recipient_id if user_id == self.sender_id else self.sender_id

    def accept(self, now: datetime) -> Connection:
        """The recipient accepts: the connection it makes (to store)."""
        self._close(RequestStatus.ACCEPTED, now)
        connection = Connection(
            user_low=self.user_low,
            user_high=self.user_high,
            requested_by=self.sender_id,
            created_at=now,
        )
        self.record(
            events.ConnectionAccepted(occurred_at=now, connection_id=connection.id, **self._facts())
        )
        return connection

    def reject(self, now: datetime) -> None:
        self._close(RequestStatus.REJECTED, now)
        self.record(events.ConnectionRejected(occurred_at=now, **self._facts()))

    def withdraw(self, now: datetime) -> None:
        self._close(RequestStatus.WITHDRAWN, now)
        self.record(events.ConnectionWithdrawn(occurred_at=now, **self._facts()))

    def expire(self, now: datetime) -> None:
        self._close(RequestStatus.EXPIRED, now)
        self.record(events.ConnectionExpired(occurred_at=now, **self._facts()))

    def _close(self, status: RequestStatus, now: datetime) -> None:
        if self.status is not RequestStatus.PENDING:
            raise RequestNotPending(self.status)
        self.status = status
        self.answered_at = now

    def _facts(self) -> dict[str, uuid.UUID]:
        return {
            "request_id": self.id,
            "sender_id": self.sender_id,
            "recipient_id": self.recipient_id,
        }


@define(slots=False, kw_only=True)
class Block(EventRecorder):
    blocker_id: uuid.UUID
    blocked_id: uuid.UUID
    created_at: datetime
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def place(cls, blocker_id: uuid.UUID, blocked_id: uuid.UUID, now: datetime) -> Block:
        block = cls(blocker_id=blocker_id, blocked_id=blocked_id, created_at=now)
        block.record(
            events.UserBlocked(occurred_at=now, blocker_id=blocker_id, blocked_id=blocked_id)
        )
        return block

    @property
    def pair(self) -> Pair:
        """Who blocked whom: unique."""
        return (self.blocker_id, self.blocked_id)

    def lift(self, now: datetime) -> None:
        """Record the unblocking; the repository deletes the row."""
        self.record(
            events.UserUnblocked(
                occurred_at=now, blocker_id=self.blocker_id, blocked_id=self.blocked_id
            )
        )
