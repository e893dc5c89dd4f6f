"""Content's commands. Who acts reaches them as ids and flags: ``actor_id`` (None for someone not
signed in) and ``actor_is_admin``; administrators' commands refuse anyone else (``Forbidden``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from alora_core.content.model import AboutContent

# --- FAQ ------------------------------------------------------------------------------------------


@frozen(kw_only=True)
class ListFaqs:
    """Ordered by type, then order. Inactive entries only for administrators who ask for them."""

    type: str | None = None
    include_inactive: bool = False
    actor_is_admin: bool = False


@frozen(kw_only=True)
class GetFaq:
    faq_id: uuid.UUID
    actor_is_admin: bool = False
    """Administrators see inactive entries too; to anyone else they do not exist."""


@frozen(kw_only=True)
class CreateFaq:
    actor_id: uuid.UUID
    actor_is_admin: bool
    type: str
    question: str
    answer: str
    order: int = 0
    active: bool = True


@frozen(kw_only=True)
class UpdateFaq:
    """Change the named fields only: type, question, answer, order, active."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    faq_id: uuid.UUID
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class DeleteFaq:
    actor_id: uuid.UUID
    actor_is_admin: bool
    faq_id: uuid.UUID


# --- feedback ------------------------------------------------------------------------------------


@frozen(kw_only=True)
class SubmitFeedback:
    """Anyone may send feedback; ``ip`` counts against the per-address limit."""

    rating: int
    subject: str
    message: str
    name: str
    email: str
    ip: str
    actor_id: uuid.UUID | None = None


@frozen(kw_only=True)
class ListFeedback:
    """Newest first, in numbered pages; ``status`` keeps one status only."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    status: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetFeedback:
    actor_id: uuid.UUID
    actor_is_admin: bool
    feedback_id: uuid.UUID


@frozen(kw_only=True)
class SetFeedbackStatus:
    actor_id: uuid.UUID
    actor_is_admin: bool
    feedback_id: uuid.UUID
    status: str
    """``new``, ``reviewed``, ``resolved`` or ``archived``."""


@frozen(kw_only=True)
class DeleteFeedback:
    actor_id: uuid.UUID
    actor_is_admin: bool
    feedback_id: uuid.UUID


# --- contact messages ----------------------------------------------------------------------------


@frozen(kw_only=True)
class SendContactMessage:
    """Anyone may write; ``ip`` counts against the per-address limit."""

    name: str
    email: str
    subject: str
    message: str
    ip: str
    phone: str | None = None
    actor_id: uuid.UUID | None = None


@frozen(kw_only=True)
class ListContactMessages:
    """Newest first, in numbered pages; ``status`` keeps one status only."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    status: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetContactMessage:
    actor_id: uuid.UUID
    actor_is_admin: bool
    message_id: uuid.UUID


@frozen(kw_only=True)
class HandleContactMessage:
    """Set the status (``new``, ``read``, ``replied``, ``archived``) and/or the team's note;
    None leaves one as it is."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    message_id: uuid.UUID
    status: str | None = None
    note: str | None = None


@frozen(kw_only=True)
class DeleteContactMessage:
    actor_id: uuid.UUID
    actor_is_admin: bool
    message_id: uuid.UUID


# --- the about page ------------------------------------------------------------------------------


@frozen(kw_only=True)
class GetAboutPage:
    pass


@frozen(kw_only=True)
class InitializeAboutPage:
    """Write the about page the first time; ``AboutPageExists`` once it exists."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    content: AboutContent


@frozen(kw_only=True)
class ReplaceAboutPage:
    """Replace the whole page; ``version`` is the one the editor read (else ``StaleVersion``)."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    content: AboutContent
    version: int


@frozen(kw_only=True)
class UpdateAboutPage:
    """Change the named fields only (those of ``AboutContent``); with ``version``, only when
    the page is still at that version."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    changes: Mapping[str, Any]
    version: int | None = None
