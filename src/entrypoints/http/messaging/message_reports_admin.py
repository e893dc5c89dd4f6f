"""``/api/v1/admin/message-reports``: the queue of reported messages, for administrators (401
without credentials, 403 for anyone else). Each resolution is audited."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.model import ReportStatus
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.messaging.messages_schemas import (
    ReportIdPath,
    ReportPage,
    ReportReviewResponse,
    ReportStatusFilter,
    ResolveReportRequest,
)
from entrypoints.http.params import PageNumber, PageSize, path_id


class MessageReportsAdminController(Controller):
    path = "/api/v1/admin/message-reports"
    tags = ["messages"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="Reported messages",
        description="Administrators only. Reports in one `status` (`open` by default), oldest "
        "first, in numbered pages with totals; each with the message's and conversation's ids "
        "and the message's body as it is now, for review.",
        responses=problem_responses(400, 401, 403, 422),
    )
    async def list_reports(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        status: ReportStatusFilter = ReportStatus.OPEN,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ReportPage:
        found = await alora.bus.handle(
            c.ListMessageReports(actor=actor, status=status, page=page, page_size=page_size)
        )
        return ReportPage.of(found)

    @post(
        "/{report_id:str}/resolve",
        status_code=HTTP_200_OK,
        summary="Resolve a report",
        description="Administrators only. `dismiss`: the report is `dismissed`; "
        "`delete-message`: the message is deleted (a tombstone, as its sender would) and every "
        "open report of it is `actioned`. Audited. A report already resolved is answered as "
        "it is.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def resolve(
        self,
        report_id: ReportIdPath,
        data: JSONBody[ResolveReportRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReportReviewResponse:
        view = await alora.bus.handle(
            c.ResolveMessageReport(
                actor=actor, report_id=path_id(report_id, "report"), action=data.action
            )
        )
        return ReportReviewResponse.of_view(view)
