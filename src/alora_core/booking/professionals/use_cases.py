"""Professional profiles' use cases, one async function per command.

A profile is created by the first ``SaveProfile`` of a professional; working hours and date
exceptions are set on an existing profile only (before that, they answer ``NotFound``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from attrs import evolve, field, frozen

from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals import validation as v
from alora_core.booking.professionals.availability import DateException, ExceptionKind
from alora_core.booking.professionals.model import (
    Offer,
    ProfessionalProfile,
    searchable,
)
from alora_core.booking.professionals.ports import ProfessionalsUnitOfWork
from alora_core.booking.professionals.queries import (
    DirectoryEntry,
    DirectoryFilter,
    Viewer,
)
from alora_core.shared.actor import Actor, Role
from alora_core.shared.cache import PageCache
from alora_core.shared.clock import Clock
from alora_core.shared.errors import FieldError, Forbidden, Invalid, NotFound
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.retry import retrying_on_stale

T = TypeVar("T")

EXCEPTION_HORIZON_DAYS = 2 * 365
"""How far ahead date exceptions may be set."""
MAX_QUERY = 100
MAX_RATING = 5
MAX_FILTER_AMOUNT = 10**12


DIRECTORY_CACHE_TTL = timedelta(seconds=2)
"""How long a directory page read by an anonymous caller is answered again from memory."""


@frozen(kw_only=True)
class ProfessionalsDeps:
    clock: Clock
    directory_cache: PageCache[DirectoryEntry] = field(
        factory=lambda: PageCache(DIRECTORY_CACHE_TTL)
    )
    """Anonymous directory pages; profile changes made through this process clear it, others
    (names, ratings, settings) show within ``DIRECTORY_CACHE_TTL``."""


def _professional_id(actor: Actor) -> uuid.UUID:
    """The acting professional's id; ``Forbidden`` for anyone else."""
    if actor.role is not Role.PROFESSIONAL:
        raise Forbidden("only professionals have a professional profile")
    return actor.require_user_id()


async def _own(uow: ProfessionalsUnitOfWork, professional_id: uuid.UUID) -> ProfessionalProfile:
    profile = await uow.professionals.get(professional_id)
    if profile is None:
        raise NotFound(
            "you have no professional profile yet: PUT /api/v1/professionals/me/profile first"
        )
    return profile


# --- the offer ------------------------------------------------------------------------------


