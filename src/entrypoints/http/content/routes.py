"""Content over HTTP: FAQ, feedback, contact messages and the about page.

Reading the FAQ and the about page is public; anyone may send feedback and contact messages
(signed in or not; a signed-in sender is remembered), limited per client address. Everything
under ``/api/v1/admin`` and every FAQ write is for administrators: 401 without credentials, 403
for anyone else.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UnsetType

from alora_core.content import commands as c
from alora_core.content.errors import AboutPageExists, AboutPageMissing, StaleVersion
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Unauthenticated
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import BEARER_SECURITY, OPTIONAL_BEARER, problem_responses, raises
from entrypoints.http.client import client_ip
from entrypoints.http.content.schemas import (
    AboutRequest,
    AboutResponse,
    ContactMessageIdPath,
    ContactMessagePage,
    ContactMessageResponse,
    ContactRequest,
    ContactStatusFilter,
    CreateFaqRequest,
    FaqIdPath,
    FaqList,
    FaqResponse,
    FaqTypeFilter,
    FeedbackIdPath,
    FeedbackPage,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackStatusFilter,
    FeedbackStatusRequest,
    HandleContactRequest,
    IncludeInactive,
    ReplaceAboutRequest,
    SubmittedResponse,
    UpdateAboutRequest,
    UpdateFaqRequest,
)
from entrypoints.http.params import PageNumber, PageSize, path_id
from entrypoints.settings import Settings


class FaqController(Controller):
    path = "/api/v1/faqs"
    tags = ["content"]

    @get(
        "/",
        summary="Frequently asked questions",
        description="Active entries ordered by type, then order; `type` keeps one type. "
        "Administrators may add `includeInactive=true` to see hidden entries too.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 403, 422),
    )
    async def list_faqs(
        self,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        type: FaqTypeFilter = None,
        include_inactive: IncludeInactive = False,
    ) -> FaqList:
        if include_inactive and optional_principal is None:
            raise Unauthenticated("sign in as an administrator to see inactive entries")
        faqs = await alora.bus.handle(
            c.ListFaqs(
                type=type,
                include_inactive=include_inactive,
                viewer=viewer_of(optional_principal),
            )
        )
        return FaqList.of(faqs)

    @get(
        "/{faq_id:str}",
        summary="One FAQ entry",
        description="Inactive entries answer 404 except to administrators.",
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 404),
    )
    async def get_faq(
        self,
        faq_id: FaqIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
    ) -> FaqResponse:
        faq = await alora.bus.handle(
            c.GetFaq(faq_id=path_id(faq_id, "FAQ entry"), viewer=viewer_of(optional_principal))
        )
        return FaqResponse.of(faq)

    @post(
        "/",
        summary="Add a FAQ entry",
        description="Administrators only. Audited.",
        security=BEARER_SECURITY,
        status_code=HTTP_201_CREATED,
        responses=problem_responses(400, 401, 403, 422),
    )
    async def create_faq(
        self,
        data: JSONBody[CreateFaqRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> FaqResponse:
        faq = await alora.bus.handle(
            c.CreateFaq(
                actor=actor,
                type=data.type,
                question=data.question,
                answer=data.answer,
                order=data.order,
                active=data.active,
            )
        )
        return FaqResponse.of(faq)

    @patch(
        "/{faq_id:str}",
        summary="Change a FAQ entry",
        description="Administrators only; only the fields present change. 409 when a "
        "concurrent change won; try again. Audited.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def update_faq(
        self,
        faq_id: FaqIdPath,
        data: JSONBody[UpdateFaqRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> FaqResponse:
        faq = await alora.bus.handle(
            c.UpdateFaq(actor=actor, faq_id=path_id(faq_id, "FAQ entry"), changes=data.changes())
        )
        return FaqResponse.of(faq)

    @delete(
        "/{faq_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a FAQ entry",
        description="Administrators only. Audited.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_faq(
        self, faq_id: FaqIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(c.DeleteFaq(actor=actor, faq_id=path_id(faq_id, "FAQ entry")))


class SubmissionsController(Controller):
    path = "/api/v1"
    tags = ["content"]

    @post(
        "/feedback",
        summary="Send feedback",
        description="Open to anyone; a signed-in sender is remembered. One address may send "
        "`ALORA_FEEDBACK_RATE_PER_HOUR` (5) an hour, then 429 with `Retry-After`.",
        security=OPTIONAL_BEARER,
        status_code=HTTP_201_CREATED,
        responses=problem_responses(400, 401, 403, 409, 422, 429),
    )
    async def submit_feedback(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[FeedbackRequest],
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> SubmittedResponse:
        feedback = await alora.bus.handle(
            c.SubmitFeedback(
                rating=data.rating,
                subject=data.subject,
                message=data.message,
                name=data.name,
                email=data.email,
                ip=client_ip(request, settings.trust_forwarded),
                actor=viewer_of(optional_principal),
            )
        )
        return SubmittedResponse(id=feedback.id, created_at=feedback.created_at)

    @post(
        "/contact",
        summary="Write to the team",
        description="Open to anyone; a signed-in sender is remembered. The administrators "
        "get the message by email. One address may send `ALORA_CONTACT_RATE_PER_HOUR` (5) "
        "an hour, then 429 with `Retry-After`.",
        security=OPTIONAL_BEARER,
        status_code=HTTP_201_CREATED,
        responses=problem_responses(400, 401, 403, 409, 422, 429),
    )
    async def send_contact_message(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ContactRequest],
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> SubmittedResponse:
        message = await alora.bus.handle(
            c.SendContactMessage(
                name=data.name,
                email=data.email,
                phone=data.phone,
                subject=data.subject,
                message=data.message,
                ip=client_ip(request, settings.trust_forwarded),
                actor=viewer_of(optional_principal),
            )
        )
        return SubmittedResponse(id=message.id, created_at=message.created_at)

    @get(
        "/about",
        summary="The about page",
        description="404 until an administrator initializes it.",
        responses=problem_responses(404),
        opt=raises(AboutPageMissing),
    )
    async def get_about(self, alora: NamedDependency[Alora]) -> AboutResponse:
        return AboutResponse.of(await alora.bus.handle(c.GetAboutPage()))


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


class AboutAdminController(Controller):
    path = "/api/v1/admin/about"
    tags = ["content"]
    security = BEARER_SECURITY

    @post(
        "/",
        summary="Write the about page the first time",
        description="Administrators only; 409 once the page exists (replace or update it "
        "then). Audited.",
        status_code=HTTP_201_CREATED,
        responses=problem_responses(400, 401, 403, 409, 422),
        opt=raises(AboutPageExists),
    )
    async def initialize_about(
        self,
        data: JSONBody[AboutRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AboutResponse:
        page = await alora.bus.handle(c.InitializeAboutPage(actor=actor, content=data.to_domain()))
        return AboutResponse.of(page)

    @put(
        "/",
        summary="Replace the about page",
        description="The whole page, with the `version` it replaces (as last read): 409 when "
        "the page has changed since. 404 until the page is initialized. Audited.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(AboutPageMissing, StaleVersion),
    )
    async def replace_about(
        self,
        data: JSONBody[ReplaceAboutRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AboutResponse:
        page = await alora.bus.handle(
            c.ReplaceAboutPage(actor=actor, content=data.to_domain(), version=data.version)
        )
        return AboutResponse.of(page)

    @patch(
        "/",
        summary="Change fields of the about page",
        description="Only the fields present change. With `version`, 409 when the page has "
        "changed since. 404 until the page is initialized. Audited.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(AboutPageMissing, StaleVersion),
    )
    async def update_about(
        self,
        data: JSONBody[UpdateAboutRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AboutResponse:
        page = await alora.bus.handle(
            c.UpdateAboutPage(
                actor=actor,
                changes=data.changes(),
                version=None if isinstance(data.version, UnsetType) else data.version,
            )
        )
        return AboutResponse.of(page)
