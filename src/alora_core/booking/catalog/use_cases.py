"""The catalog's use cases, one async function per command. Every write is an administrator's
and goes to the audit log, and clears the cache of public lists (``shared.cache.PageCache``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.errors import (
    ServiceInUse,
    ServiceNotFound,
    StaleVersion,
    TitleInUse,
)
from alora_core.booking.catalog.model import (
    Service,
    checked_fields,
    searchable,
    title_key,
)
from alora_core.booking.catalog.ports import CatalogUnitOfWork
from alora_core.booking.catalog.queries import ServiceFilter, ServiceView, view_of
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.cache import PageCache
from alora_core.shared.clock import Clock
from alora_core.shared.errors import FieldError, Forbidden, Invalid
from alora_core.shared.pagination import Page, PageRequest

MAX_SEARCH_TEXT = 100
LIST_CACHE_TTL = timedelta(seconds=2)
"""How long another API process may show a catalog list from before a change."""


@frozen(kw_only=True)
class CatalogDeps:
    clock: Clock
    list_cache: PageCache[ServiceView]


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only administrators may change the catalog")


def _audit(
    actor: Actor, action: str, service: Service, now: datetime, **details: Any
) -> AuditEntry:
    return AuditEntry(
        actor_id=actor.require_user_id(),
        action=action,
        target_type="service",
        target_id=str(service.id),
        occurred_at=now,
        details={"title": service.title, **details},
    )


# --- creating ---------------------------------------------------------------------------------


async def create_service(
    cmd: c.CreateService, uow: CatalogUnitOfWork, deps: CatalogDeps
) -> Service:
    _require_admin(cmd.actor)
    fields, errors = checked_fields(cmd.service.fields())
    if errors:
        raise Invalid("the service has invalid fields", errors)
    async with uow:
        if await uow.services.titles_in_use([title_key(fields["title"])]):
            raise TitleInUse()
        now = deps.clock.now()
        service = Service.create(fields, now)
        await uow.services.add(service)
        await uow.audit_log.add(_audit(cmd.actor, "service.create", service, now))
        await uow.commit()
        deps.list_cache.clear()
    return service


async def create_services(
    cmd: c.CreateServices, uow: CatalogUnitOfWork, deps: CatalogDeps
) -> list[Service]:
    """Create every service or none: on any problem, ``Invalid`` lists them all, each under
    ``items[<index>].<field>`` (a title used twice in the batch, or by a live service, too)."""
    _require_admin(cmd.actor)
    if not 1 <= len(cmd.services) <= c.MAX_BULK:
        raise Invalid.field("items", f"give 1 to {c.MAX_BULK} services")
    batch, errors = _checked_batch(cmd.services)
    async with uow:
        keys = {title_key(fields["title"]): index for index, fields in batch if "title" in fields}
        for key in sorted(await uow.services.titles_in_use(keys)):
            errors.append(
                FieldError(f"items[{keys[key]}].title", "another service has this title", "taken")
            )
        if errors:
            errors.sort(key=lambda error: _item_index(error.field))
            raise Invalid("some services have invalid fields; none was created", errors)
        now = deps.clock.now()
        services = [Service.create(fields, now) for _, fields in batch]
        for service in services:
            await uow.services.add(service)
            await uow.audit_log.add(
                _audit(cmd.actor, "service.create", service, now, batch=len(services))
            )
        await uow.commit()
        deps.list_cache.clear()
    return services


def _checked_batch(
    items: Sequence[c.NewService],
) -> tuple[list[tuple[int, dict[str, Any]]], list[FieldError]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    errors: list[FieldError] = []
    first_with: dict[str, int] = {}
    for index, item in enumerate(items):
        prefix = f"items[{index}]."
        fields, problems = checked_fields(item.fields(), prefix)
        errors.extend(problems)
        if "title" in fields:
            key = title_key(fields["title"])
            if key in first_with:
                errors.append(
                    FieldError(
                        prefix + "title",
                        f"repeats the title of items[{first_with[key]}]",
                        "duplicate",
                    )
                )
                del fields["title"]  # checked once, against the first
            else:
                first_with[key] = index
        batch.append((index, fields))
    return batch, errors


def _item_index(field: str) -> int:
    return int(field[len("items[") : field.index("]")])


# --- changing ---------------------------------------------------------------------------------


async def update_service(
    cmd: c.UpdateService, uow: CatalogUnitOfWork, deps: CatalogDeps
) -> Service:
    """Change some fields of the service the caller read at ``version``; 409 naming
    ``version`` when it changed since."""
    _require_admin(cmd.actor)
    fields, errors = checked_fields(cmd.changes)
    if errors:
        raise Invalid("the changes have invalid fields", errors)
    async with uow:
        service = await uow.services.get_for_update(cmd.service_id)
        if service is None:
            raise ServiceNotFound()
        if service.version != cmd.version:
            raise StaleVersion(service.version)
        new_key = title_key(fields["title"]) if "title" in fields else service.title_key
        if new_key != service.title_key and await uow.services.titles_in_use([new_key]):
            raise TitleInUse()
        now = deps.clock.now()
        changed = service.change(fields, now)
        if changed:
            await uow.audit_log.add(
                _audit(cmd.actor, "service.update", service, now, fields=changed)
            )
            await uow.commit()
            deps.list_cache.clear()
    return service


async def delete_service(cmd: c.DeleteService, uow: CatalogUnitOfWork, deps: CatalogDeps) -> None:
    """Soft-delete the service: past bookings keep it, lists and reads no longer show it.
    Refused (409) while a pending or confirmed booking uses it."""
    _require_admin(cmd.actor)
    async with uow:
        # Locked first: a booking being made now waits for this transaction, or this waits
        # for it and then sees its booking.
        service = await uow.services.get_for_update(cmd.service_id)
        if service is None:
            raise ServiceNotFound()
        if await uow.services.has_open_bookings(service.id):
            raise ServiceInUse()
        now = deps.clock.now()
        service.delete(now)
        await uow.audit_log.add(_audit(cmd.actor, "service.delete", service, now))
        await uow.commit()
        deps.list_cache.clear()


# --- reading ----------------------------------------------------------------------------------


async def list_services(
    cmd: c.ListServices, uow: CatalogUnitOfWork, deps: CatalogDeps
) -> Page[ServiceView]:
    request = PageRequest(cmd.page, cmd.page_size)
    if cmd.active is False and not cmd.viewer.is_admin:
        raise Forbidden("only administrators may list inactive services")
    where = ServiceFilter(
        category=_category_filter(cmd.category),
        text=_text_filter(cmd.text),
        active=cmd.active if cmd.viewer.is_admin else True,
    )
    if cmd.viewer.is_admin:  # administrators always read the database
        async with uow.reading():
            return await uow.services.page(where, request)

    async def read() -> Page[ServiceView]:
        async with uow.reading():
            return await uow.services.page(where, request)

    return await deps.list_cache.page((where, request), deps.clock.now(), read)


def _category_filter(category: str | None) -> str | None:
    if category is None or not category.strip():
        return None
    fields, errors = checked_fields({"category": category})
    if errors:
        raise Invalid(errors[0].message, errors)
    clean: str = fields["category"]
    return clean


def _text_filter(text: str | None) -> str | None:
    if text is None:
        return None
    if len(text) > MAX_SEARCH_TEXT:
        raise Invalid.field("text", f"must have at most {MAX_SEARCH_TEXT} characters")
    if "\x00" in text:
        raise Invalid.field("text", "must not hold NUL characters")
    return searchable(text) or None


async def get_service(cmd: c.GetService, uow: CatalogUnitOfWork, deps: CatalogDeps) -> ServiceView:
    async with uow.reading():
        service = await uow.services.get(cmd.service_id)
    if service is None or not (service.active or cmd.viewer.is_admin):
        raise ServiceNotFound()
    return view_of(service)


# --- wiring -----------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.CreateService: create_service,
    c.CreateServices: create_services,
    c.UpdateService: update_service,
    c.DeleteService: delete_service,
    c.ListServices: list_services,
    c.GetService: get_service,
}


def command_handlers(
    *,
    clock: Clock,
    list_cache_ttl: timedelta = LIST_CACHE_TTL,
    list_cache: PageCache[ServiceView] | None = None,
) -> dict[type, Callable[..., Any]]:
    """Each catalog command bound to its use case, the clock and a list cache (of its own
    unless ``list_cache`` is given)."""
    deps = CatalogDeps(clock=clock, list_cache=list_cache or PageCache(list_cache_ttl))
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
