"""Trying a write again when a concurrent one won its commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from alora_core.shared.errors import Conflict

T = TypeVar("T")

ATTEMPTS = 3
"""A change that lost a race to a concurrent one is tried this often in all."""


async def retrying_on_stale(attempt: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Run ``attempt`` (which opens its own unit of work) again when its commit lost to a
    concurrent change: a bare ``Conflict`` (a stale version, or a constraint whose reason the
    next attempt, reading afresh, finds). A subclass of ``Conflict`` is a refusal with its own
    reason (a time taken, a review already written) and stands."""
    for number in range(1, attempts + 1):
        try:
            return await attempt()
        except Conflict as exc:
            if type(exc) is not Conflict or number == attempts:
                raise
    raise AssertionError("unreachable")
