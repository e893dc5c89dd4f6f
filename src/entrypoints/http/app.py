"""The HTTP API: ``create_app`` assembles the Litestar app around a composed ``Alora``.

``alora serve`` runs ``create_app()`` through uvicorn with ``factory=True``: settings come from
the environment, logging is configured from them, and the app wires itself with
``bootstrap.build(settings)`` at start-up and closes it at shutdown. Tests and programs that
embed Alora pass their own ``alora`` (e.g. ``bootstrap.build_in_memory()``); they keep owning it
(it is not closed) and the process's logging.

Handlers get ``alora`` and ``settings`` by dependency injection, and the caller through
``principal`` / ``optional_principal`` / ``actor`` (see ``entrypoints.http.auth``).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from alora_core.shared.clock import SystemClock
from alora_core.shared.errors import AloraError
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import auth_dependencies
from entrypoints.http.base import ReadinessCheck, build_litestar
from entrypoints.http.realtime import ROUTE_HANDLERS as REALTIME_ROUTES
from entrypoints.http.realtime import RealtimeHub
from entrypoints.logging import configure_logging
from entrypoints.modules import MODULES, ContextModule
from entrypoints.modules.base import resolve
from entrypoints.realtime_wiring import RealtimeParts, build_realtime
from entrypoints.settings import Settings, load_settings


def route_handlers(modules: Sequence[ContextModule]) -> list[ControllerRouterHandler]:
    """The platform's routes (the WebSocket gateway) and every module's."""
    handlers: list[ControllerRouterHandler] = [*REALTIME_ROUTES]
    for module in modules:
        if module.routes is not None:
            found = resolve(module.routes)
            handlers.extend(found(modules) if callable(found) else found)
    return handlers


def problem_statuses(modules: Sequence[ContextModule]) -> dict[type[AloraError], int]:
    return {error: status for module in modules for error, status in module.problems.items()}


def provide_alora(state: State) -> Alora:
    alora: Alora | None = state.get("alora")
    if alora is None:  # only between construction and start-up
        raise RuntimeError("Alora is not started yet")
    return alora


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def create_app(settings: Settings | None = None, *, alora: Alora | None = None) -> Litestar:
    """The Alora API; with no ``alora`` given it builds one from ``settings`` at start-up."""
    if settings is None:
        settings = alora.settings if alora is not None else load_settings()
    modules = alora.modules if alora is not None else MODULES
    routes = route_handlers(modules)
    statuses = problem_statuses(modules)
    dependencies = {
        "alora": Provide(provide_alora, sync_to_thread=False),
        "settings": Provide(provide_settings, sync_to_thread=False),
        **auth_dependencies(),
    }
    if alora is not None:
        hub = RealtimeHub(alora.realtime, settings, modules)
        app = build_litestar(
            settings,
            route_handlers=routes,
            dependencies=dependencies,
            lifespan=[hub.lifespan],
            readiness_checks=lambda: alora.readiness_checks,
            problem_statuses=statuses,
        )
    else:
        configure_logging(settings.log_level, settings.log_format)
        # Built before the app: the hub's channels plugin needs the backend from the start.
        realtime = build_realtime(
            settings.redis_url or None,
            SystemClock(),
            presence_grace_seconds=settings.presence_grace_seconds,
            heartbeat_seconds=settings.ws_heartbeat_seconds,
        )
        started = _Started(settings, realtime)
        hub = RealtimeHub(realtime, settings, modules)
        app = build_litestar(
            settings,
            route_handlers=routes,
            dependencies=dependencies,
            lifespan=[started.lifespan, hub.lifespan],
            readiness_checks=started.readiness_checks,
            problem_statuses=statuses,
        )
    app.state.realtime_hub = hub
    app.state.settings = settings
    app.state.alora = alora
    return app


class _Started:
    """The Alora an app builds from settings at start-up and closes at shutdown."""

    def __init__(self, settings: Settings, realtime: RealtimeParts) -> None:
        self.settings = settings
        self.realtime = realtime
        self.alora: Alora | None = None

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        self.alora = app.state.alora = await bootstrap.build(self.settings, realtime=self.realtime)
        if self.settings.background == "inprocess":
            # The embedded default: this process relays and runs the jobs, and the schedule.
            from entrypoints.scheduler import run_scheduler

            self.alora.start_relay()
            self.alora.run_in_background(
                run_scheduler(
                    self.alora, self.settings, stop=self.alora.stop_event, handle_signals=False
                )
            )
        # What start-up made lives as long as the process: out of the collector's sight, full
        # collections stay short and stop stalling requests.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            alora, self.alora = self.alora, None
            app.state.alora = None
            await alora.aclose()
            await self.realtime.close()

    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        """The built Alora's checks; a failing one while it is not (or no longer) built."""
        if self.alora is None:
            return {"startup": _not_started}
        return self.alora.readiness_checks


async def _not_started() -> None:
    raise RuntimeError("Alora is not started")
