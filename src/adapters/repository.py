"""``repository``: a repository of a unit of work, built the first time a use case touches it.

A context's unit of work declares its repositories as class attributes::

    class SqlBookingUnitOfWork(SqlUnitOfWork):
        bookings = repository(SqlBookings)

``uow.bookings`` then builds ``SqlBookings(uow)`` once per unit-of-work object, so a command
constructs only the repositories it uses. A repository may define ``reset()`` (the unit of
work opened, rolled back or closed: drop what it holds back) and ``async before_commit()``
(write what it held back, inside the transaction); the unit of work calls them on the
repositories it has built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

R = TypeVar("R")

__all__ = ["repository"]


class repository(Generic[R]):
    def __init__(self, build: Callable[[Any], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...

    @overload
    def __get__(self, uow: object, owner: type) -> R: ...

    def __get__(self, uow: object | None, owner: type) -> R | Self:
        if uow is None:
            return self
        built: dict[str, Any] = uow.__dict__.setdefault("_repositories", {})
        if self._name not in built:
            built[self._name] = self._build(uow)
        found: R = built[self._name]
        return found


def built_repositories(uow: object) -> list[Any]:
    """The repositories ``uow`` has built so far."""
    return list(uow.__dict__.get("_repositories", {}).values())
