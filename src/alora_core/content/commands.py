"""Content's commands. ``actor`` is who acts (``Actor.anonymous()`` for someone not signed in),
``viewer`` who reads; administrators' commands refuse anyone else (``Forbidden``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from alora_core.content.model import (
    AboutContent,
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
)
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page

# --- FAQ ------------------------------------------------------------------------------------------


@frozen(kw_only=True)
class ListFaqs(Command[list[Faq]]):
    """Ordered by type, then order. Inactive entries only for administrators who ask for them."""

    type: str | None = None
    include_inactive: bool = False
    viewer: Actor = field(factory=Actor.anonymous)


@frozen(kw_only=True)
class GetFaq(Command[Faq]):
    faq_id: uuid.UUID
    viewer: Actor = field(factory=Actor.anonymous)
    """Administrators see inactive entries too; to anyone else they do not exist."""


@frozen(kw_only=True)
class CreateFaq(Command[Faq]):
    actor: Actor
    type: str
    question: str
    answer: str
    order: int = 0
    active: bool = True


@frozen(kw_only=True)
class UpdateFaq(Command[Faq]):
    """Change the named fields only: type, question, answer, order, active."""

    actor: Actor
    faq_id: uuid.UUID
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class DeleteFaq(Command[None]):
    actor: Actor
    faq_id: uuid.UUID


# --- feedback ------------------------------------------------------------------------------------


@frozen(kw_only=True)
class SubmitFeedback(Command[Feedback]):
    """Anyone may send feedback; ``ip`` counts against the per-address limit."""

    rating: int
    subject: str
    message: str
    name: str
    email: str
    ip: str
    actor: Actor = field(factory=Actor.anonymous)


@frozen(kw_only=True)
class ListFeedback(Command[Page[Feedback]]):
    """Newest first, in numbered pages; ``status`` keeps one status only."""

    actor: Actor
    status: FeedbackStatus | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetFeedback(Command[Feedback]):
    actor: Actor
    feedback_id: uuid.UUID


@frozen(kw_only=True)
class SetFeedbackStatus(Command[Feedback]):
    actor: Actor
    feedback_id: uuid.UUID
    status: FeedbackStatus


@frozen(kw_only=True)
class DeleteFeedback(Command[None]):
    actor: Actor
    feedback_id: uuid.UUID


# --- contact messages ----------------------------------------------------------------------------


@frozen(kw_only=True)
class SendContactMessage(Command[ContactMessage]):
    """Anyone may write; ``ip`` counts against the per-address limit."""

    name: str
    email: str
    subject: str
    message: str
    ip: str
    phone: str | None = None
    actor: Actor = field(factory=Actor.anonymous)


@frozen(kw_only=True)
class ListContactMessages(Command[Page[ContactMessage]]):
    """Newest first, in numbered pages; ``status`` keeps one status only."""

    actor: Actor
    status: ContactStatus | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetContactMessage(Command[ContactMessage]):
    actor: Actor
    message_id: uuid.UUID


@frozen(kw_only=True)
class HandleContactMessage(Command[ContactMessage]):
    """Set the status and/or the team's note; None leaves one as it is."""

    actor: Actor
    message_id: uuid.UUID
    status: ContactStatus | None = None
    note: str | None = None


@frozen(kw_only=True)
class DeleteContactMessage(Command[None]):
    actor: Actor
    message_id: uuid.UUID


# --- the about page ------------------------------------------------------------------------------


@frozen(kw_only=True)
class GetAboutPage(Command[AboutPage]):
    pass


@frozen(kw_only=True)
class InitializeAboutPage(Command[AboutPage]):
    """Write the about page the first time; ``AboutPageExists`` once it exists."""

    actor: Actor
    content: AboutContent


@frozen(kw_only=True)
class ReplaceAboutPage(Command[AboutPage]):
    """Replace the whole page; ``version`` is the one the editor read (else ``StaleVersion``)."""

    actor: Actor
    content: AboutContent
    version: int


@frozen(kw_only=True)
class UpdateAboutPage(Command[AboutPage]):
    """Change the named fields only (those of ``AboutContent``); with ``version``, only when
    the page is still at that version."""

    actor: Actor
    changes: Mapping[str, Any]
    version: int | None = None
