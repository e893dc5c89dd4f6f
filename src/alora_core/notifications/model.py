"""Notifications: the aggregate, who receives it, and when its email may go (quiet hours)."""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from attrs import define, field, frozen

from alora_core.notifications import events
from alora_core.shared.clock import zone_or_utc
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id
from alora_core.shared.notices import NotificationType as NotificationType


class EmailKind(enum.StrEnum):
    """What an email is about; each kind follows one of the recipient's email preferences."""

    ACCOUNT = "account"
    SECURITY = "security"
    MARKETING = "marketing"
    BOOKING = "booking"
    REVIEW = "review"
    MESSAGE = "message"


@frozen(kw_only=True)
class Recipient:
    """What notifications need to know about a user: where to write and what they accept."""

    user_id: uuid.UUID
    email: str
    full_name: str
    email_notifications: bool
    marketing_emails: bool
    booking_reminders: bool
    review_notifications: bool
    timezone: str = "UTC"
    quiet_hours_start: str | None = None
    """``HH:MM`` in the recipient's time zone; quiet hours need both ends."""
    quiet_hours_end: str | None = None

    def accepts(self, kind: EmailKind) -> bool:
        return _PREFERENCE_OF[kind](self)

    def email_due_at(self, kind: EmailKind, now: datetime) -> datetime | None:
        """When an email of ``kind`` may go: ``now``, the end of the current quiet hours, or
        None when the recipient does not want this kind of email."""
        if not self.accepts(kind):
            return None
        start, end = parse_hhmm(self.quiet_hours_start), parse_hhmm(self.quiet_hours_end)
        if start is None or end is None:
            return now
        return end_of_quiet_hours(now, zone_or_utc(self.timezone), start, end)


_PREFERENCE_OF: dict[EmailKind, Callable[[Recipient], bool]] = {
    EmailKind.ACCOUNT: lambda r: r.email_notifications,
    EmailKind.SECURITY: lambda r: r.email_notifications,
    EmailKind.MARKETING: lambda r: r.marketing_emails,
    EmailKind.BOOKING: lambda r: r.booking_reminders,
    EmailKind.REVIEW: lambda r: r.review_notifications,
    EmailKind.MESSAGE: lambda r: r.email_notifications,
}


# --- quiet hours ----------------------------------------------------------------------------------

_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_hhmm(value: str | None) -> time | None:
    """``"22:30"`` -> 22:30; None for None or anything that is not ``HH:MM``."""
    match = _HHMM.fullmatch(value or "")
    return time(int(match[1]), int(match[2])) if match else None


def in_quiet_hours(wall: time, start: time, end: time) -> bool:
    """Whether a wall-clock time lies in ``[start, end)``; the window may cross midnight
    (22:00-07:00). ``start == end`` is no window at all."""
    if start <= end:
        return start <= wall < end
    return wall >= start or wall < end


# Enough to leave any window: a window whose end a DST jump skips ends the next day.
_MAX_WINDOWS = 4


def end_of_quiet_hours(now: datetime, tz: ZoneInfo, start: time, end: time) -> datetime:
    """The first instant from ``now`` on (UTC) at which the wall clock in ``tz`` is outside the
    quiet hours ``[start, end)``: ``now`` itself when it is outside already.

    The window is judged by the wall clock, so DST days are handled as people live them: quiet
    hours ending at 02:30 on a night the clock jumps from 02:00 to 03:00 end at the jump, and
    ending at 01:30 on a night that passes 01:00-02:00 twice end the next time 01:30 comes.
    """
    moment = now.astimezone(UTC)
    for _ in range(_MAX_WINDOWS):
        wall = moment.astimezone(tz)
        if not in_quiet_hours(wall.time(), start, end):
            return moment
        end_day = wall.date() if wall.time() < end else wall.date() + timedelta(days=1)
        ending = max(moment, _first_instant_showing(end_day, end, tz, not_before=moment))
        # The clock may also leave the window backwards (02:59 -> 02:00 on a night that
        # repeats an hour, when the window starts after 02:00): that happens at a transition.
        moment = _exit_at_a_transition(moment, ending, tz, start, end) or ending
    return moment


_TRANSITION_GRID = timedelta(minutes=15)  # every zone changes its offset on this grid


def _exit_at_a_transition(
    after: datetime, before: datetime, tz: ZoneInfo, start: time, end: time
) -> datetime | None:
    """The first offset transition in ``(after, before)`` that lands outside the window."""
    since_epoch = after - datetime(1970, 1, 1, tzinfo=UTC)
    instant = after - since_epoch % _TRANSITION_GRID + _TRANSITION_GRID
    while instant < before:
        local = instant.astimezone(tz)
        just_before = (instant - timedelta(seconds=1)).astimezone(tz)
        if local.utcoffset() != just_before.utcoffset() and not in_quiet_hours(
            local.time(), start, end
        ):
            return instant
        instant += _TRANSITION_GRID
    return None