async def save_profile(
    cmd: c.SaveProfile, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> ProfessionalProfile:
    """Create the profile or replace its offer; ``Invalid`` lists every bad field."""
    professional_id = _professional_id(cmd.actor)
    problems = v.Problems()
    if problem := v.timezone_problem(cmd.timezone):
        problems.add("timezone", problem)
    offer = Offer(
        categories=v.categories(cmd.categories, problems),
        skills=v.skills(cmd.skills, problems),
        bio=v.bio(cmd.bio, problems),
        hourly_rate=v.hourly_rate(cmd.hourly_rate, problems),
        service_area=v.service_area(cmd.service_area, problems),
    )
    services = v.unique_ids(cmd.service_ids, "service_ids", problems, most=v.MAX_SERVICES)
    gallery = v.unique_ids(cmd.gallery_file_ids, "gallery_file_ids", problems, most=v.MAX_GALLERY)

    async def attempt() -> ProfessionalProfile:
        async with uow:
            errors = [
                *await _service_errors(uow, services),
                *await _gallery_errors(uow, professional_id, gallery),
            ]
            if problems or errors:
                raise Invalid("the profile has invalid fields", problems.errors + errors)
            name = await uow.professional_directory.name_of(professional_id)
            if name is None:
                raise NotFound("no such user")
            complete = evolve(
                offer,
                service_ids=tuple(i for _, i in services),
                gallery_file_ids=tuple(i for _, i in gallery),
            )
            now = deps.clock.now()
            profile = await uow.professionals.get(professional_id)
            if profile is None:
                profile = ProfessionalProfile.create(
                    professional_id=professional_id,
                    offer=complete,
                    timezone=cmd.timezone,
                    name=name,
                    now=now,
                )
                await uow.professionals.add(profile)
            else:
                profile.update_offer(complete, timezone=cmd.timezone, name=name, now=now)
            await uow.commit()
        deps.directory_cache.clear()
        return profile

    return await retrying_on_stale(attempt)


async def _service_errors(
    uow: ProfessionalsUnitOfWork, services: list[tuple[int, uuid.UUID]]
) -> list[FieldError]:
    errors = []
    for index, service_id in services:
        service = await uow.services.get(service_id)
        if service is None or not service.active:
            errors.append(
                FieldError(f"service_ids[{index}]", "is not an active service", "unknown-service")
            )
    return errors


async def _gallery_errors(
    uow: ProfessionalsUnitOfWork, owner_id: uuid.UUID, gallery: list[tuple[int, uuid.UUID]]
) -> list[FieldError]:
    if not gallery:
        return []
    images = await uow.gallery_files.images_of(owner_id, [file_id for _, file_id in gallery])
    return [
        FieldError(f"gallery_file_ids[{index}]", "is not an image you uploaded", "unknown-file")
        for index, file_id in gallery
        if file_id not in images
    ]


async def get_own_profile(
    cmd: c.GetOwnProfile, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> ProfessionalProfile:
    professional_id = _professional_id(cmd.actor)
    async with uow.reading():
        return await _own(uow, professional_id)


# --- hours, rules and exceptions ------------------------------------------------------------


async def set_availability(
    cmd: c.SetAvailability, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> ProfessionalProfile:
    professional_id = _professional_id(cmd.actor)
    problems = v.Problems()
    if problem := v.timezone_problem(cmd.timezone):
        problems.add("timezone", problem)
    weekly = v.weekly(cmd.weekly, problems)
    rules = v.booking_rules(cmd.rules, problems)
    if problems:
        raise Invalid("the availability has invalid fields", problems.errors)

    async def attempt() -> ProfessionalProfile:
        async with uow:
            profile = await _own(uow, professional_id)
            if profile.set_hours(
                timezone=cmd.timezone, weekly=weekly, rules=rules, now=deps.clock.now()
            ):
                await uow.commit()
                deps.directory_cache.clear()
        return profile

    return await retrying_on_stale(attempt)


async def add_exception(
    cmd: c.AddException, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> DateException:
    """Add a date exception: ``Invalid`` for a date in the past (in the professional's zone)
    or too far ahead, ``Conflict`` when it overlaps one of the same kind."""
    professional_id = _professional_id(cmd.actor)
    problems = v.Problems()
    ranges = v.ranges(cmd.slots, "slots", problems)
    note = v.note(cmd.note, problems)
    if cmd.kind is ExceptionKind.EXTRA and not cmd.slots:
        problems.add("slots", "give the extra hours", "required")
    if problems:
        raise Invalid("the exception has invalid fields", problems.errors)

    async def attempt() -> DateException:
        async with uow:
            profile = await _own(uow, professional_id)
            now = deps.clock.now()
            today = now.astimezone(ZoneInfo(profile.timezone)).date()
            if cmd.day < today:
                raise Invalid.field("date", "is in the past (in your time zone)")
            if cmd.day > today + timedelta(days=EXCEPTION_HORIZON_DAYS):
                raise Invalid.field(
                    "date", f"must be at most {EXCEPTION_HORIZON_DAYS} days from today"
                )
            exception = DateException(day=cmd.day, kind=cmd.kind, ranges=ranges, note=note)
            profile.add_exception(exception, today=today, now=now)
            await uow.commit()
        return exception

    return await retrying_on_stale(attempt)


async def remove_exception(
    cmd: c.RemoveException, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> None:
    professional_id = _professional_id(cmd.actor)

    async def attempt() -> None:
        async with uow:
            profile = await uow.professionals.get(professional_id)
            if profile is None or not profile.remove_exception(cmd.exception_id, deps.clock.now()):
                raise NotFound("no such date exception")
            await uow.commit()

    await retrying_on_stale(attempt)


# --- the directory --------------------------------------------------------------------------


def _public(entry: DirectoryEntry, viewer: Viewer) -> DirectoryEntry:
    """The entry with the email and phone the professional does not show left out (they and
    administrators see both)."""
    if viewer.sees_all_of(entry.id):
        return entry
    return evolve(
        entry,
        email=entry.email if entry.show_email else None,
        phone=entry.phone if entry.show_phone else None,
    )


def _filter(cmd: c.ListProfessionals) -> DirectoryFilter:
    problems = v.Problems()
    if cmd.min_rating is not None and not 0 <= cmd.min_rating <= MAX_RATING:
        problems.add("min_rating", f"must be from 0 to {MAX_RATING}")
    if cmd.max_rate is not None and not 0 <= cmd.max_rate <= MAX_FILTER_AMOUNT:
        problems.add("max_rate", f"must be a whole number of cents from 0 to {MAX_FILTER_AMOUNT}")
    text = searchable(cmd.text or "")
    if len(text) > MAX_QUERY:
        problems.add("q", f"must have at most {MAX_QUERY} characters")
    if problems:
        raise Invalid("the search has invalid fields", problems.errors)
    category = v.normalize_category(cmd.category or "")
    area = searchable(cmd.city or "")
    return DirectoryFilter(
        category=category or None,
        service_id=cmd.service_id,
        area=area or None,
        min_rating=cmd.min_rating,
        max_rate=cmd.max_rate,
        text=text or None,
        sort=cmd.sort,
    )


async def list_professionals(
    cmd: c.ListProfessionals, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> Page[DirectoryEntry]:
    where = _filter(cmd)
    request = PageRequest(cmd.page, cmd.page_size)
    viewer = Viewer.of(cmd.viewer)
    anonymous = viewer.user_id is None

    async def read() -> Page[DirectoryEntry]:
        async with uow.reading():
            page = await uow.professional_directory.page(where, viewer, request)
        return evolve(page, items=[_public(entry, viewer) for entry in page.items])

    if anonymous:
        return await deps.directory_cache.page((where, request), deps.clock.now(), read)
    return await read()


async def get_professional(
    cmd: c.GetProfessional, uow: ProfessionalsUnitOfWork, deps: ProfessionalsDeps
) -> DirectoryEntry:
    viewer = Viewer.of(cmd.viewer)
    async with uow.reading():
        entry = await uow.professional_directory.get(cmd.professional_id, viewer)
    if entry is None:
        raise NotFound("no such professional")
    return _public(entry, viewer)


# --- reactions ------------------------------------------------------------------------------


async def refresh_search_name(professional_id: uuid.UUID, uow: ProfessionalsUnitOfWork) -> None:
    """Inside an open unit of work (an event handler's): search the professional by the name
    identity has now. Nothing happens for users without a profile."""
    profile = await uow.professionals.get(professional_id)
    name = await uow.professional_directory.name_of(professional_id)
    if profile is not None and name is not None:
        profile.rename(name)


# --- wiring ---------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.SaveProfile: save_profile,
    c.GetOwnProfile: get_own_profile,
    c.SetAvailability: set_availability,
    c.AddException: add_exception,
    c.RemoveException: remove_exception,
    c.ListProfessionals: list_professionals,
    c.GetProfessional: get_professional,
}


def command_handlers(deps: ProfessionalsDeps) -> dict[type, Callable[..., Any]]:
    """Each professionals command bound to its use case and the part's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
