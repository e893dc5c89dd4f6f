"""The registry: every context Alora is made of, in order (a context's module is in
``entrypoints/modules/<name>.py`` and defines ``MODULE``). Adding a context is one line here.

Order matters where modules meet: start-up, settings and HTTP routes follow it, and seeds run
in it (a context's demo data may use what an earlier one seeded).
"""

from __future__ import annotations

import importlib

from entrypoints.modules.base import ContextModule

REGISTRY: tuple[str, ...] = (
    "operations",
    "identity",
    "notifications",
    "reports",
    "files",
    "content",
    "booking",
    "messaging",
)


def load_modules(names: tuple[str, ...] = REGISTRY) -> tuple[ContextModule, ...]:
    modules = []
    for name in names:
        try:
            module = importlib.import_module(f"entrypoints.modules.{name}").MODULE
        except (ImportError, AttributeError) as exc:
            raise LookupError(f"the registry names {name!r}, which has no module: {exc}") from exc
        if not isinstance(module, ContextModule) or module.name != name:
            raise LookupError(f"entrypoints.modules.{name}.MODULE is no ContextModule {name!r}")
        modules.append(module)
    return tuple(modules)


MODULES: tuple[ContextModule, ...] = load_modules()

__all__ = ["MODULES", "REGISTRY", "ContextModule", "load_modules"]
