"""What anyone may send to the team, feedback and contact messages, and the about page to read.

Anyone may send (signed in or not; a signed-in sender is remembered), limited per client
address; the about page is public.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from alora_core.content import commands as c
from alora_core.content.errors import AboutPageMissing
from alora_core.identity.use_cases import Principal
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import OPTIONAL_BEARER, problem_responses, raises
from entrypoints.http.client import client_ip
from entrypoints.http.content.schemas import (
    AboutResponse,
    ContactRequest,
    FeedbackRequest,
    SubmittedResponse,
)
from entrypoints.settings import Settings


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
