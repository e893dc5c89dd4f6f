"""The base of every command: ``Command[R]`` names what handling the command returns.

A command is a frozen attrs class that subclasses ``Command`` with its use case's result
(``class RequestBooking(Command[Booking])``, ``Command[None]`` for a use case that returns
nothing), so ``await bus.handle(command)`` has that type for every caller.
"""

from __future__ import annotations

from typing import Generic, TypeVar

R = TypeVar("R", covariant=True)


class Command(Generic[R]):
    __slots__ = ()
