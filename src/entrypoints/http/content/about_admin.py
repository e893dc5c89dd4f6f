"""``/api/v1/admin/about``: the about page as the administrators write it. Administrators
only: 401 without credentials, 403 for anyone else.
"""

from __future__ import annotations

from litestar import Controller, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED
from msgspec import UnsetType

from alora_core.content import commands as c
from alora_core.content.errors import AboutPageExists, AboutPageMissing, StaleVersion
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.content.schemas import (
    AboutRequest,
    AboutResponse,
    ReplaceAboutRequest,
    UpdateAboutRequest,
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