def _first_instant_showing(day: date, wall: time, tz: ZoneInfo, not_before: datetime) -> datetime:
    """The first instant (UTC) from ``not_before`` on at which the clock in ``tz`` shows
    ``day`` ``wall``, or, when the clock jumps over that time, the jump."""
    naive = datetime.combine(day, wall)

    def shows(instant: datetime) -> datetime:
        return instant.astimezone(tz).replace(tzinfo=None)

    # fold 0 and 1 are the two readings of an ambiguous time (one when the time exists once).
    readings = sorted({naive.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)})
    existing = [instant for instant in readings if shows(instant) == naive]
    if existing:
        return next((i for i in existing if i >= not_before), existing[-1])
    # Skipped: the readings lie on both sides of the jump; find it to the second.
    low, high = int(readings[0].timestamp()), int(readings[-1].timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if shows(datetime.fromtimestamp(middle, UTC)) >= naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


# --- the aggregate --------------------------------------------------------------------------------


@frozen(kw_only=True)
class NewNotification:
    """A notification not stored yet, as a plain value. ``Notification.of`` makes the aggregate;
    ``Notifications.add_many`` stores many at once without one (a fan-out writes rows, not
    objects). ``created`` is the event that tells of it."""

    recipient_id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    created_at: datetime
    email_kind: EmailKind | None = None
    email_due_at: datetime | None = None
    collapse_key: str | None = None
    id: uuid.UUID = field(factory=new_id)

    def created(self) -> events.NotificationCreated:
        return events.NotificationCreated(
            occurred_at=self.created_at,
            notification_id=self.id,
            recipient_id=self.recipient_id,
            type=self.type.value,
            title=self.title,
            body=self.body,
            link=self.link,
            data=self.data,
            created_at=self.created_at,
            email_kind=None if self.email_kind is None else self.email_kind.value,
        )


@define(slots=False, kw_only=True)
class Notification(EventRecorder):
    recipient_id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    created_at: datetime
    id: uuid.UUID = field(factory=new_id)
    link: str | None = None
    data: dict[str, Any] = field(factory=dict)
    read_at: datetime | None = None
    email_kind: EmailKind | None = None
    email_due_at: datetime | None = None
    """When its email should go; None when no email is pending (never wanted, or cancelled)."""
    emailed_at: datetime | None = None
    collapse_key: str | None = None
    """Unread, it takes the later notices of this key (``retell``)."""
    version: int = 1

    @classmethod
    def create(
        cls,
        *,
        recipient_id: uuid.UUID,
        type: NotificationType,
        title: str,
        body: str,
        link: str | None,
        data: dict[str, Any],
        email_kind: EmailKind | None,
        email_due_at: datetime | None,
        now: datetime,
        collapse_key: str | None = None,
    ) -> Notification:
        return cls.of(
            NewNotification(
                recipient_id=recipient_id,
                type=type,
                title=title,
                body=body,
                link=link,
                data=data,
                created_at=now,
                email_kind=email_kind,
                email_due_at=email_due_at,
                collapse_key=collapse_key,
            )
        )

    @classmethod
    def of(cls, new: NewNotification) -> Notification:
        """The aggregate of a new notification, having recorded ``new.created()``."""
        notification = cls(
            id=new.id,
            recipient_id=new.recipient_id,
            type=new.type,
            title=new.title,
            body=new.body,
            link=new.link,
            data=new.data,
            created_at=new.created_at,
            email_kind=new.email_kind,
            email_due_at=new.email_due_at,
            collapse_key=new.collapse_key,
        )
        notification.record(new.created())
        return notification

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def retell(
        self,
        *,
        type: NotificationType,
        title: str,
        body: str,
        link: str | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """A later notice of its collapse key: it says this now. Its email, sent or held,
        stays the one email (a held one goes out with the latest text)."""
        self.type, self.title, self.body, self.link, self.data = type, title, body, link, data
        self.created_at = now
        self.record(
            events.NotificationUpdated(
                occurred_at=now,
                notification_id=self.id,
                recipient_id=self.recipient_id,
                type=type.value,
                title=title,
                body=body,
                link=link,
                data=data,
                created_at=now,
            )
        )

    def mark_read(self, now: datetime) -> bool:
        """Mark it read; False (and no event) when it was read already."""
        if self.read_at is not None:
            return False
        self.read_at = now
        self.record(
            events.NotificationsRead(
                occurred_at=now,
                recipient_id=self.recipient_id,
                notification_ids=[self.id],
                all=False,
                read_at=now,
            )
        )
        return True

    def announce_all_read(self, now: datetime) -> None:
        """Record that every notification of the recipient was read: a bulk update changes
        them, and it has no aggregate of its own to record the event (any of them carries it)."""
        self.record(
            events.NotificationsRead(
                occurred_at=now,
                recipient_id=self.recipient_id,
                notification_ids=[],
                all=True,
                read_at=now,
            )
        )

    def delete(self, now: datetime) -> None:
        """Record the deletion; the repository removes the row."""
        self.record(
            events.NotificationDeleted(
                occurred_at=now,
                recipient_id=self.recipient_id,
                notification_id=self.id,
                was_unread=self.unread,
            )
        )

    # -- its email ---------------------------------------------------------------------------------

    def email_is_due(self, now: datetime) -> bool:
        due = self.email_due_at
        return self.emailed_at is None and due is not None and due <= now

    def decide_email(self, recipient: Recipient | None, now: datetime) -> bool:
        """At the time the email is due, ask again whether it may go now (the recipient may
        have changed their preferences or quiet hours since). True: send it now. Otherwise
        the email is cancelled or held until the new time, and False is returned."""
        if not self.email_is_due(now):
            return False
        due = (
            None
            if recipient is None or self.email_kind is None
            else recipient.email_due_at(self.email_kind, now)
        )
        if due is None or due > now:
            self.email_due_at = due
            return False
        return True

    def mark_emailed(self, now: datetime) -> None:
        self.emailed_at = now

    def retry_email_at(self, moment: datetime) -> None:
        """Sending failed: try again at ``moment``."""
        self.emailed_at = None
        self.email_due_at = moment
