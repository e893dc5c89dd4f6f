"""The services catalog: the ``Service`` aggregate and the rules for its fields.

A service is what a professional offers (plumbing, deep cleaning ...). Administrators manage the
catalog; everyone reads the active part of it. A service is never removed: deleting it sets
``deleted_at``, so past bookings keep their service, and its title becomes free for a new one.
Titles are unique among services not deleted, ignoring case (``title_key``).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from attrs import define, field

from alora_core.booking.catalog import events
from alora_core.shared.errors import FieldError
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id
from alora_core.shared.text import has_control_characters

MAX_TITLE = 120
MAX_DESCRIPTION = 2000
MAX_CATEGORY = 40
MAX_ICON_NAME = 64
MAX_ICON_URL = 500

FIELDS = ("title", "description", "category", "icon", "color", "active")
"""What an administrator gives and may change."""

_CATEGORY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ICON_NAME = re.compile(r"[A-Za-z0-9]+(?:[-_:][A-Za-z0-9]+)*")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def title_key(title: str) -> str:
    """What two titles must not share: the title in lower case (as SQL ``lower()`` folds it)."""
    return title.lower()


def searchable(text: str) -> str:
    """``text`` folded for case- and accent-insensitive matching: ``"Électricité  Générale"``
    -> ``"electricite generale"`` (case folded, accents dropped, whitespace runs as one space)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def search_text_of(title: str, description: str) -> str:
    """The text ``q`` searches: both fields folded, on two lines (a needle, being folded, holds
    no line break, so it never matches across them)."""
    return f"{searchable(title)}\n{searchable(description)}"


# --- the fields' rules ------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _title(value: object) -> tuple[Any, str | None]:
    text = _text(value)
    if text is None:
        return None, "must be text"
    if has_control_characters(text):
        return None, "must be one line without control characters"
    title = " ".join(text.split())
    if not 1 <= len(title) <= MAX_TITLE:
        return None, f"must have 1 to {MAX_TITLE} characters"
    return title, None


def _description(value: object) -> tuple[Any, str | None]:
    text = _text(value)
    if text is None:
        return None, "must be text"
    description = text.replace("\r\n", "\n").strip()
    if has_control_characters(description, allowed="\n\t"):
        return None, "must not hold control characters"
    if len(description) > MAX_DESCRIPTION:
        return None, f"must have at most {MAX_DESCRIPTION} characters"
    return description, None


def _category(value: object) -> tuple[Any, str | None]:
    text = _text(value)
    if text is None:
        return None, "must be text"
    category = text.strip().lower()
    if len(category) > MAX_CATEGORY or not _CATEGORY.fullmatch(category):
        return None, (
            f"must be a label of 1 to {MAX_CATEGORY} letters, digits and single hyphens, "
            "e.g. home-cleaning"
        )
    return category, None


def _icon(value: object) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    text = _text(value)
    if text is None:
        return None, "must be text or null"
    icon = text.strip()
    if not icon:
        return None, None
    if _ICON_NAME.fullmatch(icon):
        if len(icon) > MAX_ICON_NAME:
            return None, f"an icon name must have at most {MAX_ICON_NAME} characters"
        return icon, None
    if len(icon) > MAX_ICON_URL:
        return None, f"an icon URL must have at most {MAX_ICON_URL} characters"
    if any(ch.isspace() for ch in icon) or has_control_characters(icon) or "\\" in icon:
        return None, "must be an icon name (e.g. wrench) or an http(s) URL"
    try:
        parts = urlsplit(icon)
    except ValueError:
        return None, "must be an icon name (e.g. wrench) or an http(s) URL"
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None, "must be an icon name (e.g. wrench) or an http(s) URL"
    return icon, None


def _color(value: object) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    text = _text(value)
    if text is None:
        return None, "must be text or null"
    color = text.strip()
    if not color:
        return None, None
    if not _COLOR.fullmatch(color):
        return None, "must be a color #RRGGBB, e.g. #1E88E5"
    return color.upper(), None


def _active(value: object) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return None, "must be true or false"
    return value, None


_RULES = {
    "title": _title,
    "description": _description,
    "category": _category,
    "icon": _icon,
    "color": _color,
    "active": _active,
}


def checked_fields(
    values: Mapping[str, object], prefix: str = ""
) -> tuple[dict[str, Any], list[FieldError]]:
    """The given fields cleaned (trimmed, normalized), and what is wrong with them.

    Only the fields present are checked; any other name is an error. Error paths start with
    ``prefix`` (``items[3].`` for the fourth service of a batch).
    """
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in values.items():
        rule = _RULES.get(name)
        if rule is None:
            errors.append(FieldError(prefix + name, "is not a field of a service", "unknown-field"))
            continue
        cleaned, problem = rule(value)
        if problem is None:
            clean[name] = cleaned
        else:
            errors.append(FieldError(prefix + name, problem))
    return clean, errors


# --- the aggregate --------------------------------------------------------------------------------


@define(slots=False, kw_only=True)
class Service(EventRecorder):
    title: str
    category: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    icon: str | None = None
    """A short icon name (``wrench``, ``mdi:broom``) or an http(s) URL."""
    color: str | None = None
    """``#RRGGBB``, upper case."""
    active: bool = True
    id: uuid.UUID = field(factory=new_id)
    deleted_at: datetime | None = None
    search_text: str = ""
    """Title and description folded for search (``search_text_of``); kept up to date here."""
    version: int = 1

    @classmethod
    def create(cls, fields: Mapping[str, Any], now: datetime) -> Service:
        """A new service from fields ``checked_fields`` cleaned (title and category given)."""
        service = cls(
            title=fields["title"],
            category=fields["category"],
            description=fields.get("description", ""),
            icon=fields.get("icon"),
            color=fields.get("color"),
            active=fields.get("active", True),
            created_at=now,
            updated_at=now,
        )
        service.search_text = search_text_of(service.title, service.description)
        service.record(
            events.ServiceCreated(
                occurred_at=now,
                service_id=service.id,
                title=service.title,
                category=service.category,
                active=service.active,
            )
        )
        return service

    @property
    def title_key(self) -> str:
        return title_key(self.title)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def change(self, fields: Mapping[str, Any], now: datetime) -> list[str]:
        """Apply cleaned fields; the names of those that changed (none: nothing happens)."""
        changed = [n for n in FIELDS if n in fields and getattr(self, n) != fields[n]]
        if not changed:
            return []
        for name in changed:
            setattr(self, name, fields[name])
        self.search_text = search_text_of(self.title, self.description)
        self.updated_at = now
        self.record(events.ServiceUpdated(occurred_at=now, service_id=self.id, fields=changed))
        return changed

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now
        self.record(events.ServiceDeleted(occurred_at=now, service_id=self.id))
