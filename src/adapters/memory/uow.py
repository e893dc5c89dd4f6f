"""The in-memory unit of work: a faithful fake of the SQLAlchemy one, for tests and embedding.

Committed state lives in a ``MemoryStore``. A unit of work hands out copies, tracks what it loaded,
added and deleted, and on commit checks what the database would check (unique columns, optimistic
version counters) before writing everything back at once. Commit has no ``await`` inside, so it is
atomic under asyncio.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self

from attrs import define, field

from adapters.memory.booking.bookings import (
    MemoryBookingReminders,
    MemoryBookings,
    MemoryBusyTimes,
)
from adapters.memory.booking.favorites import MemoryFavorites
from adapters.memory.booking.professionals import (
    MemoryGalleryFiles,
    MemoryProfessionalDirectory,
    MemoryProfessionals,
)
from adapters.memory.booking.reviews import MemoryReviews
from adapters.memory.booking.search import MemorySearchIndex
from adapters.memory.booking.services import MemoryServices
from adapters.memory.content import (
    MemoryAboutPages,
    MemoryContactMessages,
    MemoryFaqs,
    MemoryFeedback,
)
from adapters.memory.files import MemoryFiles
from adapters.memory.jobs import MemoryJobRecords, OutboxRow, add_to_outbox
from adapters.memory.notifications import MemoryNotifications, MemoryRecipients
from alora_core.booking.bookings.ports import BookingReminders, Bookings, BusyTimes
from alora_core.booking.catalog.ports import Services
from alora_core.booking.favorites.ports import Favorites
from alora_core.booking.professionals.ports import GalleryFiles, Profiles
from alora_core.booking.professionals.queries import Directory
from alora_core.booking.reviews.ports import Reviews
from alora_core.booking.search.ports import SearchIndex
from alora_core.content.ports import AboutPages, ContactMessages, Faqs, FeedbackEntries
from alora_core.files.ports import Files
from alora_core.identity.ports import Devices, OneTimeCodes, Sessions, Users
from alora_core.notifications.ports import Notifications, Recipients
from alora_core.reports.ports import ActivityFigures, ActivityReports, Admins
from alora_core.reports.queries import PlatformFigureSource
from alora_core.shared.audit import AuditLog
from alora_core.shared.errors import Conflict
from alora_core.shared.events import DomainEvent, EventRecorder
from alora_core.shared.jobs import DeadJob, JobRecords, jobs_for


@define
class Table:
    """Rows by id, with the columns that must be unique (None never clashes)."""

    unique: tuple[str, ...] = ()
    rows: dict[uuid.UUID, Any] = field(factory=dict)


@define
class MemoryStore:
    users: Table = field(factory=lambda: Table(unique=("email", "username", "phone")))
    sessions: Table = field(factory=Table)
    codes: Table = field(factory=Table)
    devices: Table = field(factory=Table)
    audit_log: Table = field(factory=Table)
    notifications: Table = field(factory=Table)
    reports: Table = field(factory=lambda: Table(unique=("day",)))
    faqs: Table = field(factory=Table)
    feedback: Table = field(factory=Table)
    contact_messages: Table = field(factory=Table)
    about_page: Table = field(factory=Table)
    services: Table = field(factory=Table)
    professional_profiles: Table = field(factory=Table)
    bookings: Table = field(factory=Table)
    booking_reminders: Table = field(factory=Table)
    reviews: Table = field(factory=lambda: Table(unique=("booking_id",)))
    favorites: Table = field(factory=Table)
    search_documents: Table = field(factory=Table)
    files: Table = field(factory=lambda: Table(unique=("storage_key",)))
    refresh_tokens: dict[str, uuid.UUID] = field(factory=dict)
    outbox: dict[uuid.UUID, OutboxRow] = field(factory=dict)
    handled_events: set[tuple[str, uuid.UUID]] = field(factory=set)
    dead_jobs: dict[uuid.UUID, DeadJob] = field(factory=dict)
    cascades: dict[str, tuple[tuple[str, str], ...]] = field(
        factory=lambda: {
            "users": (
                ("sessions", "user_id"),
                ("codes", "user_id"),
                ("devices", "user_id"),
                ("notifications", "recipient_id"),
                ("feedback", "user_id"),
                ("contact_messages", "user_id"),
                ("professional_profiles", "id"),
                ("bookings", "customer_id"),
                ("bookings", "professional_id"),
                ("booking_reminders", "recipient_id"),
                ("reviews", "professional_id"),
                ("favorites", "user_id"),
                ("favorites", "professional_id"),
                ("files", "owner_id"),
            )
        }
    )
    set_null: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = field(
        factory=lambda: {
            # ON DELETE SET NULL: (child table, column naming the deleted row, columns set to
            # None). A review outlives its author, and its booking, which goes with them.
            "users": (("reviews", "author_id", ("author_id", "booking_id")),),
        }
    )


@define
class _Tracked:
    table: str
    obj: Any
    original: Any | None  # None for objects added in this unit of work


class MemoryUnitOfWork:
    def __init__(
        self,
        store: MemoryStore,
        handlers_of: Callable[[DomainEvent], list[str]] = lambda _event: [],
    ) -> None:
        from adapters.memory.reports import (
            MemoryActivityFigures,
            MemoryActivityReports,
            MemoryAdmins,
            MemoryPlatformFigures,
        )
        from adapters.memory.repositories import (
            MemoryAuditLog,
            MemoryCodes,
            MemoryDevices,
            MemorySessions,
            MemoryUsers,
        )

        self.store = store
        self._handlers_of = handlers_of
        self._before_commit: list[Callable[[], None]] = []
        self._tracked: dict[tuple[str, uuid.UUID], _Tracked] = {}
        self._deleted: set[tuple[str, uuid.UUID]] = set()
        self._deleted_objects: list[EventRecorder] = []
        self._new_tokens: dict[str, uuid.UUID] = {}
        self._on_commit: list[Callable[[], None]] = []
        self._events: list[DomainEvent] = []
        self._read_only = False
        # Typed as the ports: protocol attributes are invariant, and this checks the match.
        self.users: Users = MemoryUsers(self)
        self.sessions: Sessions = MemorySessions(self)
        self.codes: OneTimeCodes = MemoryCodes(self)
        self.devices: Devices = MemoryDevices(self)
        self.audit_log: AuditLog = MemoryAuditLog(self)
        self.reports: ActivityReports = MemoryActivityReports(self)
        self.activity_figures: ActivityFigures = MemoryActivityFigures(self)
        self.platform_figures: PlatformFigureSource = MemoryPlatformFigures(self)
        self.admins: Admins = MemoryAdmins(self)
        self.jobs: JobRecords = MemoryJobRecords(self)
        self.notifications: Notifications = MemoryNotifications(self)
        self.recipients: Recipients = MemoryRecipients(self)
        self.faqs: Faqs = MemoryFaqs(self)
        self.feedback: FeedbackEntries = MemoryFeedback(self)
        self.contact_messages: ContactMessages = MemoryContactMessages(self)
        self.about: AboutPages = MemoryAboutPages(self)
        self.services: Services = MemoryServices(self)
        self.professionals: Profiles = MemoryProfessionals(self)
        self.professional_directory: Directory = MemoryProfessionalDirectory(self)
        self.gallery_files: GalleryFiles = MemoryGalleryFiles(self)
        self.bookings: Bookings = MemoryBookings(self)
        self.busy_times: BusyTimes = MemoryBusyTimes(self)
        self.booking_reminders: BookingReminders = MemoryBookingReminders(self)
        self.reviews: Reviews = MemoryReviews(self)
        self.favorites: Favorites = MemoryFavorites(self)
        self.search: SearchIndex = MemorySearchIndex(self)
        self.files: Files = MemoryFiles(self)

    def reading(self) -> Self:
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        self._reset()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def rollback(self) -> None:
        self._reset()
        self._read_only = False

    def collect_events(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events

    # -- used by the repositories -------------------------------------------------------------

    def load(self, table: str, row_id: uuid.UUID) -> Any | None:
        key = (table, row_id)
        if key in self._deleted:
            return None
        if key in self._tracked:
            return self._tracked[key].obj
        stored = getattr(self.store, table).rows.get(row_id)
        if stored is None:
            return None
        obj = copy.deepcopy(stored)
        self._tracked[key] = _Tracked(table, obj, copy.deepcopy(stored))
        return obj

    def add(self, table: str, obj: Any) -> None:
        self._tracked[(table, obj.id)] = _Tracked(table, obj, None)
        self._deleted.discard((table, obj.id))

    def delete(self, table: str, obj: Any) -> None:
        self._deleted.add((table, obj.id))
        self._tracked.pop((table, obj.id), None)
        if isinstance(obj, EventRecorder):
            self._deleted_objects.append(obj)

    def scan(self, table: str, where: Callable[[Any], bool]) -> Iterator[Any]:
        """Rows matching ``where`` as this unit of work sees them (its own changes included)."""
        rows = getattr(self.store, table).rows
        seen: set[uuid.UUID] = set()
        for (name, row_id), tracked in list(self._tracked.items()):
            if name == table:
                seen.add(row_id)
                if where(tracked.obj):
                    yield tracked.obj
        for row_id, stored in list(rows.items()):
            if row_id not in seen and (table, row_id) not in self._deleted and where(stored):
                obj = self.load(table, row_id)
                if obj is not None:
                    yield obj

    def before_commit(self, check: Callable[[], None]) -> None:
        """Run ``check`` first thing in commit; it raises to refuse the commit."""
        self._before_commit.append(check)

    def on_commit(self, write: Callable[[], None]) -> None:
        """Run ``write`` against the store when this unit of work commits."""
        self._on_commit.append(write)

    def remember_token(self, token_hash: str, session_id: uuid.UUID) -> None:
        self._new_tokens[token_hash] = session_id

    def session_id_for_token(self, token_hash: str) -> uuid.UUID | None:
        return self._new_tokens.get(token_hash) or self.store.refresh_tokens.get(token_hash)

    # -- commit -------------------------------------------------------------------------------

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a unit of work opened with reading() cannot commit")
        for check in self._before_commit:
            check()
        changed = [t for t in self._tracked.values() if t.original is None or t.obj != t.original]
        for tracked in changed:
            stored = getattr(self.store, tracked.table).rows.get(tracked.obj.id)
            if tracked.original is not None and (
                stored is None or getattr(stored, "version", 0) != tracked.original.version
            ):
                raise Conflict("the record was changed by someone else; try again")
        self._check_unique(changed)

        events = [
            event
            for obj in [t.obj for t in self._tracked.values()] + self._deleted_objects
            if isinstance(obj, EventRecorder)
            for event in obj.pull_events()
        ]
        self._deleted_objects.clear()
        add_to_outbox(self.store, jobs_for(events, self._handlers_of))
        self._events.extend(events)
        for table, row_id in self._deleted:
            self._delete_with_cascade(table, row_id)
        for tracked in changed:
            if tracked.original is not None and hasattr(tracked.obj, "version"):
                tracked.obj.version += 1
            getattr(self.store, tracked.table).rows[tracked.obj.id] = copy.deepcopy(tracked.obj)
            tracked.original = copy.deepcopy(tracked.obj)
        self.store.refresh_tokens.update(self._new_tokens)
        self._new_tokens.clear()
        for write in self._on_commit:
            write()
        self._on_commit.clear()
        self._deleted.clear()

    def _check_unique(self, changed: list[_Tracked]) -> None:
        for tracked in changed:
            table = getattr(self.store, tracked.table)
            for column in table.unique:
                value = getattr(tracked.obj, column)
                if value is None:
                    continue
                for row_id, row in table.rows.items():
                    key = (tracked.table, row_id)
                    if row_id == tracked.obj.id or key in self._deleted:
                        continue
                    current = self._tracked[key].obj if key in self._tracked else row
                    if getattr(current, column) == value:
                        raise Conflict(f"{column} is already in use", field=column)

    def _delete_with_cascade(self, table: str, row_id: uuid.UUID) -> None:
        getattr(self.store, table).rows.pop(row_id, None)
        for child_table, column in self.store.cascades.get(table, ()):
            rows = getattr(self.store, child_table).rows
            for child_id in [i for i, row in rows.items() if getattr(row, column) == row_id]:
                del rows[child_id]
        for child_table, column, cleared in self.store.set_null.get(table, ()):
            for row in getattr(self.store, child_table).rows.values():
                if getattr(row, column) == row_id:
                    for name in cleared:
                        setattr(row, name, None)
        if table == "sessions" or table == "users":
            live = set(self.store.sessions.rows)
            for token, session_id in list(self.store.refresh_tokens.items()):
                if session_id not in live:
                    del self.store.refresh_tokens[token]

    def _reset(self) -> None:
        self._tracked = {}
        self._deleted = set()
        self._deleted_objects = []
        self._new_tokens = {}
        self._on_commit = []
        self._before_commit = []
