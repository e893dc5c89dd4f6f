"""Messaging's unit of work in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.messaging.people import SqlPeople
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.messaging.ports import MessagingUnitOfWork


class SqlMessagingUnitOfWork(SqlUnitOfWork):
    people = repository(SqlPeople)


if TYPE_CHECKING:

    def _conforms(uow: SqlMessagingUnitOfWork) -> MessagingUnitOfWork:
        return uow
