"""``/api/v1/faqs``: the frequently asked questions.

Reading them is public (inactive entries only for administrators); every write is for
administrators: 401 without credentials, 403 for anyone else.
"""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.content import commands as c
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Unauthenticated
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import BEARER_SECURITY, OPTIONAL_BEARER, problem_responses
from entrypoints.http.content.schemas import (
    CreateFaqRequest,
    FaqIdPath,
    FaqList,
    FaqResponse,
    FaqTypeFilter,
    IncludeInactive,
    UpdateFaqRequest,
)
from entrypoints.http.params import path_id


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
