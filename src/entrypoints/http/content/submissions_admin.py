"""``/api/v1/admin/feedback`` and ``/api/v1/admin/contact-messages``: what was sent to the team,
as the administrators read, handle and delete it. Administrators only: 401 without
credentials, 403 for anyone else.
"""

from __future__ import annotations

from litestar import Controller, delete, get, patch
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import UnsetType

from alora_core.content import commands as c
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.content.schemas import (
    ContactMessageIdPath,
    ContactMessagePage,
    ContactMessageResponse,
    ContactStatusFilter,
    FeedbackIdPath,
    FeedbackPage,
    FeedbackResponse,
    FeedbackStatusFilter,
    FeedbackStatusRequest,
    HandleContactRequest,
)
from entrypoints.http.params import PageNumber, PageSize, path_id


class FeedbackAdminController(Controller):
    path = "/api/v1/admin/feedback"
    tags = ["content"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="Feedback, newest first",
        description="Administrators only. Numbered pages with totals; `status` keeps one status.",
        responses=problem_responses(401, 403, 422),
    )
    async def list_feedback(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        status: FeedbackStatusFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> FeedbackPage:
        result = await alora.bus.handle(
            c.ListFeedback(
                actor=actor,
                status=status,
                page=page,
                page_size=page_size,
            )
        )
        return FeedbackPage.of(result)

    @get(
        "/{feedback_id:str}",
        summary="One piece of feedback",
        description="Administrators only: the feedback with its status and who sent it.",
        responses=problem_responses(401, 403, 404),
    )
    async def get_feedback(
        self,
        feedback_id: FeedbackIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> FeedbackResponse:
        feedback = await alora.bus.handle(
            c.GetFeedback(actor=actor, feedback_id=path_id(feedback_id, "feedback"))
        )
        return FeedbackResponse.of(feedback)

    @patch(
        "/{feedback_id:str}",
        summary="Set the status of feedback",
        description="`new`, `reviewed`, `resolved` or `archived`. 409 when a concurrent change "
        "won; try again. Audited.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def set_feedback_status(
        self,
        feedback_id: FeedbackIdPath,
        data: JSONBody[FeedbackStatusRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> FeedbackResponse:
        feedback = await alora.bus.handle(
            c.SetFeedbackStatus(
                actor=actor,
                feedback_id=path_id(feedback_id, "feedback"),
                status=data.status,
            )
        )
        return FeedbackResponse.of(feedback)

    @delete(
        "/{feedback_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete feedback",
        description="Audited.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_feedback(
        self,
        feedback_id: FeedbackIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteFeedback(actor=actor, feedback_id=path_id(feedback_id, "feedback"))
        )


class ContactAdminController(Controller):
    path = "/api/v1/admin/contact-messages"
    tags = ["content"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="Contact messages, newest first",
        description="Administrators only. Numbered pages with totals; `status` keeps one status.",
        responses=problem_responses(401, 403, 422),
    )
    async def list_messages(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        status: ContactStatusFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ContactMessagePage:
        result = await alora.bus.handle(
            c.ListContactMessages(
                actor=actor,
                status=status,
                page=page,
                page_size=page_size,
            )
        )
        return ContactMessagePage.of(result)

    @get(
        "/{message_id:str}",
        summary="One contact message",
        description="Administrators only: the message with its status and the team's note.",
        responses=problem_responses(401, 403, 404),
    )
    async def get_message(
        self,
        message_id: ContactMessageIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ContactMessageResponse:
        message = await alora.bus.handle(
            c.GetContactMessage(actor=actor, message_id=path_id(message_id, "contact message"))
        )
        return ContactMessageResponse.of(message)

    @patch(
        "/{message_id:str}",
        summary="Set the status or the note of a contact message",
        description="`status`: `new`, `read`, `replied` or `archived`; `note`: the team's own "
        "remark. Give one or both. 409 when a concurrent change won; try again. Audited.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def handle_message(
        self,
        message_id: ContactMessageIdPath,
        data: JSONBody[HandleContactRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ContactMessageResponse:
        message = await alora.bus.handle(
            c.HandleContactMessage(
                actor=actor,
                message_id=path_id(message_id, "contact message"),
                status=None if isinstance(data.status, UnsetType) else data.status,
                note=None if isinstance(data.note, UnsetType) else data.note,
            )
        )
        return ContactMessageResponse.of(message)

    @delete(
        "/{message_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a contact message",
        description="Audited.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_message(
        self,
        message_id: ContactMessageIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteContactMessage(actor=actor, message_id=path_id(message_id, "contact message"))
        )
