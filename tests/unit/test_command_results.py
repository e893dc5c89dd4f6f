"""Every command the composition root registers declares, as ``Command[R]``, what its use case
returns, so ``await bus.handle(command)`` is typed right: a use case whose return annotation
drifts from its command's ``R`` fails here."""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from typing import Any

import pytest

from alora_core.shared.commands import Command
from entrypoints.bootstrap import build_in_memory

HANDLERS: dict[type, Callable[..., Any]] = build_in_memory().bus.commands


def declared_result(command: type) -> Any:
    """The ``R`` of the ``Command[R]`` the command subclasses."""
    for klass in command.__mro__:
        for base in vars(klass).get("__orig_bases__", ()):
            if typing.get_origin(base) is Command:
                [result] = typing.get_args(base)
                return result
    raise AssertionError(f"{command.__name__} does not subclass Command[...]")


def use_case_of(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The use case under the dependencies the composition root bound to it."""
    while isinstance(handler, functools.partial):
        handler = handler.func
    return handler


def test_the_bus_knows_every_context_s_commands() -> None:
    modules = {command.__module__ for command in HANDLERS}
    assert {"alora_core.identity.commands", "alora_core.shared.operations"} <= modules
    assert len(HANDLERS) >= 100


@pytest.mark.parametrize("command", list(HANDLERS), ids=lambda command: command.__name__)
def test_a_command_declares_what_its_use_case_returns(command: type) -> None:
    assert issubclass(command, Command)
    returned = typing.get_type_hints(use_case_of(HANDLERS[command]))["return"]
    assert declared_result(command) == returned
