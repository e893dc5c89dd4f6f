"""A user's own profile and settings, and what others may see of it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from alora_core.identity.commands import (
    GetPublicProfile,
    GetSettings,
    ReplaceSettings,
    UpdateProfile,
)
from alora_core.identity.model import Address, Role, User, UserSettings, Visibility
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.queries import PublicProfile
from alora_core.identity.use_cases.common import IdentityDeps, load_user
from alora_core.identity.use_cases.registration import full_name_error
from alora_core.shared.clock import iana_time_zones
from alora_core.shared.errors import FieldError, Invalid, NotFound

MAX_BIO_LENGTH = 2000
MAX_SOCIAL_LINKS = 10
MAX_ADDRESS_PART = 200
MAX_URL_LENGTH = 500
LOCAL_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


async def update_profile(cmd: UpdateProfile, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    changes = validate_profile_changes(cmd.changes)
    user_id = cmd.actor.require_user_id()
    async with uow:
        await _check_avatar(uow, user_id, changes.get("avatar_file_id"))
        user = await load_user(uow, user_id)
        user.update_profile(deps.clock.now(), **changes)
        await uow.commit()
    return user


async def _check_avatar(
    uow: IdentityUnitOfWork, user_id: uuid.UUID, avatar_file_id: uuid.UUID | None
) -> None:
    """An avatar is an image its user uploaded; anyone else's file is refused like an unknown
    one, so the answer tells nothing about other people's files."""
    if avatar_file_id is None or avatar_file_id in await uow.own_images.images_of(
        user_id, [avatar_file_id]
    ):
        return
    raise Invalid(
        "the profile has invalid fields",
        [FieldError("avatar_file_id", "is not an image you uploaded", "unknown-file")],
    )


def validate_profile_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "full_name":
            clean[name] = value.strip()
            error = full_name_error(clean[name])
            errors += [error] if error else []
        elif name == "bio":
            clean[name] = value.strip()
            if len(clean[name]) > MAX_BIO_LENGTH:
                errors.append(FieldError("bio", f"must be at most {MAX_BIO_LENGTH} characters"))
        elif name == "avatar_file_id":
            clean[name] = value if value is None or isinstance(value, uuid.UUID) else None
        elif name == "address":
            clean[name] = value
            if isinstance(value, Address):
                errors += [
                    FieldError(f"address.{part}", f"must be at most {MAX_ADDRESS_PART} characters")
                    for part in ("street", "city", "state", "postal_code", "country")
                    if len(getattr(value, part)) > MAX_ADDRESS_PART
                ]
        elif name == "social_links":
            clean[name] = dict(value)
            errors += _social_link_errors(clean[name])
        else:
            errors.append(FieldError(name, "cannot be changed here", "read-only"))
    if errors:
        raise Invalid("the profile has invalid fields", errors)
    return clean


def _social_link_errors(links: dict[str, str]) -> list[FieldError]:
    if len(links) > MAX_SOCIAL_LINKS:
        return [FieldError("social_links", f"at most {MAX_SOCIAL_LINKS} links")]
    return [
        FieldError(f"social_links.{key}", "must be an http(s) URL of at most 500 characters")
        for key, url in links.items()
        if not url.startswith(("https://", "http://")) or len(url) > MAX_URL_LENGTH or len(key) > 40
    ]


async def get_settings(
    cmd: GetSettings, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> UserSettings:
    async with uow.reading():
        return (await load_user(uow, cmd.actor.require_user_id())).settings


async def replace_settings(
    cmd: ReplaceSettings, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> UserSettings:
    settings = cmd.settings
    errors = _settings_errors(settings)
    if errors:
        raise Invalid("the settings have invalid fields", errors)
    async with uow:
        user = await load_user(uow, cmd.actor.require_user_id())
        user.replace_settings(settings, deps.clock.now())
        await uow.commit()
    return user.settings


def _settings_errors(settings: UserSettings) -> list[FieldError]:
    errors = []
    if settings.timezone not in iana_time_zones():
        errors.append(FieldError("timezone", "must be an IANA time zone such as Europe/Berlin"))
    if not 2 <= len(settings.language) <= 35:
        errors.append(FieldError("language", "must be a language tag such as en or pt-BR"))
    return errors + _quiet_hours_errors(settings.quiet_hours_start, settings.quiet_hours_end)


def _quiet_hours_errors(start: str | None, end: str | None) -> list[FieldError]:
    """Quiet hours are two different "HH:MM" times (24 h), or none at all."""
    if start is None and end is None:
        return []
    errors = []
    for name, value in (("quiet_hours_start", start), ("quiet_hours_end", end)):
        if value is None:
            errors.append(FieldError(name, "is required when the other end is set", "required"))
        elif not LOCAL_TIME_RE.fullmatch(value):
            errors.append(FieldError(name, "must be a time from 00:00 to 23:59 (HH:MM)"))
    if not errors and start == end:
        errors.append(FieldError("quiet_hours_end", "must differ from the start"))
    return errors


async def get_public_profile(
    cmd: GetPublicProfile, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> PublicProfile:
    async with uow.reading():
        user = await uow.users.get(cmd.user_id)
    viewer = cmd.viewer
    is_self_or_admin = viewer.user_id == cmd.user_id or viewer.is_admin
    if user is None or not (is_self_or_admin or _visible(user, signed_in=viewer.is_signed_in)):
        raise NotFound("no such user")
    settings = user.settings
    return PublicProfile(
        id=user.id,
        full_name=user.full_name,
        username=user.username,
        role=user.role,
        bio=user.bio,
        avatar_file_id=user.avatar_file_id,
        social_links=dict(user.social_links),
        created_at=user.created_at,
        email=user.email if settings.show_email or is_self_or_admin else None,
        phone=user.phone if settings.show_phone or is_self_or_admin else None,
    )


def _visible(user: User, *, signed_in: bool) -> bool:
    if user.suspended or user.role is Role.ADMIN:
        return False
    visibility = user.settings.profile_visibility
    return visibility is Visibility.PUBLIC or (visibility is Visibility.REGISTERED and signed_in)
