"""Content: FAQ entries, feedback, contact messages and the about page."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import define, field, frozen

from alora_core.content import events
from alora_core.content.rules import (
    LINK_NAME_RE,
    MAX_ABOUT_TEXT,
    MAX_ADDRESS,
    MAX_BIO,
    MAX_LINK_NAME,
    MAX_NAME,
    MAX_ROLE,
    MAX_SOCIAL_LINKS,
    MAX_TEAM,
    MAX_TITLE,
    MAX_VALUE,
    MAX_VALUES,
    Checks,
)
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id

ABOUT_PAGE_ID = uuid.UUID("00000000-0000-7000-8000-000000000001")
"""The about page's id, always the same: the database's primary key keeps it one document."""


class FeedbackStatus(enum.StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    RESOLVED = "resolved"
    ARCHIVED = "archived"


class ContactStatus(enum.StrEnum):
    NEW = "new"
    READ = "read"
    REPLIED = "replied"
    ARCHIVED = "archived"


# --- FAQ ------------------------------------------------------------------------------------------


@define(slots=False, kw_only=True)
class Faq:
    """One question and its answer. ``type`` groups them (``general``, ``booking`` ...); lists
    are ordered by type, then ``order``; inactive ones are hidden from the public."""

    type: str
    question: str
    answer: str
    order: int
    active: bool
    created_at: datetime
    updated_at: datetime
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    def change(self, changes: Mapping[str, Any], now: datetime) -> None:
        """Set the named fields (already checked); the time changes only when something did."""
        changed = False
        for name, value in changes.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        if changed:
            self.updated_at = now


# --- feedback ------------------------------------------------------------------------------------


@define(slots=False, kw_only=True)
class Feedback:
    """What someone thinks of the product: a rating from 1 to 5 and a message. ``user_id`` is
    the sender when they were signed in."""

    rating: int
    subject: str
    message: str
    name: str
    email: str
    user_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    status: FeedbackStatus = FeedbackStatus.NEW
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    def set_status(self, status: FeedbackStatus, now: datetime) -> bool:
        """False when it had that status already (nothing changes)."""
        if status is self.status:
            return False
        self.status = status
        self.updated_at = now
        return True


# --- contact messages ----------------------------------------------------------------------------


@define(slots=False, kw_only=True)
class ContactMessage(EventRecorder):
    """A message to the team through the contact form. ``note`` is the team's own remark."""

    name: str
    email: str
    phone: str | None
    subject: str
    message: str
    user_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    status: ContactStatus = ContactStatus.NEW
    note: str = ""
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def receive(
        cls,
        *,
        name: str,
        email: str,
        phone: str | None,
        subject: str,
        message: str,
        user_id: uuid.UUID | None,
        now: datetime,
    ) -> ContactMessage:
        received = cls(
            name=name,
            email=email,
            phone=phone,
            subject=subject,
            message=message,
            user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        received.record(
            events.ContactReceived(
                occurred_at=now, message_id=received.id, subject=subject, user_id=user_id
            )
        )
        return received

    def handle(self, status: ContactStatus | None, note: str | None, now: datetime) -> bool:
        """Set the status and/or the note; False when neither changes."""
        changed = False
        if status is not None and status is not self.status:
            self.status = status
            changed = True
        if note is not None and note != self.note:
            self.note = note
            changed = True
        if changed:
            self.updated_at = now
        return changed


# --- the about page ------------------------------------------------------------------------------


@frozen(kw_only=True)
class TeamMember:
    name: str
    role: str
    bio: str = ""
    photo_file_id: uuid.UUID | None = None
    """An image uploaded through the files API (``use_cases.about`` checks whose)."""


@frozen(kw_only=True)
class AboutContent:
    """Everything the about page says; replaced as a whole or field by field."""

    title: str
    description: str = ""
    mission: str = ""
    vision: str = ""
    values: tuple[str, ...] = ()
    team_members: tuple[TeamMember, ...] = ()
    contact_email: str | None = None
    contact_phone: str | None = None
    address: str = ""
    social_links: Mapping[str, str] = field(factory=dict)
    """Network name (``linkedin``, ``instagram`` ...) to an https URL."""


ABOUT_FIELDS = tuple(a.name for a in AboutContent.__attrs_attrs__)


def checked_about(content: AboutContent) -> AboutContent:
    """``content`` cleaned (text stripped, link names lower-cased), or ``Invalid`` naming every
    field that breaks a rule."""
    checks = Checks()
    values = _checked_list(checks, "values", content.values, MAX_VALUES)
    members = _checked_list(checks, "team_members", content.team_members, MAX_TEAM)
    links = content.social_links
    if not isinstance(links, Mapping) or len(links) > MAX_SOCIAL_LINKS:
        checks.refuse("social_links", f"must map at most {MAX_SOCIAL_LINKS} names to URLs")
        links = {}
    clean_links: dict[str, str] = {}
    for name, url in links.items():
        key = name.strip().lower()
        if len(key) > MAX_LINK_NAME or not LINK_NAME_RE.fullmatch(key):
            checks.refuse(
                f"social_links.{name}",
                f"names must have 1 to {MAX_LINK_NAME} characters: a-z, 0-9, '.', '-', '_'",
            )
        elif key in clean_links:
            checks.refuse(f"social_links.{name}", "names must differ (ignoring case)")
        clean_links[key] = checks.https_url(f"social_links.{name}", url)
    clean = AboutContent(
        title=checks.line("title", content.title, MAX_TITLE),
        description=checks.text("description", content.description, MAX_ABOUT_TEXT, required=False),
        mission=checks.text("mission", content.mission, MAX_ABOUT_TEXT, required=False),
        vision=checks.text("vision", content.vision, MAX_ABOUT_TEXT, required=False),
        values=tuple(
            checks.line(f"values[{i}]", value, MAX_VALUE) for i, value in enumerate(values)
        ),
        team_members=tuple(_checked_member(checks, i, m) for i, m in enumerate(members)),
        contact_email=checks.optional_email("contact_email", content.contact_email),
        contact_phone=checks.phone("contact_phone", content.contact_phone),
        address=checks.text("address", content.address, MAX_ADDRESS, required=False),
        social_links=clean_links,
    )
    checks.done("the about page has invalid fields")
    return clean


def _checked_list(checks: Checks, name: str, items: Sequence[Any], maximum: int) -> Sequence[Any]:
    if len(items) > maximum:
        checks.refuse(name, f"must have at most {maximum} items")
        return ()
    return items


def _checked_member(checks: Checks, index: int, member: TeamMember) -> TeamMember:
    where = f"team_members[{index}]"
    return TeamMember(
        name=checks.line(f"{where}.name", member.name, MAX_NAME),
        role=checks.line(f"{where}.role", member.role, MAX_ROLE),
        bio=checks.text(f"{where}.bio", member.bio, MAX_BIO, required=False),
        photo_file_id=member.photo_file_id,
    )


@define(slots=False, kw_only=True)
class AboutPage:
    """The one about page: the fields of ``AboutContent``, and when and by whom it last changed.
    ``version`` counts its changes: a replacement names the version it replaces, so two editors
    never overwrite each other unknowingly."""

    title: str
    description: str
    mission: str
    vision: str
    values: list[str]
    team_members: list[TeamMember]
    contact_email: str | None
    contact_phone: str | None
    address: str
    social_links: dict[str, str]
    created_at: datetime
    updated_at: datetime
    updated_by: uuid.UUID | None
    id: uuid.UUID = ABOUT_PAGE_ID
    version: int = 1

    @classmethod
    def initialize(cls, content: AboutContent, by: uuid.UUID, now: datetime) -> AboutPage:
        return cls(**_about_fields(content), created_at=now, updated_at=now, updated_by=by)

    def content(self) -> AboutContent:
        return AboutContent(
            title=self.title,
            description=self.description,
            mission=self.mission,
            vision=self.vision,
            values=tuple(self.values),
            team_members=tuple(self.team_members),
            contact_email=self.contact_email,
            contact_phone=self.contact_phone,
            address=self.address,
            social_links=dict(self.social_links),
        )

    def replace(self, content: AboutContent, by: uuid.UUID, now: datetime) -> bool:
        """Put ``content`` (checked) in place; False when it says what the page says already."""
        if content == self.content():
            return False
        for name, value in _about_fields(content).items():
            setattr(self, name, value)
        self.updated_at = now
        self.updated_by = by
        return True


def _about_fields(content: AboutContent) -> dict[str, Any]:
    fields = {name: getattr(content, name) for name in ABOUT_FIELDS}
    fields.update(
        values=list(content.values),
        team_members=list(content.team_members),
        social_links=dict(content.social_links),
    )
    return fields
