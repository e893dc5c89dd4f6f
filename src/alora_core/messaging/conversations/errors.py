"""Conversations' errors: every refusal names its reason."""

from __future__ import annotations

from alora_core.shared.errors import AloraError, Conflict, Forbidden, NotFound


class ConversationNotFound(NotFound):
    """No such conversation, or one the caller is not a member of."""


class UserNotFound(NotFound):
    """No such user to talk with: unknown, suspended, or one of the two blocked the other (a
    block is never told)."""


class MemberNotFound(NotFound):
    """The user is not a current member of the conversation."""


class MessageNotFound(NotFound):
    """No such message, or one in a conversation the caller cannot read."""


class _Reasoned:
    reason: str

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)  # type: ignore[call-arg]
        self.reason = reason


class CannotMessage(_Reasoned, Forbidden):
    """The caller may not write here (or open a direct conversation with this user)."""

    NOT_ALLOWED = "messages-not-allowed"
    READ_ONLY = "conversation-read-only"
    LEFT = "not-a-member"
    reasons = {
        NOT_ALLOWED: "the user accepts direct messages only from connections and booking "
        "counterparts",
        READ_ONLY: "the booking this conversation belongs to closed: it is read-only now",
        LEFT: "the caller left or was removed from this conversation: it is read-only for them",
    }


class NotAdmin(_Reasoned, Forbidden):
    """A member who is not the group's owner or an admin asked for an admin's change."""

    NOT_ADMIN = "not-group-admin"
    NOT_OWNER = "not-group-owner"
    reasons = {
        NOT_ADMIN: "only the group's owner and admins may do this",
        NOT_OWNER: "only the group's owner may do this (change a role, remove an admin)",
    }


class NotAGroup(_Reasoned, Conflict):
    NOT_A_GROUP = "not-a-group"
    reasons = {
        NOT_A_GROUP: "direct and booking conversations have no title to change, no members to "
        "add, remove or promote, and cannot be left",
    }


class EditRefused(_Reasoned, Conflict):
    NOT_SENDER = "not-sender"
    WINDOW_OVER = "edit-window-over"
    DELETED = "message-deleted"
    reasons = {
        NOT_SENDER: "only the sender may edit a message",
        WINDOW_OVER: "the time to edit this message is over",
        DELETED: "the message was deleted",
    }


class ClientIdReused(_Reasoned, Conflict):
    CLIENT_ID_REUSED = "client-id-reused"
    reasons = {
        CLIENT_ID_REUSED: "this clientId was used for a message in another conversation",
    }


class GroupFull(_Reasoned, Conflict):
    GROUP_FULL = "group-full"
    reasons = {GROUP_FULL: "the group has as many members as allowed"}


class ResyncRequired(AloraError):
    """The events after the client's cursor are no longer kept: fetch the state afresh
    (HTTP 410)."""

    code = "resync-required"
    title = "Events no longer kept"


class DeleteRefused(_Reasoned, Forbidden):
    NOT_ALLOWED = "may-not-delete"
    reasons = {
        NOT_ALLOWED: "only the sender, the group's owner and admins, and platform administrators "
        "may delete a message",
    }
