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

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from alora_core.shared.clock import SystemClock
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import auth_dependencies
from entrypoints.http.base import ReadinessCheck, build_litestar
from entrypoints.http.booking.bookings import ROUTE_HANDLERS as BOOKING_ROUTES
from entrypoints.http.booking.favorites import ROUTE_HANDLERS as FAVORITE_ROUTES
from entrypoints.http.booking.professionals import ROUTE_HANDLERS as PROFESSIONAL_ROUTES
from entrypoints.http.booking.reviews import ROUTE_HANDLERS as REVIEW_ROUTES
from entrypoints.http.booking.search import ROUTE_HANDLERS as SEARCH_ROUTES
from entrypoints.http.booking.services import ROUTE_HANDLERS as SERVICE_ROUTES
from entrypoints.http.content import ROUTE_HANDLERS as CONTENT_ROUTES
from entrypoints.http.files import ROUTE_HANDLERS as FILE_ROUTES
from entrypoints.http.identity import ROUTE_HANDLERS as IDENTITY_ROUTES
from entrypoints.http.notifications import ROUTE_HANDLERS as NOTIFICATION_ROUTES
from entrypoints.http.operations import ROUTE_HANDLERS as OPERATIONS_ROUTES
from entrypoints.http.realtime import ROUTE_HANDLERS as REALTIME_ROUTES
from entrypoints.http.realtime import RealtimeHub
from entrypoints.http.reports import ROUTE_HANDLERS as REPORT_ROUTES
from entrypoints.logging import configure_logging
from entrypoints.realtime_wiring import RealtimeParts, build_realtime
from entrypoints.settings import Settings, load_settings

ROUTE_HANDLERS = [
    *IDENTITY_ROUTES,
    *NOTIFICATION_ROUTES,
    *OPERATIONS_ROUTES,
    *REPORT_ROUTES,
    *REALTIME_ROUTES,
    *BOOKING_ROUTES,
    *SERVICE_ROUTES,
    *PROFESSIONAL_ROUTES,
    *REVIEW_ROUTES,
    *FAVORITE_ROUTES,
    *SEARCH_ROUTES,
    *CONTENT_ROUTES,
    *FILE_ROUTES,
]


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
        settings = (alora.settings if alora is not None else None) or load_settings()
    dependencies = {
        "alora": Provide(provide_alora, sync_to_thread=False),
        "settings": Provide(provide_settings, sync_to_thread=False),
        **auth_dependencies(),
    }
    if alora is not None:
        hub = RealtimeHub(alora.realtime, settings)
        app = build_litestar(
            settings,
            route_handlers=ROUTE_HANDLERS,
            dependencies=dependencies,
            lifespan=[hub.lifespan],
            readiness_checks=lambda: alora.readiness_checks,
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
        hub = RealtimeHub(realtime, settings)
        app = build_litestar(
            settings,
            route_handlers=ROUTE_HANDLERS,
            dependencies=dependencies,
            lifespan=[started.lifespan, hub.lifespan],
            readiness_checks=started.readiness_checks,
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
