"""Reports' commands."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from alora_core.reports.model import ActivityReport
from alora_core.reports.queries import PlatformStatistics
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command


@frozen(kw_only=True)
class CreateActivityReport(Command[ActivityReport]):
    """Make the activity report of ``day`` (a UTC day that is over), once."""

    day: date


@frozen(kw_only=True)
class GetPlatformStatistics(Command[PlatformStatistics]):
    """Users, bookings, reviews, content and recent activity across Alora (administrators)."""

    actor: Actor
    recent: int = 10
    """How many recent activities to show."""
